import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { ServiceHealthApi, serviceHealthApiRef } from '../api';
import { HomePageServiceHealthCard } from './HomePageServiceHealthCard';
import { health, serviceEntity, signal } from './testData';

describe('HomePageServiceHealthCard', () => {
  it("lists the team's services worst first, from one batch call", async () => {
    const owned = (name: string, owner: string) => ({
      ...serviceEntity(name),
      relations: [{ type: 'ownedBy', targetRef: owner }],
    });
    const all = [
      owned('ledger', 'group:default/payments'),
      owned('card-service', 'group:default/payments'),
      owned('loans', 'group:default/lending'),
    ];
    // A catalog that honours the card's relations.ownedBy filter.
    const catalogApi = {
      getEntities: jest.fn(async ({ filter }: any) => ({
        items: all.filter(e =>
          filter['relations.ownedBy'].includes(e.relations[0].targetRef),
        ),
      })),
    };
    const identityApi = {
      getBackstageIdentity: async () => ({
        type: 'user' as const,
        userEntityRef: 'user:default/guest',
        ownershipEntityRefs: ['user:default/guest', 'group:default/payments'],
      }),
    };
    const healthApi: Partial<ServiceHealthApi> = {
      getHealthBatch: jest.fn(async (refs: string[]) =>
        refs.map(ref =>
          ref.endsWith('/ledger')
            ? {
                entityRef: ref,
                health: health('green', [signal('green', 0.1)]),
              }
            : {
                entityRef: ref,
                health: {
                  ...health('red', [signal('red', 9)]),
                  summary: 'red: Request error ratio',
                },
              },
        ),
      ),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [catalogApiRef, catalogApi],
          [identityApiRef, identityApi],
          [serviceHealthApiRef, healthApi as ServiceHealthApi],
        ]}
      >
        <HomePageServiceHealthCard />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('ledger')).toBeInTheDocument();
    expect(screen.queryByText('loans')).not.toBeInTheDocument();
    const lights = screen
      .getAllByRole('img')
      .map(e => e.getAttribute('data-light'));
    expect(lights).toEqual(['red', 'green']);
    expect(screen.getByText('red: Request error ratio')).toBeInTheDocument();
    expect(healthApi.getHealthBatch).toHaveBeenCalledTimes(1);
  });
});
