import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { OnCallIncidentSource, ReleaseManagerRolloutSource } from './inputs';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger',
    namespace: 'default',
    annotations: { 'slipway.dev/release-manager-service': 'ledger-svc' },
  },
  spec: { type: 'service' },
};

describe('ReleaseManagerRolloutSource', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const source = new ReleaseManagerRolloutSource({
    baseUrl: 'http://rm.test',
    token: 'slipway-dev-token',
    timeoutMs: 500,
  });

  const status = (rollouts: Record<string, any>) =>
    http.get('http://rm.test/status', ({ request }) => {
      if (request.headers.get('authorization') !== 'Bearer slipway-dev-token') {
        return HttpResponse.json(
          { status: 401, message: 'unauthorized' },
          { status: 401 },
        );
      }
      const service = new URL(request.url).searchParams.get('service');
      if (service !== 'ledger-svc') {
        return HttpResponse.json(
          { status: 404, message: 'not found' },
          { status: 404 },
        );
      }
      return HttpResponse.json({
        environments: Object.entries(rollouts).map(([name, rollout]) => ({
          name,
          rollout,
        })),
      });
    });

  it('is grey and says why when not configured', async () => {
    const unconfigured = new ReleaseManagerRolloutSource({ timeoutMs: 500 });
    expect(await unconfigured.get(entity)).toEqual({
      light: 'grey',
      summary:
        'rollout unknown: serviceHealth.releaseManager.baseUrl is not configured',
    });
  });

  it('turns failed red, progressing amber and succeeded green, worst environment first', async () => {
    server.use(
      status({
        dev: {
          phase: 'succeeded',
          availableReplicas: 2,
          desiredReplicas: 2,
          errors: [],
        },
        staging: {
          phase: 'progressing',
          availableReplicas: 3,
          desiredReplicas: 5,
          errors: [],
        },
        prod: { phase: 'unknown', errors: [] },
      }),
    );
    expect(await source.get(entity)).toEqual({
      light: 'amber',
      summary: 'staging: progressing (3/5 ready); succeeded in dev',
    });
    server.use(
      status({
        dev: { phase: 'succeeded', errors: [] },
        prod: {
          phase: 'failed',
          errors: [{ container: 'ledger', reason: 'CrashLoopBackOff' }],
        },
      }),
    );
    expect(await source.get(entity)).toEqual({
      light: 'red',
      summary: 'prod: failed: ledger CrashLoopBackOff; succeeded in dev',
    });
  });

  it('is grey when nothing was reported, the service is unknown or the server is down', async () => {
    server.use(
      status({
        dev: {
          phase: 'succeeded',
          availableReplicas: 1,
          desiredReplicas: 1,
          errors: [],
        },
        prod: {
          phase: 'succeeded',
          availableReplicas: 5,
          desiredReplicas: 5,
          errors: [],
        },
      }),
    );
    expect(await source.get(entity)).toEqual({
      light: 'green',
      summary: 'succeeded in dev (1/1 ready), prod (5/5 ready)',
    });
    server.use(status({ dev: { phase: 'unknown', errors: [] } }));
    expect((await source.get(entity)).summary).toBe(
      'rollout unknown: no rollout reported for ledger-svc',
    );
    const other = {
      ...entity,
      metadata: { name: 'other', namespace: 'default' },
    };
    expect(await source.get(other)).toEqual({
      light: 'grey',
      summary:
        'rollout unknown: the release manager does not know service other',
    });
    server.use(http.get('http://rm.test/status', () => HttpResponse.error()));
    const down = await source.get(entity);
    expect(down.light).toBe('grey');
    expect(down.summary).toMatch(
      /^rollout unknown: release manager at http:\/\/rm.test unreachable/,
    );
  });
});

describe('OnCallIncidentSource', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const discovery = mockServices.discovery.mock({
    getBaseUrl: async id => `http://backend.test/api/${id}`,
  });
  const source = new OnCallIncidentSource({
    discovery,
    auth: mockServices.auth(),
    enabled: true,
    timeoutMs: 500,
  });
  const incidents = (body: any, status = 200) =>
    http.get(
      'http://backend.test/api/on-call/entities/default/component/ledger/incidents',
      ({ request }) =>
        request.headers.get('authorization')?.startsWith('Bearer ')
          ? HttpResponse.json(body, { status })
          : HttpResponse.json({}, { status: 401 }),
    );

  it('is red with a high-urgency open incident, amber with only low, green with none', async () => {
    server.use(
      incidents({
        items: [
          { id: '1', urgency: 'high', status: 'triggered' },
          { id: '2', urgency: 'low', status: 'acknowledged' },
          { id: '3', urgency: 'high', status: 'resolved' },
        ],
      }),
    );
    expect(await source.get(entity)).toEqual({
      light: 'red',
      summary: '2 open incidents (1 high urgency)',
    });
    server.use(incidents([{ id: '2', urgency: 'low', status: 'triggered' }]));
    expect(await source.get(entity)).toEqual({
      light: 'amber',
      summary: '1 open incident (low urgency)',
    });
    server.use(incidents({ incidents: [] }));
    expect(await source.get(entity)).toEqual({
      light: 'green',
      summary: 'no open incidents',
    });
  });

  it('is grey with the reason when on-call is missing or failing', async () => {
    server.use(incidents('Not found', 404));
    expect((await source.get(entity)).summary).toBe(
      'incidents unknown: the on-call plugin is not installed',
    );
    server.use(
      incidents(
        {
          error: {
            name: 'NotFoundError',
            message: 'ledger has no on-call annotation',
          },
        },
        404,
      ),
    );
    expect((await source.get(entity)).summary).toBe(
      'incidents unknown: ledger has no on-call annotation',
    );
    server.use(
      incidents(
        { error: { name: 'Error', message: 'PagerDuty is down' } },
        500,
      ),
    );
    expect((await source.get(entity)).summary).toBe(
      'incidents unknown: on-call answered HTTP 500: PagerDuty is down',
    );
  });
});
