import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { startReleaseManager } from '@slipway/release-manager';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { SignalsPusher } from './SignalsPusher';

const TOKEN = 'test-token';
const PORTAL = 'http://portal.test/api';

const component = (name: string, service?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: service
      ? { 'slipway.dev/release-manager-service': service }
      : {},
  },
  spec: { type: 'service', owner: 'group:default/payments' },
});

const entities = [
  component('ledger', 'ledger'),
  component('ledger-worker', 'ledger'),
  component('billing', 'billing'),
  component('unrelated'),
];

const health = (entityRef: string, light: string, summary: string) => ({
  entityRef,
  health: {
    entityRef,
    light,
    summary,
    signals: [],
    rollout: { light: 'green', summary: 'ready' },
    incidents: { light: 'green', summary: 'none' },
    evaluatedAt: new Date().toISOString(),
  },
});

const incident = (
  id: string,
  urgency: 'high' | 'low',
  status = 'triggered',
) => ({
  id,
  provider: 'embedded',
  title: `Incident ${id}`,
  status,
  urgency,
  createdAt: '2026-12-02T10:00:00Z',
  canUpdate: true,
});

describe('SignalsPusher', () => {
  const msw = setupServer();
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };
  const asked: Record<string, string[][]> = { health: [], incidents: [] };

  beforeAll(async () => {
    msw.listen({ onUnhandledRequest: 'bypass' });
    dataDir = mkdtempSync(join(tmpdir(), 'rm-signals-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
  }, 60_000);
  afterEach(() => msw.resetHandlers());
  afterAll(async () => {
    msw.close();
    await rm?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pusher = () =>
    new SignalsPusher({
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async (id: string) => `${PORTAL}/${id}`,
        getExternalBaseUrl: async (id: string) => `${PORTAL}/${id}`,
      },
      client: createReleaseManagerService({
        baseUrl: rm.url,
        token: TOKEN,
        timeoutMs: 30_000,
        environments: ['dev', 'staging', 'prod'],
      }),
      logger: mockServices.logger.mock(),
    });

  const signalsOf = async (service: string) => {
    const res = await fetch(`${rm.url}/signals/${service}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return { status: res.status, body: await res.json() };
  };

  it('pushes each service the worst light of its entities and their open incidents, read in one batch per source', async () => {
    msw.use(
      http.post(
        `${PORTAL}/service-health/health/batch`,
        async ({ request }) => {
          expect(request.headers.get('authorization')).toMatch(/^Bearer /);
          const { entityRefs } = (await request.json()) as {
            entityRefs: string[];
          };
          asked.health.push(entityRefs);
          return HttpResponse.json({
            items: [
              health(
                'component:default/ledger',
                'amber',
                'p99 latency 800 ms > 500 ms',
              ),
              health(
                'component:default/ledger-worker',
                'red',
                'error ratio 9 % > 5 %',
              ),
              health(
                'component:default/billing',
                'green',
                'every signal green',
              ),
            ],
          });
        },
      ),
      http.post(`${PORTAL}/on-call/incidents/batch`, async ({ request }) => {
        const { entityRefs } = (await request.json()) as {
          entityRefs: string[];
        };
        asked.incidents.push(entityRefs);
        return HttpResponse.json({
          items: [
            {
              entityRef: 'component:default/ledger',
              items: [
                incident('i1', 'high'),
                incident('i2', 'low', 'acknowledged'),
              ],
            },
            {
              entityRef: 'component:default/ledger-worker',
              items: [incident('i1', 'high')],
            },
            {
              entityRef: 'component:default/billing',
              error: { name: 'InputError', message: 'no on-call annotation' },
            },
          ],
        });
      }),
    );
    const result = await pusher().pushAll();
    expect(result).toEqual({ pushed: 2, failed: 0 });
    expect(asked.health).toEqual([
      [
        'component:default/ledger',
        'component:default/ledger-worker',
        'component:default/billing',
      ],
    ]);
    expect(asked.incidents).toHaveLength(1);

    const ledger = await signalsOf('ledger');
    expect(ledger.body).toMatchObject({
      service: 'ledger',
      source: 'backstage',
      health: {
        light: 'red',
        reason: 'component:default/ledger-worker: error ratio 9 % > 5 %',
      },
    });
    expect(ledger.body.incidents.map((i: any) => [i.id, i.urgency])).toEqual([
      ['i1', 'high'],
      ['i2', 'low'],
    ]);
    const billing = await signalsOf('billing');
    expect(billing.body.health.light).toBe('green');
    expect(billing.body.incidents).toEqual([]);
  }, 60_000);

  it('pushes nothing when a source cannot be read, so the gates fail closed on stale signals', async () => {
    const before = await signalsOf('ledger');
    msw.use(
      http.post(`${PORTAL}/service-health/health/batch`, () =>
        HttpResponse.json({ items: [] }),
      ),
      http.post(`${PORTAL}/on-call/incidents/batch`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'PagerDuty is down' } },
          { status: 503 },
        ),
      ),
    );
    const result = await pusher().pushAll();
    expect(result.pushed).toBe(0);
    expect(result.skipped).toMatch(/could not read the portal's signals/);
    expect((await signalsOf('ledger')).body.observedAt).toBe(
      before.body.observedAt,
    );
  }, 60_000);
});
