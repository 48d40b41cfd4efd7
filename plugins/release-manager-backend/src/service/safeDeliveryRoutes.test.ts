import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { releaseManagerReleaseReadPermission } from '@slipway/plugin-release-manager-common';
import { startReleaseManager } from '@slipway/release-manager';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { releaseManagerPlugin } from '../plugin';

const TOKEN = 'test-token';
const JANE = 'user:default/jane';
const BOB = 'user:default/bob';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ledger',
      namespace: 'default',
      annotations: { 'slipway.dev/release-manager-service': 'ledger' },
    },
    spec: { type: 'service', owner: 'group:default/payments' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: {
      profile: { displayName: 'Jane Doe', email: 'jane@example.com' },
      memberOf: ['payments'],
    },
  },
];

/** Owners (jane) may do everything but read, which anyone signed in may; bob owns nothing. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const user: string | undefined =
        options.credentials.principal.userEntityRef;
      return requests.map(r => ({
        result:
          r.permission.name === releaseManagerReleaseReadPermission.name ||
          (user === JANE && r.resourceRef === stringifyEntityRef(entities[0]))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

describe('safe-delivery routes of the release-manager backend plugin', () => {
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };
  const artifactId = 'main-0a1b2c3d4e-0f1e2d3c4b';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rm-safe-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
    const manifests: Record<string, Record<string, string>> = {};
    for (const env of ['dev', 'staging', 'prod']) {
      manifests[env] = {
        'deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\n',
      };
    }
    const res = await fetch(`${rm.url}/artifacts/create`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        artifact: {
          id: artifactId,
          service: 'ledger',
          application: { branch: 'main', sha: '0a1b2c3d4e'.padEnd(40, '0') },
        },
        manifests,
      }),
    });
    if (res.status !== 201) {
      throw new Error(
        `artifact upload failed: ${res.status} ${await res.text()}`,
      );
    }
  }, 60_000);

  afterAll(async () => {
    await rm?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets owners add freezes and break glass, everyone see gates, and refuses others', async () => {
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
              signals: { enabled: false },
            },
          },
        }),
      ],
    });
    const ledger = '/api/release-manager/entities/default/component/ledger';
    const asJane = mockCredentials.user.header(JANE);
    const asBob = mockCredentials.user.header(BOB);
    const window = {
      environment: 'prod',
      reason: 'Quarter close',
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    };

    const denied = await request(server)
      .post(`${ledger}/freezes`)
      .set('authorization', asBob)
      .send(window);
    expect(denied.status).toBe(403);
    const added = await request(server)
      .post(`${ledger}/freezes`)
      .set('authorization', asJane)
      .send(window);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      active: true,
      createdByName: 'Jane Doe',
      reason: 'Quarter close',
    });
    const bad = await request(server)
      .post(`${ledger}/freezes`)
      .set('authorization', asJane)
      .send({
        environment: 'prod',
        reason: 'Nightly',
        rrule: 'FREQ=DAILY',
        timeZone: 'Nowhere/Town',
        durationMinutes: 60,
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /timeZone must be an IANA time zone/,
    );

    const listed = await request(server)
      .get(`${ledger}/freezes`)
      .set('authorization', asBob);
    expect(listed.body.freezeWindows).toHaveLength(1);

    const gates = await request(server)
      .get(
        `${ledger}/gates?environment=prod&intent=ReleaseArtifact&artifactId=${artifactId}`,
      )
      .set('authorization', asBob);
    expect(gates.status).toBe(200);
    expect(gates.body).toMatchObject({
      allowed: false,
      freeze: { kind: 'window', reason: 'Quarter close' },
    });

    const refused = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'prod', artifactId });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /^prod is frozen until .* \(Quarter close;/,
    );

    const bobGlass = await request(server)
      .post(`${ledger}/releases`)
      .set('authorization', asBob)
      .send({
        environment: 'prod',
        artifactId,
        breakGlass: { reason: 'me too' },
      });
    expect(bobGlass.status).toBe(403);
    const empty = await request(server)
      .post(`${ledger}/releases`)
      .set('authorization', asJane)
      .send({ environment: 'prod', artifactId, breakGlass: { reason: ' ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe(
      'breakGlass.reason: must not be empty',
    );

    const glass = await request(server)
      .post(`${ledger}/releases`)
      .set('authorization', asJane)
      .send({
        environment: 'prod',
        artifactId,
        breakGlass: { reason: 'Fix for the close' },
      });
    expect(glass.status).toBe(200);
    expect(glass.body.brokeFreeze.reason).toBe('Quarter close');
    const history = await request(server)
      .get(`${ledger}/releases/prod`)
      .set('authorization', asBob);
    expect(history.body.releases[0]).toMatchObject({
      breakGlassReason: 'Fix for the close',
      releasedByName: 'Jane Doe',
    });

    const removed = await request(server)
      .delete(`${ledger}/freezes/${added.body.id}`)
      .set('authorization', asJane);
    expect(removed.body).toEqual({ service: 'ledger', id: added.body.id });
  }, 120_000);
});
