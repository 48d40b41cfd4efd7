import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockContext } from '../__testUtils__/mockContext';
import { createRegisterFileAction } from './registerFile';

const file = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: fraud-check
spec: {}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: fraud-check-api
spec: {}
`;

describe('catalog:register:file', () => {
  const dir = createMockDirectory();
  beforeEach(() => dir.setContent({ 'catalog-info.yaml': file }));

  it('registers a file location and waits for the entity', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.addLocation.mockResolvedValue({ location: {} as any, entities: [] });
    catalog.getEntityByRef
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce({ kind: 'Component' } as any);
    const ctx = mockContext({
      input: { catalogInfoPath: dir.resolve('catalog-info.yaml'), waitSeconds: 10 },
    });
    await createRegisterFileAction({ catalog }).handler(ctx);
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'file', target: dir.resolve('catalog-info.yaml') },
      expect.anything(),
    );
    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(2);
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'component:default/fraud-check');
    expect(ctx.output).toHaveBeenCalledWith('entityRefs', [
      'component:default/fraud-check',
      'api:default/fraud-check-api',
    ]);
  });

  it('accepts a location that is registered already (re-runs)', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.addLocation.mockRejectedValue(new ConflictError('Location already exists'));
    catalog.getEntityByRef.mockResolvedValue({ kind: 'Component' } as any);
    const ctx = mockContext({ input: { catalogInfoPath: dir.resolve('catalog-info.yaml') } });
    await createRegisterFileAction({ catalog }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'component:default/fraud-check');
  });

  it('refuses a relative path or a missing file', async () => {
    const catalog = catalogServiceMock.mock();
    await expect(
      createRegisterFileAction({ catalog }).handler(
        mockContext({ input: { catalogInfoPath: 'catalog-info.yaml' } }),
      ),
    ).rejects.toThrow(/must be an absolute path/);
    await expect(
      createRegisterFileAction({ catalog }).handler(
        mockContext({ input: { catalogInfoPath: dir.resolve('nope.yaml') } }),
      ),
    ).rejects.toThrow(/cannot read/);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('registers nothing in a dry run', async () => {
    const catalog = catalogServiceMock.mock();
    await createRegisterFileAction({ catalog }).handler({
      ...mockContext({ input: { catalogInfoPath: dir.resolve('catalog-info.yaml') } }),
      isDryRun: true,
    });
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });
});
