import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  ReleaseManagerClient,
  ReleaseManagerResponseError,
  ReleaseManagerUnavailableError,
} from './client';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const baseUrl = 'http://release-manager.test';
const client = new ReleaseManagerClient({
  baseUrl: `${baseUrl}/`,
  token: 'secret',
  timeoutMs: 200,
});

describe('ReleaseManagerClient', () => {
  it('sends the bearer token and the query, and parses the answer', async () => {
    server.use(
      http.get(`${baseUrl}/status`, ({ request }) => {
        const url = new URL(request.url);
        if (request.headers.get('authorization') !== 'Bearer secret')
          return HttpResponse.json(
            { status: 401, message: 'no' },
            { status: 401 },
          );
        return HttpResponse.json({
          service: url.searchParams.get('service'),
          environments: [{ name: 'dev', tag: 'main-1-2' }],
        });
      }),
    );
    await expect(client.status('ledger')).resolves.toEqual({
      service: 'ledger',
      environments: [{ name: 'dev', tag: 'main-1-2' }],
    });
  });

  it('posts a release as JSON', async () => {
    let body: unknown;
    server.use(
      http.post(`${baseUrl}/release`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          service: 'ledger',
          releaseId: 'main-1-2',
          toEnvironment: 'dev',
          tag: 'main-1-2',
        });
      }),
    );
    const request = {
      service: 'ledger',
      environment: 'dev',
      artifactId: 'main-1-2',
      committerName: 'Jane',
      committerEmail: 'jane@example.com',
      intent: { type: 'ReleaseArtifact' as const },
    };
    await expect(client.release(request)).resolves.toMatchObject({
      releaseId: 'main-1-2',
    });
    expect(body).toEqual(request);
  });

  it('encodes path segments', async () => {
    let path = '';
    server.use(
      http.get(`${baseUrl}/describe/release/:service/:env`, ({ request }) => {
        path = new URL(request.url).pathname + new URL(request.url).search;
        return HttpResponse.json({ releases: [] });
      }),
    );
    await client.describeReleases('a b', 'prod', 5);
    expect(path).toBe('/describe/release/a%20b/prod?count=5');
  });

  it('turns an error answer into a ReleaseManagerResponseError with its message', async () => {
    server.use(
      http.post(`${baseUrl}/release`, () =>
        HttpResponse.json(
          { status: 400, message: 'branch restriction: prod only from main' },
          { status: 400 },
        ),
      ),
    );
    const error = await client
      .release({
        service: 'ledger',
        environment: 'prod',
        artifactId: 'x',
        committerName: 'a',
        committerEmail: 'b',
        intent: { type: 'ReleaseArtifact' },
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ReleaseManagerResponseError);
    expect(error.status).toBe(400);
    expect(error.message).toBe('branch restriction: prod only from main');
  });

  it('uses the text of a non-JSON error', async () => {
    server.use(
      http.get(`${baseUrl}/policies`, () =>
        HttpResponse.text('bad gateway', { status: 502 }),
      ),
    );
    await expect(client.listPolicies('ledger')).rejects.toMatchObject({
      status: 502,
      message: 'bad gateway',
    });
  });

  it('reports a timeout as unavailable', async () => {
    server.use(
      http.get(`${baseUrl}/events`, async () => {
        await new Promise(r => setTimeout(r, 1000));
        return HttpResponse.json({ events: [] });
      }),
    );
    const error = await client.events({ since: 5 }).catch(e => e);
    expect(error).toBeInstanceOf(ReleaseManagerUnavailableError);
    expect(error.message).toMatch(/no answer within 200 ms/);
  });

  it('reports a network failure as unavailable', async () => {
    server.use(http.get(`${baseUrl}/status`, () => HttpResponse.error()));
    await expect(client.status('ledger')).rejects.toBeInstanceOf(
      ReleaseManagerUnavailableError,
    );
  });
});
