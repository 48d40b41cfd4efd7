import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { DateTime } from 'luxon';
import { PagerDutyProvider } from './pagerduty';

// Handlers follow PagerDuty REST API v2 (https://developer.pagerduty.com/api-reference/):
// "Get a Service", "List all of the on-calls", "List incidents" (classic pagination with
// offset/limit/more), and Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/).
const API = 'https://api.pagerduty.com';
const EVENTS = 'https://events.pagerduty.com';
const server = setupServer();
registerMswTestHooks(server);

const NOW = DateTime.fromISO('2026-11-21T12:00:00Z');
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger',
    namespace: 'default',
    annotations: { 'pagerduty.com/service-id': 'PSVC1' },
  },
  spec: {},
};

function pdUser(id: string, name: string) {
  return {
    id,
    type: 'user',
    summary: name,
    name,
    email: `${id.toLowerCase()}@example.com`,
    html_url: `https://acme.pagerduty.com/users/${id}`,
  };
}
const policy = {
  id: 'PEP1',
  type: 'escalation_policy_reference',
  summary: 'Ledger EP',
  html_url: 'https://acme.pagerduty.com/escalation_policies/PEP1',
};
function onCall(
  level: number,
  user: ReturnType<typeof pdUser>,
  start: string,
  end: string,
) {
  return {
    escalation_policy: policy,
    escalation_level: level,
    schedule: {
      id: `PS${level}`,
      type: 'schedule_reference',
      summary: `Level ${level} schedule`,
    },
    user,
    start,
    end,
  };
}

const sleeps: number[] = [];
const provider = new PagerDutyProvider({
  token: 'pd-token',
  now: () => NOW,
  sleep: async ms => {
    sleeps.push(ms);
  },
});

function serviceHandler() {
  return http.get(`${API}/services/PSVC1`, ({ request }) => {
    expect(request.headers.get('authorization')).toBe('Token token=pd-token');
    expect(request.headers.get('accept')).toBe(
      'application/vnd.pagerduty+json;version=2',
    );
    const include = new URL(request.url).searchParams.getAll('include[]');
    return HttpResponse.json({
      service: {
        id: 'PSVC1',
        name: 'Ledger',
        escalation_policy: policy,
        integrations: include.includes('integrations')
          ? [
              { id: 'PI1', type: 'generic_email_inbound_integration' },
              {
                id: 'PI2',
                type: 'events_api_v2_inbound_integration',
                integration_key: 'rk-from-service',
              },
            ]
          : undefined,
      },
    });
  });
}

beforeEach(() => sleeps.splice(0));

describe('PagerDutyProvider.getOnCall', () => {
  it('reads the escalation policy and every page of on-calls, grouped by level', async () => {
    const offsets: string[] = [];
    server.use(
      serviceHandler(),
      http.get(`${API}/oncalls`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        expect(q.getAll('escalation_policy_ids[]')).toEqual(['PEP1']);
        expect(q.getAll('include[]')).toEqual(['users']);
        expect(q.get('since')).toBe('2026-11-21T12:00:00.000Z');
        offsets.push(q.get('offset')!);
        if (q.get('offset') === '0') {
          return HttpResponse.json({
            oncalls: [
              onCall(
                1,
                pdUser('PU1', 'Ada'),
                '2026-11-16T09:00:00Z',
                '2026-11-23T09:00:00Z',
              ),
              onCall(
                2,
                pdUser('PU3', 'Cy'),
                '2026-11-01T09:00:00Z',
                '2026-12-01T09:00:00Z',
              ),
            ],
            limit: 100,
            offset: 0,
            more: true,
            total: null,
          });
        }
        return HttpResponse.json({
          oncalls: [
            onCall(
              1,
              pdUser('PU2', 'Bo'),
              '2026-11-23T09:00:00Z',
              '2026-11-30T09:00:00Z',
            ),
          ],
          limit: 100,
          offset: 2,
          more: false,
          total: null,
        });
      }),
    );
    const res = await provider.getOnCall(entity);
    expect(offsets).toEqual(['0', '2']);
    expect(res.schedule).toEqual({
      id: 'PEP1',
      name: 'Ledger EP',
      url: policy.html_url,
    });
    expect(res.levels.map(l => l.level)).toEqual([1, 2]);
    expect(res.levels[0].now).toEqual([
      {
        person: {
          name: 'Ada',
          email: 'pu1@example.com',
          url: 'https://acme.pagerduty.com/users/PU1',
        },
        start: '2026-11-16T09:00:00Z',
        end: '2026-11-23T09:00:00Z',
      },
    ]);
    expect(res.levels[0].next.map(s => s.person.name)).toEqual(['Bo']);
    expect(res.levels[1].now.map(s => s.person.name)).toEqual(['Cy']);
    expect(res.levels[1].next).toEqual([]);
  });

  it('waits for Retry-After on HTTP 429 and retries', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/services/PSVC1`, () => {
        calls++;
        if (calls === 1) {
          return HttpResponse.json(
            { error: { message: 'Rate Limit Exceeded', code: 2020 } },
            { status: 429, headers: { 'Retry-After': '3' } },
          );
        }
        return HttpResponse.json({
          service: { id: 'PSVC1', name: 'Ledger', escalation_policy: policy },
        });
      }),
      http.get(`${API}/oncalls`, () =>
        HttpResponse.json({ oncalls: [], limit: 100, offset: 0, more: false }),
      ),
    );
    const res = await provider.getOnCall(entity);
    expect(calls).toBe(2);
    expect(sleeps).toEqual([3000]);
    expect(res.levels).toEqual([]);
  });

  it('gives up with a 503 when PagerDuty keeps rate-limiting', async () => {
    server.use(
      http.get(`${API}/services/PSVC1`, () =>
        HttpResponse.json(
          { error: { message: 'Rate Limit Exceeded' } },
          { status: 429, headers: { 'Retry-After': '1' } },
        ),
      ),
    );
    await expect(provider.getOnCall(entity)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'PagerDuty is rate-limiting the portal (HTTP 429); retry after 1 s',
    });
    expect(sleeps).toEqual([1000, 1000]);
  });

  it.each([
    [
      401,
      { error: { message: 'Unauthorized', code: 2006 } },
      'ServiceUnavailableError',
      "PagerDuty rejected the portal's credentials (HTTP 401: Unauthorized)",
    ],
    [
      404,
      { error: { message: 'Not Found', code: 2100 } },
      'NotFoundError',
      'PagerDuty has no service PSVC1 (HTTP 404: Not Found)',
    ],
    [
      500,
      { error: { message: 'Internal Server Error' } },
      'ServiceUnavailableError',
      'PagerDuty is unavailable (HTTP 500: Internal Server Error)',
    ],
    [
      400,
      {
        error: {
          message: 'Invalid Input Provided',
          code: 2001,
          errors: ['Offset must be a number'],
        },
      },
      'InputError',
      'Invalid Input Provided: Offset must be a number',
    ],
  ])('maps HTTP %s to a clear error', async (status, body, name, message) => {
    server.use(
      http.get(`${API}/services/PSVC1`, () =>
        HttpResponse.json(body, { status }),
      ),
    );
    const err = await provider.getOnCall(entity).catch(e => e);
    expect(err.name).toBe(name);
    expect(err.message).toContain(message);
  });

  it('reports an unreachable PagerDuty as 503', async () => {
    server.use(http.get(`${API}/services/PSVC1`, () => HttpResponse.error()));
    await expect(provider.getOnCall(entity)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/^PagerDuty is unreachable/),
    });
  });

  it('needs the service id annotation', async () => {
    const noId = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: { 'pagerduty.com/integration-key': 'rk' },
      },
    };
    await expect(provider.getOnCall(noId)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('pagerduty.com/service-id'),
    });
  });
});

describe('PagerDutyProvider.listIncidents', () => {
  it('lists open incidents of the service over all pages', async () => {
    server.use(
      http.get(`${API}/incidents`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        expect(q.getAll('service_ids[]')).toEqual(['PSVC1']);
        expect(q.getAll('statuses[]')).toEqual(['triggered', 'acknowledged']);
        const offset = Number(q.get('offset'));
        const incident = (n: number, status: string) => ({
          id: `PINC${n}`,
          type: 'incident',
          incident_number: n,
          title: `Incident ${n}`,
          status,
          urgency: n === 1 ? 'high' : 'low',
          html_url: `https://acme.pagerduty.com/incidents/PINC${n}`,
          created_at: `2026-11-2${n}T10:00:00Z`,
          service: { id: 'PSVC1' },
          acknowledgements:
            status === 'acknowledged'
              ? [
                  {
                    at: '2026-11-21T10:05:00Z',
                    acknowledger: { id: 'PU1', summary: 'Ada' },
                  },
                ]
              : [],
        });
        return HttpResponse.json(
          offset === 0
            ? {
                incidents: [incident(1, 'triggered')],
                limit: 100,
                offset: 0,
                more: true,
              }
            : {
                incidents: [incident(2, 'acknowledged')],
                limit: 100,
                offset: 1,
                more: false,
              },
        );
      }),
    );
    const items = await provider.listIncidents(entity);
    expect(items.map(i => [i.id, i.status, i.urgency])).toEqual([
      ['pagerduty:PINC1', 'triggered', 'high'],
      ['pagerduty:PINC2', 'acknowledged', 'low'],
    ]);
    expect(items[1]).toMatchObject({
      acknowledgedBy: 'Ada',
      url: 'https://acme.pagerduty.com/incidents/PINC2',
      canUpdate: false,
    });
  });
});

describe('PagerDutyProvider.triggerIncident', () => {
  const actor = {
    userEntityRef: 'user:default/guest',
    email: 'guest@slipway.dev',
  };

  it('sends an Events API v2 trigger with the routing key from the service integration', async () => {
    let sent: any;
    server.use(
      serviceHandler(),
      http.post(`${EVENTS}/v2/enqueue`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(
          { status: 'success', message: 'Event processed', dedup_key: 'dk-1' },
          { status: 202 },
        );
      }),
    );
    const res = await provider.triggerIncident(
      entity,
      { title: 'Ledger down', description: '5xx everywhere', urgency: 'high' },
      actor,
    );
    expect(sent).toEqual({
      routing_key: 'rk-from-service',
      event_action: 'trigger',
      client: 'Slipway',
      payload: {
        summary: 'Ledger down',
        source: 'component:default/ledger',
        severity: 'critical',
        custom_details: {
          description: '5xx everywhere',
          triggered_by: 'user:default/guest',
          triggered_by_email: 'guest@slipway.dev',
        },
      },
    });
    expect(res.incident).toMatchObject({
      id: 'pagerduty-event:dk-1',
      status: 'triggered',
      triggeredBy: 'user:default/guest',
    });
    expect(res.message).toContain('Event processed');
  });

  it('uses the integration key annotation and maps an invalid event to 400', async () => {
    server.use(
      http.post(`${EVENTS}/v2/enqueue`, async ({ request }) => {
        const body: any = await request.json();
        expect(body.routing_key).toBe('rk-annotation');
        expect(body.payload.severity).toBe('warning');
        return HttpResponse.json(
          {
            status: 'invalid event',
            message: 'Event object is invalid',
            errors: ["'routing_key' is invalid"],
          },
          { status: 400 },
        );
      }),
    );
    const annotated = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'pagerduty.com/integration-key': 'rk-annotation',
        },
      },
    };
    await expect(
      provider.triggerIncident(
        annotated,
        { title: 't', urgency: 'low' },
        actor,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        "Event object is invalid: 'routing_key' is invalid",
      ),
    });
  });
});
