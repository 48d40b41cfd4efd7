import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Entity } from '@backstage/catalog-model';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import request from 'supertest';
import { onCallPlugin } from './plugin';

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  };
}

const entities: Entity[] = [
  component('ledger', { 'slipway.dev/on-call-schedule': 'payments' }),
  component('orphan-schedule', { 'slipway.dev/on-call-schedule': 'nope' }),
  component('no-annotation', {}),
  component('pd-service', { 'pagerduty.com/service-id': 'PSVC1' }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'astrid.nilsson', namespace: 'default' },
    spec: {
      profile: {
        displayName: 'Astrid Nilsson',
        email: 'astrid.nilsson@slipway.dev',
      },
      memberOf: ['payments'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest', namespace: 'default' },
    spec: {
      profile: { displayName: 'Guest Developer', email: 'guest@slipway.dev' },
      memberOf: ['payments'],
    },
  },
];

const config = {
  onCall: {
    schedules: [
      {
        id: 'payments',
        name: 'Payments',
        timeZone: 'Europe/Copenhagen',
        levels: [
          {
            name: 'Primary',
            members: ['user:default/astrid.nilsson'],
            startDate: '2026-01-05',
          },
          {
            name: 'Escalation',
            members: ['user:default/not-in-catalog'],
            startDate: '2026-01-05',
          },
        ],
      },
    ],
    pagerDuty: { token: 'pd-token' },
    maxRetries: 0,
  },
};

async function start(options: { deny?: boolean } = {}) {
  const features: any[] = [
    onCallPlugin,
    mockServices.rootConfig.factory({ data: config }),
    catalogServiceMock.factory({ entities }),
  ];
  if (options.deny) {
    features.push(
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.DENY })),
      }).factory,
    );
  }
  const { server } = await startTestBackend({ features });
  return server;
}

const LEDGER = '/api/on-call/entities/default/component/ledger';

describe('on-call backend', () => {
  it('shows who is on call at every level, with names from the catalog', async () => {
    const server = await start();
    const res = await request(server).get(`${LEDGER}/on-call`);
    expect(res.status).toBe(200);
    expect(res.body.provider).toBe('embedded');
    expect(res.body.schedule).toEqual({
      id: 'payments',
      name: 'Payments',
      timeZone: 'Europe/Copenhagen',
    });
    expect(res.body.levels).toHaveLength(2);
    expect(res.body.levels[0]).toMatchObject({
      level: 1,
      name: 'Primary',
      now: [
        {
          person: {
            ref: 'user:default/astrid.nilsson',
            name: 'Astrid Nilsson',
            email: 'astrid.nilsson@slipway.dev',
          },
        },
      ],
      next: [],
    });
    // falls back to the ref for a user the catalog does not know
    expect(res.body.levels[1].now[0].person).toEqual({
      ref: 'user:default/not-in-catalog',
      name: 'user:default/not-in-catalog',
    });
  });

  it('triggers, lists, acknowledges and resolves an embedded incident, recording who did it', async () => {
    const server = await start();
    const user = mockCredentials.user.header('user:default/guest');
    const created = await request(server)
      .post(`${LEDGER}/incidents`)
      .set('Authorization', user)
      .send({
        title: '  Ledger returns 500  ',
        description: 'since 09:12',
        urgency: 'low',
      });
    expect(created.status).toBe(201);
    expect(created.body.incident).toMatchObject({
      provider: 'embedded',
      title: 'Ledger returns 500',
      description: 'since 09:12',
      urgency: 'low',
      status: 'triggered',
      triggeredBy: 'user:default/guest',
      entityRef: 'component:default/ledger',
      canUpdate: true,
    });
    expect(created.body.message).toBe(
      'Incident triggered; Astrid Nilsson is on call (level 1).',
    );
    const id = created.body.incident.id;

    const list = await request(server).get(`${LEDGER}/incidents`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).toEqual([id]);

    const ack = await request(server)
      .post(`/api/on-call/incidents/${id}/acknowledge`)
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/astrid.nilsson'),
      );
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/astrid.nilsson',
    });

    const again = await request(server)
      .post(`/api/on-call/incidents/${id}/acknowledge`)
      .set('Authorization', user);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(
      'already acknowledged by user:default/astrid.nilsson',
    );

    const resolved = await request(server)
      .post(`/api/on-call/incidents/${id}/resolve`)
      .set('Authorization', user);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'user:default/guest',
      canUpdate: false,
    });

    const after = await request(server).get(`${LEDGER}/incidents`);
    expect(after.body.items).toEqual([]);
  });

  it('lets only one of two concurrent resolves win', async () => {
    const server = await start();
    const created = await request(server)
      .post(`${LEDGER}/incidents`)
      .send({ title: 'x' });
    const id = created.body.incident.id;
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        request(server).post(`/api/on-call/incidents/${id}/resolve`),
      ),
    );
    expect(results.map(r => r.status).sort()).toEqual([200, 409, 409]);
  });

  it('answers 401 to triggering without credentials, 403 for a non-user', async () => {
    const server = await start();
    const none = await request(server)
      .post(`${LEDGER}/incidents`)
      .set('Authorization', mockCredentials.none.header())
      .send({ title: 'x', urgency: 'high' });
    expect(none.status).toBe(401);
    const service = await request(server)
      .post(`${LEDGER}/incidents`)
      .set('Authorization', mockCredentials.service.header())
      .send({ title: 'x', urgency: 'high' });
    // a service principal is authenticated but not a user: Backstage answers 403
    expect(service.status).toBe(403);
  });

  it('answers 403 when the permission policy denies on-call.incident.create', async () => {
    const server = await start({ deny: true });
    const res = await request(server)
      .post(`${LEDGER}/incidents`)
      .send({ title: 'x', urgency: 'high' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        'You are not allowed to on-call.incident.create for component:default/ledger',
    });
    const list = await request(server).get(`${LEDGER}/incidents`);
    expect(list.body.items).toEqual([]);
  });

  it.each([
    [{ title: '' }, 'title must not be empty'],
    [{ title: '   ' }, 'title must not be empty'],
    [{}, 'title is required'],
    [{ title: 'x', urgency: 'urgent' }, "urgency must be 'high' or 'low'"],
    [{ title: 'x'.repeat(256) }, 'title must be at most 255 characters'],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const server = await start();
    const res = await request(server).post(`${LEDGER}/incidents`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError', message });
  });

  it('lists the open incidents of many entities in one batch request', async () => {
    const server = await start();
    const created = await request(server)
      .post(`${LEDGER}/incidents`)
      .set('authorization', mockCredentials.user.header())
      .send({ title: 'Batch me', urgency: 'low' });
    expect(created.status).toBe(201);
    const res = await request(server)
      .post('/api/on-call/incidents/batch')
      .send({
        entityRefs: [
          'component:default/ledger',
          'Component:default/nope',
          'component:default/no-annotation',
        ],
      });
    expect(res.status).toBe(200);
    const [ledger, nope, none] = res.body.items;
    expect(ledger.entityRef).toBe('component:default/ledger');
    expect(ledger.items).toEqual([
      expect.objectContaining({
        id: created.body.incident.id,
        title: 'Batch me',
        urgency: 'low',
        status: 'triggered',
      }),
    ]);
    expect(nope).toEqual({
      entityRef: 'component:default/nope',
      error: { name: 'NotFoundError', message: expect.any(String) },
    });
    expect(none.error.name).toBe('NotFoundError');
    expect(none.error.message).toContain('has no on-call annotation');

    const bad = await request(server)
      .post('/api/on-call/incidents/batch')
      .send({ entityRefs: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('entityRefs must not be empty');
  });

  it('answers 404 for unknown entities, schedules, annotations and incidents', async () => {
    const server = await start();
    const unknown = await request(server).get(
      '/api/on-call/entities/default/component/nope/on-call',
    );
    expect(unknown.status).toBe(404);
    const schedule = await request(server).get(
      '/api/on-call/entities/default/component/orphan-schedule/on-call',
    );
    expect(schedule.status).toBe(404);
    expect(schedule.body.error.message).toContain("No on-call schedule 'nope'");
    const none = await request(server).get(
      '/api/on-call/entities/default/component/no-annotation/on-call',
    );
    expect(none.status).toBe(404);
    expect(none.body.error.message).toContain('has no on-call annotation');
    const incident = await request(server).post(
      '/api/on-call/incidents/does-not-exist/resolve',
    );
    expect(incident.status).toBe(404);
  });

  it('maps a PagerDuty outage to 503 with a clear message', async () => {
    msw.use(
      http.get('https://api.pagerduty.com/services/PSVC1', () =>
        HttpResponse.json(
          { error: { message: 'Service Unavailable' } },
          { status: 503 },
        ),
      ),
    );
    const server = await start();
    const res = await request(server).get(
      '/api/on-call/entities/default/component/pd-service/on-call',
    );
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'PagerDuty is unavailable (HTTP 503: Service Unavailable)',
    });
  });

  it('maps PagerDuty rate limiting to 503 and says when to retry', async () => {
    msw.use(
      http.get('https://api.pagerduty.com/incidents', () =>
        HttpResponse.json(
          { error: { message: 'Rate Limit Exceeded' } },
          { status: 429, headers: { 'Retry-After': '30' } },
        ),
      ),
    );
    const server = await start();
    const res = await request(server).get(
      '/api/on-call/entities/default/component/pd-service/incidents',
    );
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      'PagerDuty is rate-limiting the portal (HTTP 429); retry after 30 s',
    );
  });

  it('answers 501 to acknowledging a PagerDuty incident', async () => {
    const server = await start();
    const res = await request(server).post(
      '/api/on-call/incidents/pagerduty:PINC1/acknowledge',
    );
    expect(res.status).toBe(501);
    expect(res.body.error.message).toContain(
      'acknowledged in PagerDuty itself',
    );
  });
});
