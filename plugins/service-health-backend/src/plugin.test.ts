import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  BatchHealthResponse,
  EntityHealth,
} from '@slipway/plugin-service-health-common';
import request from 'supertest';
import { serviceHealthPlugin } from './plugin';
import {
  serviceHealthModuleOnCallIncidents,
  serviceHealthModuleReleaseManagerRollout,
} from './alpha';
import {
  findPrometheus,
  TestExporter,
  TestPrometheus,
  waitFor,
} from './testUtils/realPrometheus';

// These tests run a real Prometheus (Debian's `prometheus` package; scripts/test.d/
// 20-prometheus.sh installs it) scraping an exporter the test controls every second.

jest.setTimeout(60_000);

const service = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
});

const entities = [
  service('checkout'),
  service('basket'),
  service('ghost'),
  service('typo', {
    'slipway.dev/health-signals': `
- id: broken
  title: Broken query
  query: 'sum(rate(demo_errors_percent{service="typo"}[5m])'
  unit: percent
  amber: 1
  red: 5
`,
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'docs-site', namespace: 'default' },
    spec: {
      type: 'website',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
];

const signals = [
  {
    id: 'errors',
    title: 'Errors',
    query: 'max(demo_errors_percent{ {{selector}} })',
    unit: 'percent',
    direction: 'higher-is-worse',
    amber: 1,
    red: 5,
    dashboard: '/d/svc?var-service={{name}}',
  },
  {
    id: 'ready',
    title: 'Pods ready',
    query: 'min(demo_ready_percent{ {{selector}} })',
    unit: 'percent',
    direction: 'lower-is-worse',
    amber: 99,
    red: 50,
  },
];

const prometheusBin = findPrometheus();

describe('service-health against a real Prometheus', () => {
  const exporter = new TestExporter();
  const prometheus = new TestPrometheus(prometheusBin ?? 'prometheus');

  const startBackend = (
    cacheTtlSeconds: number,
    withSignals: object[] = signals,
  ) =>
    startTestBackend({
      features: [
        serviceHealthPlugin,
        serviceHealthModuleReleaseManagerRollout,
        serviceHealthModuleOnCallIncidents,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            serviceHealth: {
              prometheus: { baseUrl: prometheus.baseUrl, timeoutMs: 5000 },
              grafana: { baseUrl: 'https://grafana.example.com' },
              cacheTtlSeconds,
              signals: withSignals,
            },
          },
        }),
      ],
    });

  beforeAll(async () => {
    if (!prometheusBin) {
      throw new Error(
        'prometheus is not installed; run scripts/test (it installs it) or apt-get install prometheus',
      );
    }
    await exporter.start();
    exporter.set('demo_errors_percent{service="checkout"}', 0.5);
    exporter.set('demo_ready_percent{service="checkout"}', 100);
    exporter.set('demo_errors_percent{service="basket"}', 0.1);
    exporter.set('demo_ready_percent{service="basket"}', 100);
    await prometheus.start([`127.0.0.1:${exporter.port}`]);
    await prometheus.waitForScrape();
  });

  afterAll(async () => {
    await prometheus.stop();
    await exporter.stop();
  });

  it('turns a service green, amber and red as its real metrics change', async () => {
    const { server } = await startBackend(0);
    const health = async (): Promise<EntityHealth> => {
      const res = await request(server).get(
        '/api/service-health/health/default/component/checkout',
      );
      expect(res.status).toBe(200);
      return res.body;
    };
    // Waits until the overall light and the signals' lights are as expected (the
    // exporter's new value shows up after the next 1 s scrape).
    const waitForLight = async (light: string, signalLights?: string[]) => {
      let last: EntityHealth | undefined;
      await waitFor(
        async () => {
          last = await health();
          return (
            last.light === light &&
            (!signalLights ||
              last.signals.map(s => s.light).join() === signalLights.join())
          );
        },
        20_000,
        () =>
          `expected ${light}, last health: ${JSON.stringify(last, null, 1)}`,
      );
      return last!;
    };

    const green = await waitForLight('green');
    expect(green.signals.map(s => [s.id, s.light, s.value])).toEqual([
      ['errors', 'green', 0.5],
      ['ready', 'green', 100],
    ]);
    expect(green.signals[0].query).toBe(
      'max(demo_errors_percent{ service="checkout" })',
    );
    expect(green.signals[0].dashboardUrl).toBe(
      'https://grafana.example.com/d/svc?var-service=checkout',
    );
    // the input modules are installed, the plugins they ask are not
    expect(green.rollout).toEqual({
      light: 'grey',
      summary: 'rollout unknown: the release-manager plugin is not installed',
    });
    expect(green.incidents).toEqual({
      light: 'grey',
      summary: 'incidents unknown: the on-call plugin is not installed',
    });

    exporter.set('demo_errors_percent{service="checkout"}', 2);
    const amber = await waitForLight('amber', ['amber', 'green']);
    expect(amber.signals[0]).toMatchObject({ light: 'amber', value: 2 });
    expect(amber.summary).toBe('amber: Errors');

    exporter.set('demo_errors_percent{service="checkout"}', 12.5);
    const red = await waitForLight('red', ['red', 'green']);
    expect(red.signals[0]).toMatchObject({ light: 'red', value: 12.5 });

    // lower-is-worse: availability dropping is red even when errors recover
    exporter.set('demo_errors_percent{service="checkout"}', 0);
    exporter.set('demo_ready_percent{service="checkout"}', 40);
    const down = await waitForLight('red', ['green', 'red']);
    expect(down.signals[1]).toMatchObject({ light: 'red', value: 40 });
    expect(down.summary).toBe('red: Pods ready');

    exporter.set('demo_ready_percent{service="checkout"}', 100);
    await waitForLight('green', ['green', 'green']);
  });

  it('shows no data as grey, never green, and bad PromQL as a signal error', async () => {
    const { server } = await startBackend(0);
    const ghost = await request(server).get(
      '/api/service-health/health/default/component/ghost',
    );
    expect(ghost.status).toBe(200);
    expect(ghost.body.light).toBe('grey');
    expect(
      ghost.body.signals.map((s: any) => [s.light, s.value, s.reason]),
    ).toEqual([
      ['grey', null, 'no data: the query returned no series'],
      ['grey', null, 'no data: the query returned no series'],
    ]);

    const typo = await request(server).get(
      '/api/service-health/health/default/component/typo',
    );
    expect(typo.status).toBe(200);
    const broken = typo.body.signals.find((s: any) => s.id === 'broken');
    expect(broken.light).toBe('grey');
    expect(broken.error).toMatch(/^bad_data: .*parse error/);
    // the other signals of the same entity are still evaluated
    expect(typo.body.signals.map((s: any) => s.id)).toEqual([
      'errors',
      'ready',
      'broken',
    ]);
  });

  it('computes a batch with one query per signal and entity, deduplicated and cached', async () => {
    const { server } = await startBackend(60);
    const before = await prometheus.queryCount();
    const refs = [
      'component:default/checkout',
      'component:default/basket',
      'component:default/basket',
      'component:default/ghost',
      'component:default/nope',
      'component:default/docs-site',
    ];
    const res = await request(server)
      .post('/api/service-health/health/batch')
      .send({ entityRefs: refs });
    expect(res.status).toBe(200);
    const body: BatchHealthResponse = res.body;
    expect(body.items.map(i => i.entityRef)).toEqual(refs);
    expect(body.items.map(i => i.health?.light ?? i.error)).toEqual([
      'green',
      'green',
      'green',
      'grey',
      'not found',
      'grey',
    ]);
    // docs-site is no service: no signals, so no queries
    expect(body.items[5].health?.signals).toEqual([]);
    // 3 services x 2 signals; the duplicate basket ref is not queried twice
    expect((await prometheus.queryCount()) - before).toBe(6);

    const again = await request(server)
      .post('/api/service-health/health/batch')
      .send({ entityRefs: refs });
    expect(again.status).toBe(200);
    expect((await prometheus.queryCount()) - before).toBe(6);
  });

  it('answers a batch with one batchQuery per signal for all services, split by service label', async () => {
    const batched = signals.map(s => ({
      ...s,
      batchQuery: s.query
        .replace('{ {{selector}} }', '{ service=~"{{names}}" }')
        .replace(/^(max|min)\(/, '$1 by (service) ('),
    }));
    const { server } = await startBackend(60, batched);
    const before = await prometheus.queryCount();
    const res = await request(server)
      .post('/api/service-health/health/batch')
      .send({
        entityRefs: [
          'component:default/checkout',
          'component:default/basket',
          'component:default/ghost',
          'component:default/typo',
        ],
      });
    expect(res.status).toBe(200);
    const items: BatchHealthResponse['items'] = res.body.items;
    expect(
      items.map(i => [
        i.entityRef,
        i.health!.light,
        i.health!.signals.map(s => s.value),
      ]),
    ).toEqual([
      ['component:default/checkout', 'green', [0, 100]],
      ['component:default/basket', 'green', [0.1, 100]],
      ['component:default/ghost', 'grey', [null, null]],
      ['component:default/typo', 'grey', [null, null, null]],
    ]);
    expect(items[2].health!.signals[0].reason).toBe(
      'no data: the query returned no series',
    );
    // 2 batched queries (errors, ready) for 4 services + typo's own broken signal
    expect((await prometheus.queryCount()) - before).toBe(3);
    // the per-entity cache is filled: the card of one service costs no query
    const one = await request(server).get(
      '/api/service-health/health/default/component/basket',
    );
    expect(one.body.signals.map((s: any) => s.value)).toEqual([0.1, 100]);
    expect((await prometheus.queryCount()) - before).toBe(3);
  });

  it('rejects bad input with 400 naming the field, and unknown entities with 404', async () => {
    const { server } = await startBackend(0);
    const bad = await request(server)
      .post('/api/service-health/health/batch')
      .send({ entityRefs: ['component:default/ok', 'kind-only:'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^entityRefs\[1\]: must be an entity ref/,
    );
    const empty = await request(server)
      .post('/api/service-health/health/batch')
      .send({});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/^entityRefs:/);
    const missing = await request(server).get(
      '/api/service-health/health/default/component/nope',
    );
    expect(missing.status).toBe(404);
  });
});
