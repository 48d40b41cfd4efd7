import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import { OpsgenieProvider } from './opsgenie';

// Handlers follow the Opsgenie REST API v2 documents (https://docs.opsgenie.com/docs/api-overview):
// Schedule API "Get Schedule Timeline", Alert API "List Alerts" (paging.next links) and
// "Create Alert" (202 with requestId); `Authorization: GenieKey <key>`.
const API = 'https://api.opsgenie.com';
const server = setupServer();
registerMswTestHooks(server);

const NOW = DateTime.fromISO('2026-11-21T12:00:00Z');
const sleeps: number[] = [];
const provider = new OpsgenieProvider({
  apiKey: 'og-key',
  webBaseUrl: 'https://acme.app.opsgenie.com',
  now: () => NOW,
  sleep: async ms => {
    sleeps.push(ms);
  },
});

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ledger', namespace: 'default', annotations },
    spec: {},
  };
}
const entity = entityWith({
  'opsgenie.com/schedule': 'Payments_schedule',
  'opsgenie.com/team': 'Payments',
});

beforeEach(() => sleeps.splice(0));

describe('OpsgenieProvider.getOnCall', () => {
  it('reads now and next from the final timeline of the schedule', async () => {
    server.use(
      http.get(
        `${API}/v2/schedules/Payments_schedule/timeline`,
        ({ request }) => {
          expect(request.headers.get('authorization')).toBe('GenieKey og-key');
          const q = new URL(request.url).searchParams;
          expect(q.get('identifierType')).toBe('name');
          expect(q.get('date')).toBe('2026-11-21T12:00:00Z');
          return HttpResponse.json({
            data: {
              _parent: {
                id: 'd875e654-9b4e-4219-a803-0c26f7b3a5d7',
                name: 'Payments_schedule',
                enabled: true,
              },
              startDate: '2026-11-21T12:00:00Z',
              endDate: '2026-12-05T12:00:00Z',
              finalTimeline: {
                rotations: [
                  {
                    id: 'r1',
                    name: 'Weekly',
                    order: 1,
                    periods: [
                      {
                        startDate: '2026-11-16T08:00:00Z',
                        endDate: '2026-11-21T18:00:00Z',
                        type: 'default',
                        recipient: {
                          id: 'u1',
                          type: 'user',
                          name: 'ada@example.com',
                        },
                      },
                      {
                        startDate: '2026-11-21T18:00:00Z',
                        endDate: '2026-11-22T08:00:00Z',
                        type: 'override',
                        recipient: {
                          id: 'u2',
                          type: 'user',
                          name: 'bo@example.com',
                        },
                      },
                      {
                        startDate: '2026-11-22T08:00:00Z',
                        endDate: '2026-11-30T08:00:00Z',
                        type: 'default',
                        recipient: {
                          id: 'u3',
                          type: 'user',
                          name: 'cy@example.com',
                        },
                      },
                    ],
                  },
                ],
              },
            },
            took: 0.05,
            requestId: 'req-1',
          });
        },
      ),
    );
    const res = await provider.getOnCall(entity);
    expect(res.schedule).toEqual({
      id: 'd875e654-9b4e-4219-a803-0c26f7b3a5d7',
      name: 'Payments_schedule',
      url: 'https://acme.app.opsgenie.com/schedule/whoIsOnCall',
    });
    expect(res.levels).toHaveLength(1);
    expect(res.levels[0].now).toEqual([
      {
        person: { name: 'ada@example.com', email: 'ada@example.com' },
        start: '2026-11-16T08:00:00Z',
        end: '2026-11-21T18:00:00Z',
      },
    ]);
    expect(res.levels[0].next).toEqual([
      {
        person: { name: 'bo@example.com', email: 'bo@example.com' },
        start: '2026-11-21T18:00:00Z',
        end: '2026-11-22T08:00:00Z',
        override: true,
      },
    ]);
  });

  it("maps an unknown schedule to 404 with Opsgenie's message", async () => {
    server.use(
      http.get(`${API}/v2/schedules/Payments_schedule/timeline`, () =>
        HttpResponse.json(
          {
            message:
              'Schedule with identifier [Payments_schedule] does not exist',
            took: 0.01,
            requestId: 'r',
          },
          { status: 404 },
        ),
      ),
    );
    await expect(provider.getOnCall(entity)).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        'Opsgenie has no schedule Payments_schedule (HTTP 404: Schedule with identifier [Payments_schedule] does not exist)',
    });
  });

  it('retries after a 429 with Retry-After, then reports 503 when still limited', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/v2/schedules/Payments_schedule/timeline`, () => {
        calls++;
        return HttpResponse.json(
          {
            message:
              'You are making too many requests! To avoid errors, we recommend you limit requests.',
            took: 0,
            requestId: 'r',
          },
          {
            status: 429,
            headers: { 'X-RateLimit-State': 'THROTTLED', 'Retry-After': '2' },
          },
        );
      }),
    );
    await expect(provider.getOnCall(entity)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('HTTP 429'),
    });
    expect(calls).toBe(3);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('needs the schedule annotation', async () => {
    await expect(
      provider.getOnCall(entityWith({ 'opsgenie.com/team': 'Payments' })),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('OpsgenieProvider.listIncidents', () => {
  function alert(n: number, acknowledged: boolean, priority: string) {
    return {
      id: `a${n}`,
      tinyId: String(n),
      message: `Alert ${n}`,
      status: 'open',
      acknowledged,
      priority,
      createdAt: `2026-11-2${n}T10:00:00.000Z`,
      tags: [],
    };
  }

  it('follows paging.next over all pages and filters by team', async () => {
    const queries: string[] = [];
    server.use(
      http.get(`${API}/v2/alerts`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        queries.push(q.get('query')!);
        if (q.get('offset') === '0') {
          return HttpResponse.json({
            data: [alert(1, false, 'P1')],
            paging: {
              next: `${API}/v2/alerts?query=${encodeURIComponent(
                q.get('query')!,
              )}&limit=100&offset=100&sort=createdAt&order=desc`,
              first: 'x',
              last: 'y',
            },
            took: 0.1,
            requestId: 'r1',
          });
        }
        return HttpResponse.json({
          data: [alert(2, true, 'P4')],
          paging: { first: 'x', last: 'y' },
          took: 0.1,
          requestId: 'r2',
        });
      }),
    );
    const items = await provider.listIncidents(entity);
    expect(queries).toEqual([
      'status: open AND teams: "Payments"',
      'status: open AND teams: "Payments"',
    ]);
    expect(items.map(i => [i.id, i.status, i.urgency])).toEqual([
      ['opsgenie:a1', 'triggered', 'high'],
      ['opsgenie:a2', 'acknowledged', 'low'],
    ]);
    expect(items[0].url).toBe(
      'https://acme.app.opsgenie.com/alert/detail/a1/details',
    );
  });

  it('does not follow a paging link to another host (the API key would go with it)', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/v2/alerts`, ({ request }) => {
        calls++;
        expect(new URL(request.url).searchParams.get('query')).toBe(
          'status: open AND tag: "service:ledger"',
        );
        return HttpResponse.json({
          data: [alert(1, false, 'P3')],
          paging: { next: 'https://evil.example.com/v2/alerts?offset=100' },
          took: 0,
          requestId: 'r',
        });
      }),
    );
    const items = await provider.listIncidents(
      entityWith({ 'opsgenie.com/schedule': 'S' }),
    );
    expect(calls).toBe(1);
    expect(items).toHaveLength(1);
  });
});

describe('OpsgenieProvider.triggerIncident', () => {
  it('creates an alert with the team as responder', async () => {
    let sent: any;
    server.use(
      http.post(`${API}/v2/alerts`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe('GenieKey og-key');
        sent = await request.json();
        return HttpResponse.json(
          {
            result: 'Request will be processed',
            took: 0.302,
            requestId: '43a29c5c-3dbf-4fa4-9c26-f4f71023e120',
          },
          { status: 202 },
        );
      }),
    );
    const res = await provider.triggerIncident(
      entity,
      { title: 'Ledger down', urgency: 'high' },
      { userEntityRef: 'user:default/guest', email: 'guest@slipway.dev' },
    );
    expect(sent).toEqual({
      message: 'Ledger down',
      priority: 'P1',
      tags: ['service:ledger', 'slipway'],
      entity: 'component:default/ledger',
      source: 'Slipway',
      user: 'guest@slipway.dev',
      responders: [{ name: 'Payments', type: 'team' }],
      details: { triggeredBy: 'user:default/guest' },
    });
    expect(res.incident.id).toBe(
      'opsgenie-request:43a29c5c-3dbf-4fa4-9c26-f4f71023e120',
    );
    expect(res.message).toBe(
      'Opsgenie: Request will be processed (request 43a29c5c-3dbf-4fa4-9c26-f4f71023e120)',
    );
  });

  it('maps a 422 validation error to 400 with the fields', async () => {
    server.use(
      http.post(`${API}/v2/alerts`, () =>
        HttpResponse.json(
          {
            message:
              'Request body is not processable. Please check the errors.',
            errors: { message: 'Message can not be empty.' },
            took: 0,
            requestId: 'r',
          },
          { status: 422 },
        ),
      ),
    );
    await expect(
      provider.triggerIncident(
        entity,
        { title: 'x', urgency: 'low' },
        { userEntityRef: 'user:default/guest' },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('Message can not be empty.'),
    });
  });
});
