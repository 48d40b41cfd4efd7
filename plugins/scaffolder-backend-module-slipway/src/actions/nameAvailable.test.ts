import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockContext } from '../__testUtils__/mockContext';
import { createNameAvailableAction } from './nameAvailable';

const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'ledger', namespace: 'default' },
      spec: { type: 'service', owner: 'group:payments', lifecycle: 'production' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
  ],
});

describe('slipway:name:available', () => {
  const action = createNameAvailableAction({ catalog });

  it('accepts a free DNS-1123 name with an existing owner', async () => {
    const ctx = mockContext({
      input: { name: 'fraud-check', owner: 'group:default/payments' },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'component:default/fraud-check');
    expect(ctx.output).toHaveBeenCalledWith('ownerRef', 'group:default/payments');
  });

  it.each(['Fraud', 'fraud_check', '-fraud', 'a'.repeat(64), ''])(
    'refuses the non-DNS-1123 name %p',
    async name => {
      await expect(
        action.handler(mockContext({ input: { name } })),
      ).rejects.toThrow(/name ".*" is not a DNS-1123 label/);
    },
  );

  it('refuses a name a component already has', async () => {
    await expect(
      action.handler(mockContext({ input: { name: 'ledger' } })),
    ).rejects.toThrow('name: component:default/ledger already exists in the catalog');
  });

  it('refuses an owner that does not exist', async () => {
    await expect(
      action.handler(
        mockContext({ input: { name: 'fraud-check', owner: 'group:default/nobody' } }),
      ),
    ).rejects.toThrow('owner group:default/nobody does not exist in the catalog');
  });

  it('checks in a dry run too (read-only)', async () => {
    const ctx = { ...mockContext({ input: { name: 'ledger' } }), isDryRun: true };
    await expect(action.handler(ctx)).rejects.toThrow(/already exists/);
  });
});
