import { screen } from '@testing-library/react';
import { identityApiRef } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { onCallApiRef } from '../../api';
import { HomePageOnCallCard } from './HomePageOnCallCard';
import { fakeApi, onCall, service } from '../testData';

function owned(entity: Entity, owner: string) {
  return { ...entity, relations: [{ type: 'ownedBy', targetRef: owner }] };
}

const all = [
  owned(service('ledger'), 'group:default/payments'),
  owned(service('card-service'), 'group:default/payments'),
  owned(service('legacy-batch', {}), 'group:default/payments'),
  owned(
    service('loan-applications', { 'slipway.dev/on-call-schedule': 'lending' }),
    'group:default/lending',
  ),
];

// A catalog that honours the card's relations.ownedBy filter.
const catalogApi = {
  getEntities: jest.fn(async ({ filter }: any) => ({
    items: all.filter(e =>
      filter['relations.ownedBy'].includes(e.relations[0].targetRef),
    ),
  })),
};

function identity(ownershipEntityRefs: string[]) {
  return {
    getBackstageIdentity: async () => ({
      type: 'user' as const,
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs,
    }),
  };
}

async function render(api: ReturnType<typeof fakeApi>, refs: string[]) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [catalogApiRef, catalogApi],
        [identityApiRef, identity(refs)],
        [onCallApiRef, api],
      ]}
    >
      <HomePageOnCallCard />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('HomePageOnCallCard', () => {
  it("lists who is on call for the user's teams' annotated services", async () => {
    const api = fakeApi({
      getOnCall: jest.fn(async (ref: string) => {
        if (ref.endsWith('/card-service')) {
          const err: any = new Error('Request failed');
          err.body = { error: { message: "No on-call schedule 'payments'" } };
          throw err;
        }
        return onCall;
      }),
    });
    await render(api, ['user:default/guest', 'group:default/payments']);
    expect(await screen.findByText('Ledger')).toBeInTheDocument();
    expect(screen.getByText('Astrid Nilsson')).toBeInTheDocument();
    expect(screen.getByText('astrid.nilsson@slipway.dev')).toBeInTheDocument();
    expect(screen.getByText('in 3 days')).toBeInTheDocument();
    expect(screen.getByText('Mikkel Jensen')).toBeInTheDocument();
    // one failing service shows its error in its own row
    expect(
      screen.getByText("No on-call schedule 'payments'"),
    ).toBeInTheDocument();
    // not annotated, or another team's: not listed, not fetched
    expect(screen.queryByText('legacy-batch')).not.toBeInTheDocument();
    expect(screen.queryByText('loan-applications')).not.toBeInTheDocument();
    expect(api.getOnCall.mock.calls.map(c => c[0]).sort()).toEqual([
      'component:default/card-service',
      'component:default/ledger',
    ]);
  });

  it('shows an empty state when no owned service has an on-call annotation', async () => {
    const api = fakeApi();
    await render(api, [
      'user:default/guest',
      'group:default/customer-experience',
    ]);
    expect(
      await screen.findByText("No on-call schedules for your teams' services"),
    ).toBeInTheDocument();
    expect(api.getOnCall).not.toHaveBeenCalled();
  });

  it('shows an error when the catalog fails', async () => {
    const api = fakeApi();
    const failing = {
      getEntities: jest.fn(async () => {
        throw new Error('catalog is down');
      }),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [catalogApiRef, failing],
          [identityApiRef, identity(['group:default/payments'])],
          [onCallApiRef, api],
        ]}
      >
        <HomePageOnCallCard />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      (await screen.findAllByText(/catalog is down/)).length,
    ).toBeGreaterThan(0);
  });
});
