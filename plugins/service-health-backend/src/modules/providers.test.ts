import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { OnCallIncidentProvider } from './onCallIncidents';
import { ReleaseManagerRolloutProvider } from './releaseManagerRollout';

const service = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service' },
});
const entities = Array.from({ length: 300 }, (_, i) => service(`svc-${i}`));
const credentials = mockCredentials.user('user:default/jane');
const options = {
  discovery: mockServices.discovery.mock({
    getBaseUrl: async id => `http://backend.test/api/${id}`,
  }),
  auth: mockServices.auth(),
  timeoutMs: 2000,
};

describe('service-health input providers', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('asks the release-manager plugin once for 300 entities, on behalf of the caller', async () => {
    const bodies: any[] = [];
    const tokens: (string | null)[] = [];
    server.use(
      http.post(
        'http://backend.test/api/release-manager/status/batch',
        async ({ request }) => {
          const body: any = await request.json();
          bodies.push(body);
          tokens.push(request.headers.get('authorization'));
          return HttpResponse.json({
            items: body.entityRefs.map((entityRef: string, i: number) =>
              i === 0
                ? {
                    entityRef,
                    status: {
                      service: 'svc-0',
                      environments: [
                        {
                          name: 'dev',
                          rollout: {
                            phase: 'failed',
                            errors: [{ container: 'app', reason: 'OOMKilled' }],
                          },
                        },
                      ],
                    },
                  }
                : {
                    entityRef,
                    error: {
                      name: 'NotAllowedError',
                      message: `may not read the releases of ${entityRef}`,
                    },
                  },
            ),
          });
        },
      ),
    );
    const result = await new ReleaseManagerRolloutProvider(options).getMany(
      entities,
      { credentials },
    );
    expect(bodies).toHaveLength(1);
    expect(bodies[0].entityRefs).toHaveLength(300);
    expect(tokens[0]).toMatch(/^Bearer .*user:default\/jane/);
    expect(result.size).toBe(300);
    expect(result.get('component:default/svc-0')).toEqual({
      light: 'red',
      summary: 'dev: failed: app OOMKilled',
    });
    expect(result.get('component:default/svc-7')).toEqual({
      light: 'grey',
      summary:
        'rollout unknown: may not read the releases of component:default/svc-7',
    });
  });

  it('makes every entity grey with the reason when the batch request fails', async () => {
    const provider = new ReleaseManagerRolloutProvider(options);
    server.use(
      http.post('http://backend.test/api/release-manager/status/batch', () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'Not found' } },
          { status: 404 },
        ),
      ),
    );
    const missing = await provider.getMany(entities.slice(0, 2), {
      credentials,
    });
    expect([...missing.values()]).toEqual([
      {
        light: 'grey',
        summary: 'rollout unknown: the release-manager plugin is not installed',
      },
      {
        light: 'grey',
        summary: 'rollout unknown: the release-manager plugin is not installed',
      },
    ]);
    server.use(
      http.post('http://backend.test/api/release-manager/status/batch', () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'boom' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    const failing = await provider.getMany(entities.slice(0, 1), {
      credentials,
    });
    expect(failing.get('component:default/svc-0')?.summary).toBe(
      'rollout unknown: release-manager answered HTTP 500: boom',
    );
  });

  it('asks the on-call plugin once for 300 entities through OnCallClient', async () => {
    const bodies: any[] = [];
    server.use(
      http.post(
        'http://backend.test/api/on-call/incidents/batch',
        async ({ request }) => {
          expect(request.headers.get('authorization')).toMatch(/^Bearer /);
          const body: any = await request.json();
          bodies.push(body);
          return HttpResponse.json({
            items: body.entityRefs.map((entityRef: string, i: number) =>
              i === 1
                ? {
                    entityRef,
                    error: {
                      name: 'NotFoundError',
                      message: 'svc-1 has no on-call annotation',
                    },
                  }
                : {
                    entityRef,
                    items:
                      i === 0
                        ? [
                            {
                              id: 'a',
                              provider: 'embedded',
                              title: 'x',
                              status: 'triggered',
                              urgency: 'high',
                              createdAt: '2026-01-01T00:00:00Z',
                              canUpdate: true,
                            },
                          ]
                        : [],
                  },
            ),
          });
        },
      ),
    );
    const result = await new OnCallIncidentProvider(options).getMany(entities, {
      credentials,
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0].entityRefs).toHaveLength(300);
    expect(result.get('component:default/svc-0')).toEqual({
      light: 'red',
      summary: '1 open incident (1 high urgency)',
    });
    expect(result.get('component:default/svc-1')).toEqual({
      light: 'grey',
      summary: 'incidents unknown: svc-1 has no on-call annotation',
    });
    expect(result.get('component:default/svc-2')).toEqual({
      light: 'green',
      summary: 'no open incidents',
    });
  });
});
