import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityHealth } from '@slipway/plugin-service-health-common';
import { screen, within } from '@testing-library/react';
import { ServiceHealthApi, serviceHealthApiRef } from '../api';
import { EntityServiceHealthCard } from './EntityServiceHealthCard';
import { health, serviceEntity, signal } from './testData';

function renderCard(
  api: Partial<ServiceHealthApi>,
  entity: Entity = serviceEntity(),
) {
  return renderInTestApp(
    <TestApiProvider apis={[[serviceHealthApiRef, api as ServiceHealthApi]]}>
      <EntityProvider entity={entity}>
        <EntityServiceHealthCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const withHealth = (h: EntityHealth) => ({ getHealth: jest.fn(async () => h) });

describe('EntityServiceHealthCard', () => {
  it('shows progress while loading', async () => {
    await renderCard({ getHealth: () => new Promise(() => {}) });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderCard({
      getHealth: async () => {
        throw new Error('service-health backend is down');
      },
    });
    expect(
      (await screen.findAllByText(/service-health backend is down/)).length,
    ).toBeGreaterThan(0);
  });

  it('shows the missing annotation for entities that are not services', async () => {
    const api = { getHealth: jest.fn() };
    await renderCard(api, {
      ...serviceEntity('docs'),
      spec: { type: 'website' },
    });
    expect(
      screen.getAllByText(/slipway.dev\/health-signals/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getHealth).not.toHaveBeenCalled();
  });

  it('shows a green service with its signal value, thresholds and links', async () => {
    const api = withHealth(health('green', [signal('green', 0.5)]));
    await renderCard(api);
    expect(await screen.findByText('Healthy')).toBeInTheDocument();
    expect(api.getHealth).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'ledger',
    });
    const overall = screen.getByTestId('overall-health');
    expect(
      within(overall).getByRole('img', { name: 'Healthy' }),
    ).toHaveAttribute('data-light', 'green');
    expect(screen.getByText('Request error ratio')).toBeInTheDocument();
    expect(screen.getByText('0.5 %')).toBeInTheDocument();
    expect(screen.getByText('amber ≥ 1 %')).toBeInTheDocument();
    expect(screen.getByText('red ≥ 5 %')).toBeInTheDocument();
    expect(screen.getByText('Dashboard').closest('a')).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/svc?var-service=ledger',
    );
    expect(screen.getByText('Query').closest('a')).toHaveAttribute(
      'href',
      'http://localhost:9090/graph?g0.expr=x',
    );
  });

  it.each([
    ['amber', 'Degraded', 2, '2 %'],
    ['red', 'Unhealthy', 12.5, '12.5 %'],
  ] as const)('shows an %s service', async (light, label, value, shown) => {
    await renderCard(withHealth(health(light, [signal(light, value)])));
    expect(await screen.findByText(label)).toBeInTheDocument();
    expect(screen.getByText(`summary ${light}`)).toBeInTheDocument();
    expect(screen.getByText(shown)).toBeInTheDocument();
    expect(
      within(screen.getByTestId('overall-health')).getByRole('img'),
    ).toHaveAttribute('data-light', light);
  });

  it('shows grey with the reason when there is no data, never green', async () => {
    await renderCard(
      withHealth(
        health('grey', [
          signal('grey', null, {
            reason: 'no data: the query returned no series',
          }),
        ]),
      ),
    );
    expect(await screen.findByText('Unknown')).toBeInTheDocument();
    expect(
      screen.getByText('no data: the query returned no series'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'rollout unknown: serviceHealth.releaseManager.baseUrl is not configured',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Healthy')).not.toBeInTheDocument();
  });

  it("shows a signal's query error with Prometheus's message, and the rest of the card", async () => {
    await renderCard(
      withHealth(
        health(
          'amber',
          [
            signal('amber', 0.7, {
              id: 'latency',
              title: 'Latency (p99)',
              unit: 'seconds',
              amber: 0.5,
              red: 1,
            }),
            signal('grey', null, {
              id: 'broken',
              title: 'Broken',
              error: 'bad_data: 1:38: parse error: unclosed left parenthesis',
              reason: 'query failed',
            }),
          ],
          {
            rollout: {
              light: 'amber',
              summary: 'prod: progressing (3/5 ready)',
            },
          },
        ),
      ),
    );
    expect(
      await screen.findByText(
        'Query error: bad_data: 1:38: parse error: unclosed left parenthesis',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('700 ms')).toBeInTheDocument();
    expect(screen.getByText('amber ≥ 500 ms')).toBeInTheDocument();
    expect(screen.getByText('red ≥ 1 s')).toBeInTheDocument();
    expect(
      screen.getByText('prod: progressing (3/5 ready)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
  });
});
