import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ResponseError } from '@backstage/errors';
import { OnCallClient } from './client';

const server = setupServer();

describe('OnCallClient', () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const client = new OnCallClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/on-call' },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });

  it('builds the entity path from a ref and parses the body', async () => {
    server.use(
      http.get(
        'http://backend/api/on-call/entities/default/component/ledger/on-call',
        () =>
          HttpResponse.json({
            provider: 'embedded',
            schedule: { id: 'payments', name: 'Payments' },
            levels: [],
          }),
      ),
    );
    const res = await client.getOnCall('component:default/ledger');
    expect(res.schedule.id).toBe('payments');
  });

  it('sends the trigger body as JSON', async () => {
    let body: unknown;
    server.use(
      http.post(
        'http://backend/api/on-call/entities/default/component/ledger/incidents',
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json({ incident: { id: 'x' } }, { status: 201 });
        },
      ),
    );
    await client.triggerIncident(
      { kind: 'Component', namespace: 'default', name: 'ledger' },
      { title: 'Down', urgency: 'high' },
    );
    expect(body).toEqual({ title: 'Down', urgency: 'high' });
  });

  it('throws a ResponseError with the backend message', async () => {
    server.use(
      http.post('http://backend/api/on-call/incidents/abc/resolve', () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No incident abc' },
            request: { method: 'POST', url: '/incidents/abc/resolve' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const err = await client.resolveIncident('abc').catch(e => e);
    expect(err).toBeInstanceOf(ResponseError);
    expect(err.statusCode).toBe(404);
    expect(err.body.error.message).toBe('No incident abc');
  });
});
