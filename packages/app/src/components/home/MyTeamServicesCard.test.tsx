import { screen } from '@testing-library/react';
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { MyTeamServicesCard } from './MyTeamServicesCard';

const service = (name: string, owner: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', description: `${name} does things` },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

function render(
  ownershipEntityRefs: string[],
  catalogApi = catalogApiMock({
    entities: [
      service('ledger', 'group:default/payments'),
      service('payment-gateway', 'group:default/payments'),
      service('credit-scoring', 'group:default/lending'),
    ],
  }),
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs,
          }),
        ],
        [catalogApiRef, catalogApi],
      ]}
    >
      <MyTeamServicesCard />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('MyTeamServicesCard', () => {
  it("lists the services owned by the user's teams, with links", async () => {
    await render(['user:default/guest', 'group:default/payments']);
    expect(await screen.findByText('ledger')).toBeInTheDocument();
    expect(screen.getByText('payment-gateway').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/payment-gateway',
    );
    expect(screen.queryByText('credit-scoring')).not.toBeInTheDocument();
  });

  it('shows an empty state with the way to create a service', async () => {
    await render(['user:default/guest']);
    expect(await screen.findByText('No services yet')).toBeInTheDocument();
    expect(screen.getByText('Create a service').closest('a')).toHaveAttribute(
      'href',
      '/create',
    );
  });

  it('shows the error when the catalog fails', async () => {
    const failing = catalogApiMock.mock({
      getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
    });
    await render(['group:default/payments'], failing);
    expect(
      await screen.findByText('Error: catalog is down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
