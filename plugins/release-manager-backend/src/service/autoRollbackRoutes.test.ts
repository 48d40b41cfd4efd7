import {
  createServiceFactory,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ReleaseManagerClient,
  releaseManagerReleaseReadPermission,
} from '@slipway/plugin-release-manager-common';
import { startReleaseManager } from '@slipway/release-manager';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { releaseManagerPlugin } from '../plugin';

jest.setTimeout(120_000);

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

/** Decides like the portal's policy: owners (jane) may change and release, anyone signed in may read. */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const user: string | undefined =
        options.credentials.principal.userEntityRef;
      const claims = user === JANE ? [JANE, 'group:default/payments'] : [user];
      return requests.map(r => {
        if (r.permission.name === releaseManagerReleaseReadPermission.name) {
          return {
            result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          };
        }
        const entity = entities.find(
          e => stringifyEntityRef(e) === r.resourceRef,
        );
        const owners = (entity?.relations ?? []).map(rel => rel.targetRef);
        return {
          result: owners.some(o => claims.includes(o))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        };
      });
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

describe('release-manager backend: automatic rollback routes against a real release manager', () => {
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };
  const ids: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rm-backend-rollback-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
    const client = new ReleaseManagerClient({
      baseUrl: rm.url,
      token: TOKEN,
      timeoutMs: 60_000,
    });
    const manifest = { 'd.yaml': 'kind: Deployment\n' };
    for (const n of [1, 2]) {
      const sha = `${n}bcdef0123456789abcdef0123456789abcdef01`;
      const id = `main-${sha.slice(0, 10)}-012345678${n}`;
      ids.push(id);
      await client.createArtifact({
        artifact: {
          id,
          service: 'ledger',
          namespace: 'payments',
          application: { branch: 'main', sha },
        },
        manifests: { dev: manifest, staging: manifest, prod: manifest },
      });
      await client.release({
        service: 'ledger',
        environment: 'staging',
        artifactId: id,
        committerName: 'Jane Doe',
        committerEmail: 'jane@example.com',
        intent: { type: 'ReleaseArtifact' },
      });
    }
  });

  afterAll(async () => {
    await rm?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ledger = '/api/release-manager/entities/default/component/ledger';
  const asJane = mockCredentials.user.header(JANE);
  const asBob = mockCredentials.user.header(BOB);

  it('sets the policy, shows the pause after a rollback, lists it, resumes and deletes the policy', async () => {
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

    // Owners only; bad input is a 400 naming the field.
    const denied = await request(server)
      .put(`${ledger}/policies/auto-rollback`)
      .set('authorization', asBob)
      .send({ environment: 'staging', onRolloutFailure: true });
    expect(denied.status).toBe(403);
    const bad = await request(server)
      .put(`${ledger}/policies/auto-rollback`)
      .set('authorization', asJane)
      .send({ environment: 'staging', notReadyWithinMinutes: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('notReadyWithinMinutes');
    const none = await request(server)
      .put(`${ledger}/policies/auto-rollback`)
      .set('authorization', asJane)
      .send({ environment: 'staging' });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('at least one trigger');
    const qa = await request(server)
      .put(`${ledger}/policies/auto-rollback`)
      .set('authorization', asJane)
      .send({ environment: 'qa', onRolloutFailure: true });
    expect(qa.status).toBe(400);
    expect(qa.body.error.message).toContain('environment');

    const applied = await request(server)
      .put(`${ledger}/policies/auto-rollback`)
      .set('authorization', asJane)
      .send({ environment: 'staging', onRolloutFailure: true });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({
      id: 'auto-rollback-staging',
      service: 'ledger',
      onRolloutFailure: true,
    });
    const author = execFileSync('git', ['log', '-1', '--format=%an', 'main'], {
      cwd: join(dataDir, 'config-repo.git'),
      encoding: 'utf8',
    }).trim();
    expect(author).toBe('Jane Doe');
    const policies = await request(server)
      .get(`${ledger}/policies`)
      .set('authorization', asBob);
    expect(policies.body.autoRollbacks).toEqual([
      expect.objectContaining({ id: 'auto-rollback-staging' }),
    ]);

    // The cluster reports a crash loop of the running release: rolled back, paused.
    await new ReleaseManagerClient({
      baseUrl: rm.url,
      token: TOKEN,
    }).daemonPodError({
      podName: 'ledger-5d8c-q1',
      namespace: 'payments',
      environment: 'staging',
      artifactId: ids[1],
      errors: [{ name: 'ledger', type: 'CrashLoopBackOff' }],
    });
    const status = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', asBob);
    const staging = status.body.environments.find(
      (e: any) => e.name === 'staging',
    );
    expect(staging.tag).toBe(ids[0]);
    expect(staging.autoReleasePaused).toMatchObject({
      failedArtifactId: ids[1],
    });
    const list = await request(server)
      .get(`${ledger}/auto-rollbacks?environment=staging`)
      .set('authorization', asBob);
    expect(list.status).toBe(200);
    expect(list.body.autoRollbacks).toEqual([
      expect.objectContaining({
        failedArtifactId: ids[1],
        rolledBackTo: ids[0],
        state: 'rolled-back',
      }),
    ]);

    const bobResume = await request(server)
      .post(`${ledger}/auto-release/resume`)
      .set('authorization', asBob)
      .send({ environment: 'staging' });
    expect(bobResume.status).toBe(403);
    const resumed = await request(server)
      .post(`${ledger}/auto-release/resume`)
      .set('authorization', asJane)
      .send({ environment: 'staging' });
    expect(resumed.body).toEqual({
      service: 'ledger',
      environment: 'staging',
      resumed: true,
    });
    const after = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', asBob);
    expect(
      after.body.environments.find((e: any) => e.name === 'staging')
        .autoReleasePaused,
    ).toBeUndefined();

    const deleted = await request(server)
      .delete(`${ledger}/policies/auto-rollback-staging`)
      .set('authorization', asJane);
    expect(deleted.status).toBe(200);
    expect(deleted.body.count).toBe(1);
  });
});
