import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startReleaseManager } from '@slipway/release-manager';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { releaseManagerPlugin } from '../plugin';

const TOKEN = 'test-token';
const JANE = 'user:default/jane';

const component = (
  name: string,
  service: string,
  owner: string,
  extra: Entity['relations'] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'slipway.dev/release-manager-service': service },
  },
  spec: { type: 'service', owner, system: 'money' },
  relations: [{ type: 'ownedBy', targetRef: owner }, ...extra],
});

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'money', namespace: 'default' },
    spec: { owner: 'group:default/payments' },
  },
  component('ledger', 'ledger', 'group:default/payments', [
    { type: 'partOf', targetRef: 'system:default/money' },
    { type: 'dependsOn', targetRef: 'component:default/cards' },
  ]),
  component('vault', 'vault', 'group:default/payments'),
  component('cards', 'cards', 'group:default/platform', [
    { type: 'partOf', targetRef: 'system:default/money' },
  ]),
];

/** Everyone signed in may read releases, except of `vault`. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[]) {
      return requests.map(r => ({
        result:
          r.resourceRef === 'component:default/vault'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

describe('insights routes of the release-manager backend plugin', () => {
  const msw = setupServer();
  // The release manager and the test backend are real servers: let those through.
  beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
  afterEach(() => msw.resetHandlers());
  afterAll(() => msw.close());
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };
  let onCallAsked: string[][] = [];

  async function call(path: string, body?: unknown) {
    const res = await fetch(`${rm.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(res.status).toBeLessThan(300);
    return res.json();
  }
  const jane = {
    committerName: 'Jane Doe',
    committerEmail: 'jane@example.com',
  };
  let n = 0;
  async function push(service: string) {
    n++;
    const sha = `${n.toString(16).padStart(4, '0')}`.padEnd(40, 'a');
    const spec = {
      id: `main-${sha.slice(0, 10)}-${'b'.repeat(10)}`,
      service,
      application: { branch: 'main', sha, message: `change ${n}` },
    };
    const manifests: Record<string, Record<string, string>> = {};
    for (const env of ['dev', 'staging', 'prod'])
      manifests[env] = {
        'deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${service}\n`,
      };
    await call('/artifacts/create', { artifact: spec, manifests });
    return spec.id;
  }
  const release = (service: string, environment: string, artifactId: string) =>
    call('/release', {
      service,
      environment,
      artifactId,
      ...jane,
      intent: { type: 'ReleaseArtifact' },
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rm-insights-backend-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
    const l1 = await push('ledger');
    const l2 = await push('ledger');
    await release('ledger', 'staging', l1);
    await release('ledger', 'prod', l1);
    await release('ledger', 'staging', l2);
    const c1 = await push('cards');
    await release('cards', 'staging', c1);
    const v1 = await push('vault');
    await release('vault', 'prod', v1);
  }, 120_000);

  afterAll(async () => {
    await rm?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    onCallAsked = [];
    msw.use(
      http.post('*/api/on-call/incidents/batch', async ({ request: req }) => {
        const { entityRefs } = (await req.json()) as { entityRefs: string[] };
        onCallAsked.push(entityRefs);
        return HttpResponse.json({
          items: entityRefs.map(entityRef => ({
            entityRef,
            items:
              entityRef === 'component:default/ledger'
                ? [
                    {
                      id: 'inc-1',
                      provider: 'embedded',
                      title: 'ledger 5xx',
                      status: 'triggered',
                      urgency: 'high',
                      // opened now: after the prod release of ledger
                      createdAt: new Date().toISOString(),
                      canUpdate: true,
                    },
                  ]
                : [],
          })),
        });
      }),
    );
  });

  async function backend() {
    const { server } = await startTestBackend({
      features: [
        releaseManagerPlugin,
        catalogServiceMock.factory({ entities }),
        permissionsFactory,
        mockServices.rootConfig.factory({
          data: {
            releaseManager: {
              baseUrl: rm.url,
              token: TOKEN,
              timeoutMs: 30_000,
              environments: ['dev', 'staging', 'prod'],
              notifications: { enabled: false },
            },
          },
        }),
      ],
    });
    return server;
  }
  const asJane = mockCredentials.user.header(JANE);

  it('the feed of a team: its services’ releases and incidents, not those it may not read', async () => {
    const server = await backend();
    const res = await request(server)
      .get('/api/release-manager/insights/events')
      .query({ entityRef: 'group:default/payments', range: '24h' })
      .set('authorization', asJane);
    expect(res.status).toBe(200);
    expect(res.body.entities.map((e: any) => e.service)).toEqual(['ledger']);
    expect(res.body.events.map((e: any) => [e.kind, e.environment])).toEqual([
      ['incident-opened', undefined],
      ['release', 'staging'],
      ['release', 'prod'],
      ['release', 'staging'],
    ]);
    expect(res.body.events[0].message).toBe(
      'ledger: high-urgency incident "ledger 5xx" opened',
    );
    expect(onCallAsked).toEqual([['component:default/ledger']]);
  }, 60_000);

  it('with dependencies, adds the components the team’s depend on', async () => {
    const server = await backend();
    const res = await request(server)
      .get('/api/release-manager/insights/drift')
      .query({ entityRef: 'group:default/payments', dependencies: 'true' })
      .set('authorization', asJane);
    expect(res.status).toBe(200);
    expect(res.body.entities.map((e: any) => [e.service, e.relation])).toEqual([
      ['cards', 'dependency'],
      ['ledger', 'owned'],
    ]);
    const byService = Object.fromEntries(
      res.body.services.map((s: any) => [s.service, s]),
    );
    // ledger: l2 in staging waits for prod (l1); cards: c1 in staging, nothing in prod.
    expect(byService.ledger.pending).toHaveLength(1);
    expect(byService.ledger.environments.prod.artifactId).toMatch(/^main-0001/);
    expect(byService.cards.pending).toHaveLength(1);
    expect(byService.cards.environments.prod).toBeNull();
  }, 60_000);

  it('DORA of a system counts the open high-urgency incident', async () => {
    const server = await backend();
    const res = await request(server)
      .get('/api/release-manager/insights/dora')
      .query({ entityRef: 'system:default/money', days: 30 })
      .set('authorization', asJane);
    expect(res.status).toBe(200);
    expect(res.body.services).toEqual(['cards', 'ledger']);
    expect(res.body.incidentsCounted).toBe(1);
    expect(res.body.deploymentFrequency.deployments).toBe(1);
    expect(res.body.changeFailureRate.byCause.incident).toBe(1);
  }, 60_000);

  it('still answers the feed when on-call cannot be read, with a warning', async () => {
    msw.use(
      http.post('*/api/on-call/incidents/batch', () =>
        HttpResponse.json({ error: { message: 'down' } }, { status: 503 }),
      ),
    );
    const server = await backend();
    const res = await request(server)
      .get('/api/release-manager/insights/events')
      .query({ entityRef: 'group:default/payments', range: '7d' })
      .set('authorization', asJane);
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(3);
    expect(res.body.warnings[0]).toMatch(/incidents could not be read/);
  }, 60_000);

  it.each([
    [{}, 400, /entityRef is required/],
    [{ entityRef: 'not a ref!' }, 400, /entityRef/],
    [{ entityRef: 'api:default/x' }, 400, /must be a group, system/],
    [{ entityRef: 'group:default/payments', range: 'month' }, 400, /range/],
    [
      { entityRef: 'group:default/nobody' },
      404,
      /no entity group:default\/nobody/,
    ],
  ])(
    'GET /insights/events %j → %i',
    async (query, status, message) => {
      const server = await backend();
      const res = await request(server)
        .get('/api/release-manager/insights/events')
        .query(query)
        .set('authorization', asJane);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    },
    60_000,
  );

  it('needs a signed-in user', async () => {
    const server = await backend();
    const res = await request(server)
      .get('/api/release-manager/insights/dora')
      .query({ entityRef: 'group:default/payments' })
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  }, 60_000);
});
