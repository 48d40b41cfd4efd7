import { Entity } from '@backstage/catalog-model';
import { registerMswTestHooks } from '@backstage/test-utils';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { renderWithEntity } from '../../__testUtils__/render';
import { DoraCard } from './DoraCard';
import { DriftCard } from './DriftCard';
import { SinceYesterdayCard } from './SinceYesterdayCard';

jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });

const API = 'http://example.com/api/release-manager';
const server = setupServer();
registerMswTestHooks(server);

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
const scope = {
  entityRefs: ['group:default/payments'],
  entities: [
    {
      entityRef: 'component:default/ledger',
      service: 'ledger',
      title: 'ledger',
      relation: 'owned',
    },
    {
      entityRef: 'component:default/cards',
      service: 'cards',
      title: 'cards',
      relation: 'owned',
    },
  ],
  warnings: [],
};
const at = (hoursAgo: number) =>
  new Date(Date.now() - hoursAgo * 3_600_000).toISOString();

describe('SinceYesterdayCard', () => {
  it('groups the feed by service, newest first, links each line, and changes range', async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${API}/insights/events`, ({ request }) => {
        const url = new URL(request.url);
        asked.push(url.searchParams.get('range')!);
        expect(url.searchParams.get('entityRef')).toBe(
          'group:default/payments',
        );
        return HttpResponse.json({
          since: at(20),
          until: at(0),
          services: ['cards', 'ledger'],
          truncated: false,
          ...scope,
          events: [
            {
              kind: 'incident-opened',
              service: 'ledger',
              message: 'ledger: high-urgency incident "5xx" opened',
              at: at(1),
              url: 'https://pd.example.com/i/1',
              incidentId: 'i1',
            },
            {
              kind: 'promote',
              service: 'cards',
              environment: 'prod',
              message: 'cards main-1 promoted from staging to prod by Jane',
              at: at(2),
              commit: 'c1',
            },
            {
              kind: 'rollback',
              service: 'ledger',
              environment: 'prod',
              message: 'ledger rolled back in prod from b to a by Jane',
              at: at(3),
              commit: 'c2',
            },
          ],
        });
      }),
    );
    await renderWithEntity(
      <SinceYesterdayCard entityRefs={['group:default/payments']} />,
      { entity: group },
    );
    const ledger = await screen.findByTestId('feed-ledger');
    const cards = screen.getByTestId('feed-cards');
    // ledger has the newest event: listed first
    expect(
      ledger.compareDocumentPosition(cards) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      within(ledger).getByText('Incident opened').closest('a'),
    ).toHaveAttribute('href', 'https://pd.example.com/i/1');
    expect(
      within(ledger).getByText('Rolled back · prod').closest('a'),
    ).toHaveAttribute('href', '/catalog/default/component/ledger/releases');
    expect(
      within(cards).getByText(/promoted from staging to prod/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('time range'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last 7 days' }),
    );
    await waitFor(() => expect(asked).toEqual(['since-yesterday', '7d']));
  });

  it('shows the backend error', async () => {
    server.use(
      http.get(`${API}/insights/events`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'no entity group:default/payments in the catalog',
            },
          },
          { status: 404 },
        ),
      ),
    );
    await renderWithEntity(
      <SinceYesterdayCard entityRefs={['group:default/payments']} />,
      { entity: group },
    );
    expect(
      (await screen.findAllByText(/no entity group:default\/payments/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('DriftCard', () => {
  it('lists what waits, longest first, and a promotion moves the service out of the waiting list', async () => {
    let promoted = false;
    const posts: string[] = [];
    const cell = (artifactId: string, sha: string) => ({
      artifactId,
      sha,
      releasedAt: at(30),
      commit: 'x',
    });
    server.use(
      http.get(`${API}/insights/drift`, () =>
        HttpResponse.json({
          environments: ['dev', 'staging', 'prod'],
          from: 'staging',
          to: 'prod',
          generatedAt: at(0),
          ...scope,
          services: [
            {
              service: 'ledger',
              environments: {
                dev: null,
                staging: cell('main-b', 'bbbbbbbbbb'),
                prod: promoted
                  ? cell('main-b', 'bbbbbbbbbb')
                  : cell('main-a', 'aaaaaaaaaa'),
              },
              pending: promoted
                ? []
                : [
                    {
                      artifactId: 'main-b',
                      sha: 'bbbbbbbbbb',
                      message: 'faster ledger',
                      releasedAt: at(50),
                    },
                  ],
              ...(promoted ? {} : { waitingSince: at(50), waitingHours: 50 }),
            },
            {
              service: 'cards',
              environments: {
                dev: null,
                staging: cell('main-c', 'cccccccccc'),
                prod: cell('main-c', 'cccccccccc'),
              },
              pending: [],
            },
          ],
        }),
      ),
      http.post(
        `${API}/entities/default/component/ledger/promote`,
        async ({ request }) => {
          posts.push(JSON.stringify(await request.json()));
          promoted = true;
          return HttpResponse.json({ service: 'ledger', releaseId: 'main-b' });
        },
      ),
    );
    await renderWithEntity(
      <DriftCard entityRefs={['group:default/payments']} />,
      {
        entity: group,
      },
    );
    const row = await screen.findByTestId('waiting-ledger');
    expect(within(row).getByText(/waiting 2 d 2 h/)).toBeInTheDocument();
    expect(within(row).getByText(/faster ledger/)).toBeInTheDocument();
    expect(screen.queryByTestId('waiting-cards')).toBeNull();
    await userEvent.click(
      within(row).getByRole('button', { name: 'Promote to prod' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('heading', { name: 'Promote to prod' }),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Promote to prod' }),
    );
    await waitFor(() =>
      expect(posts).toEqual([JSON.stringify({ environment: 'prod' })]),
    );
    await waitFor(() =>
      expect(screen.queryByTestId('waiting-ledger')).toBeNull(),
    );
    expect(screen.getByText(/Nothing waits/)).toBeInTheDocument();
  });
});

describe('DoraCard', () => {
  it('shows the four keys with bands, the causes of failures and the trend', async () => {
    const days: string[] = [];
    server.use(
      http.get(`${API}/insights/dora`, ({ request }) => {
        days.push(new URL(request.url).searchParams.get('days')!);
        return HttpResponse.json({
          ...scope,
          services: ['cards', 'ledger'],
          environment: 'prod',
          days: 30,
          from: at(720),
          to: at(0),
          incidentsCounted: 1,
          deploymentFrequency: {
            deployments: 7,
            perDay: 0.23,
            band: 'high',
            computation: 'prod releases / days',
          },
          leadTime: {
            medianHours: 13,
            p90Hours: 72,
            samples: 6,
            band: 'elite',
            computation: 'commit → prod',
          },
          changeFailureRate: {
            rate: 0.43,
            failed: 3,
            deployments: 7,
            byCause: { rollback: 1, failedRollout: 1, incident: 1 },
            failureWindowHours: 24,
            band: 'low',
            computation: 'failed / all',
          },
          timeToRestore: {
            medianHours: 3,
            p90Hours: 18,
            samples: 3,
            unrestored: 0,
            band: 'high',
            computation: 'failure → healthy release',
          },
          weeks: [
            {
              start: '2026-11-02T00:00:00.000Z',
              deployments: 3,
              failed: 1,
              changeFailureRate: 0.33,
              leadTimeMedianHours: 13,
              timeToRestoreMedianHours: 2,
            },
            {
              start: '2026-11-09T00:00:00.000Z',
              deployments: 2,
              failed: 1,
              changeFailureRate: 0.5,
              leadTimeMedianHours: 12.5,
              timeToRestoreMedianHours: 3,
            },
          ],
          bandsSource: 'Accelerate State of DevOps Report 2023',
        });
      }),
    );
    await renderWithEntity(
      <DoraCard entityRefs={['group:default/payments']} />,
      {
        entity: group,
      },
    );
    const cfr = await screen.findByTestId('dora-Change failure rate');
    expect(within(cfr).getByText('43 %')).toBeInTheDocument();
    expect(within(cfr).getByText('low')).toBeInTheDocument();
    expect(
      within(cfr).getByText(/1 rolled back, 1 failed rollouts, 1 incidents/),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('dora-Lead time for changes')).getByText(
        'elite',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'weekly trend' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('period'));
    await userEvent.click(
      await screen.findByRole('option', { name: '90 days' }),
    );
    await waitFor(() => expect(days).toEqual(['30', '90']));
  });
});
