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
  ArtifactSpec,
  releaseManagerReleaseReadPermission,
} from '@slipway/plugin-release-manager-common';
import { startReleaseManager } from '@slipway/release-manager';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { releaseManagerPlugin } from './plugin';

const TOKEN = 'test-token';
const JANE = 'user:default/jane';
const BOB = 'user:default/bob';

const component = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'group:default/payments' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
});

const entities: Entity[] = [
  component('ledger', {
    'slipway.dev/release-manager-service': 'ledger',
    'slipway.dev/release-manager-namespace': 'payments',
  }),
  component('no-annotation', {}),
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

/**
 * A permissions service that decides like the portal's policy (owners may release and
 * change policies, anyone signed in may read), with fixed group memberships: jane is in
 * payments, bob is not. The real policy is tested in packages/backend.
 */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const user: string | undefined =
        options.credentials.principal.userEntityRef;
      const claims =
        user === JANE ? [JANE, 'group:default/payments'] : [user];
      return requests.map(r => {
        if (r.permission.name === releaseManagerReleaseReadPermission.name) {
          return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
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

let counter = 0;
function artifact(service: string, branch: string): ArtifactSpec {
  counter += 1;
  const sha = `${counter.toString(16).padStart(4, '0')}a1b2c3d4e5f60718293a4b5c6d7e8f901234567`.slice(0, 40);
  const plan = `f${counter.toString(16).padStart(4, '0')}0123456789abcdef0123456789abcdef012`.slice(0, 40);
  return {
    id: `${branch.replace(/[^A-Za-z0-9._]+/g, '-')}-${sha.slice(0, 10)}-${plan.slice(0, 10)}`,
    service,
    namespace: 'payments',
    application: {
      branch,
      sha,
      authorName: 'Alice Author',
      authorEmail: 'alice@example.com',
      message: `change ${counter}`,
      name: service,
      url: `https://github.com/acme/${service}`,
    },
    ci: { jobUrl: `https://ci.example.com/${service}/${counter}` },
  };
}

describe('release-manager backend plugin against a real release manager', () => {
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };
  let main1: ArtifactSpec;
  let main2: ArtifactSpec;
  let feature: ArtifactSpec;

  async function push(spec: ArtifactSpec) {
    const manifests: Record<string, Record<string, string>> = {};
    for (const env of ['dev', 'staging', 'prod']) {
      manifests[env] = {
        'deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${spec.service}\n`,
      };
    }
    const res = await fetch(`${rm.url}/artifacts/create`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ artifact: spec, manifests }),
    });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rm-backend-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
    main1 = artifact('ledger', 'main');
    main2 = artifact('ledger', 'main');
    feature = artifact('ledger', 'feature/fast-path');
    for (const spec of [main1, main2, feature]) await push(spec);
  }, 60_000);

  afterAll(async () => {
    await rm?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function backend(baseUrl = rm.url) {
    const { server } = await startTestBackend({
      features: [
        releaseManagerPlugin,
        catalogServiceMock.factory({ entities }),
        permissionsFactory,
        mockServices.rootConfig.factory({
          data: {
            releaseManager: {
              baseUrl,
              token: TOKEN,
              timeoutMs: 30_000, // a release can take seconds on a busy CI machine
              environments: ['dev', 'staging', 'prod'],
              notifications: { enabled: false },
            },
          },
        }),
      ],
    });
    return server;
  }

  const ledger = '/api/release-manager/entities/default/component/ledger';
  const asJane = mockCredentials.user.header(JANE);
  const asBob = mockCredentials.user.header(BOB);

  it('releases, promotes, shows history and rolls back', async () => {
    const server = await backend();

    const empty = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', asJane);
    expect(empty.status).toBe(200);
    expect(empty.body.service).toBe('ledger');
    expect(empty.body.namespace).toBe('payments');
    expect(empty.body.environments.map((e: any) => e.name)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);

    const artifacts = await request(server)
      .get(`${ledger}/artifacts`)
      .set('authorization', asBob);
    expect(artifacts.status).toBe(200);
    expect(artifacts.body.artifacts.map((a: ArtifactSpec) => a.id)).toEqual(
      expect.arrayContaining([main1.id, main2.id, feature.id]),
    );
    const withLink = artifacts.body.artifacts.find(
      (a: any) => a.id === main1.id,
    );
    expect(withLink.commitUrl).toBe(
      `https://github.com/acme/ledger/commit/${main1.application!.sha}`,
    );

    // release main1 to dev, then main2 to dev
    for (const spec of [main1, main2]) {
      const res = await request(server)
        .post(`${ledger}/release`)
        .set('authorization', asJane)
        .send({ environment: 'dev', artifactId: spec.id });
      expect(res.status).toBe(200);
      expect(res.body.releaseId).toBe(spec.id);
    }

    // the release commit names Jane (from her user entity) as the one who released
    const author = execFileSync(
      'git',
      ['log', '-1', '--format=%an <%ae>', 'main'],
      { cwd: join(dataDir, 'config-repo.git'), encoding: 'utf8' },
    ).trim();
    expect(author).toBe('Jane Doe <jane@example.com>');

    // promote dev → staging
    const promoted = await request(server)
      .post(`${ledger}/promote`)
      .set('authorization', asJane)
      .send({ environment: 'staging' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({
      fromEnvironment: 'dev',
      releaseId: main2.id,
    });

    const status = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', asBob);
    const [dev, staging, prod] = status.body.environments;
    expect(dev).toMatchObject({ name: 'dev', tag: main2.id, branch: 'main' });
    expect(dev.releasedByName).toBe('Jane Doe');
    expect(dev.commitUrl).toBe(
      `https://github.com/acme/ledger/commit/${main2.application!.sha}`,
    );
    expect(staging).toMatchObject({ name: 'staging', tag: main2.id });
    expect(prod.tag).toBeUndefined();

    // history of dev, newest first
    const history = await request(server)
      .get(`${ledger}/releases/dev?count=5`)
      .set('authorization', asJane);
    expect(history.status).toBe(200);
    expect(history.body.releases.map((r: any) => r.artifact.id)).toEqual([
      main2.id,
      main1.id,
    ]);

    // roll back dev to the previous release
    const rolledBack = await request(server)
      .post(`${ledger}/rollback`)
      .set('authorization', asJane)
      .send({ environment: 'dev' });
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({
      releaseId: main1.id,
      previousArtifactId: main2.id,
    });
    const after = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', asJane);
    expect(after.body.environments[0]).toMatchObject({
      tag: main1.id,
      intent: 'Rollback',
    });

    // roll back to a chosen release that never ran there: 400
    const unknownTarget = await request(server)
      .post(`${ledger}/rollback`)
      .set('authorization', asJane)
      .send({ environment: 'dev', artifactId: feature.id });
    expect(unknownTarget.status).toBe(400);
    expect(unknownTarget.body.error.message).toMatch(
      new RegExp(`${feature.id}'?: it was never released there`),
    );
  }, 60_000);

  it('edits policies, and a branch restriction refuses with a 400 naming the policy', async () => {
    const server = await backend();

    const applied = await request(server)
      .put(`${ledger}/policies/branch-restriction`)
      .set('authorization', asJane)
      .send({ environment: 'staging', branchRegex: 'main' });
    expect(applied.status).toBe(201);

    const auto = await request(server)
      .put(`${ledger}/policies/auto-release`)
      .set('authorization', asJane)
      .send({ environment: 'dev', branch: 'main' });
    expect(auto.status).toBe(201);

    const policies = await request(server)
      .get(`${ledger}/policies`)
      .set('authorization', asBob);
    expect(policies.status).toBe(200);
    expect(policies.body.autoReleases).toEqual([
      expect.objectContaining({ branch: 'main', environment: 'dev' }),
    ]);
    expect(policies.body.branchRestrictions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ environment: 'staging', branchRegex: 'main' }),
        expect.objectContaining({ environment: 'prod' }),
      ]),
    );

    const refused = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'staging', artifactId: feature.id });
    expect(refused.status).toBe(400);
    expect(refused.body.error.name).toBe('InputError');
    expect(refused.body.error.message).toMatch(/branch/i);
    expect(refused.body.error.message).toMatch(/restriction/i);

    // the global prod restriction too
    const prod = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'prod', artifactId: feature.id });
    expect(prod.status).toBe(400);
    expect(prod.body.error.message).toMatch(/main/);

    const autoId = policies.body.autoReleases[0].id;
    const deleted = await request(server)
      .delete(`${ledger}/policies/${autoId}`)
      .set('authorization', asJane);
    expect(deleted.status).toBe(200);
    expect(deleted.body.count).toBe(1);
    const again = await request(server)
      .delete(`${ledger}/policies/${autoId}`)
      .set('authorization', asJane);
    expect(again.status).toBe(404);
  }, 60_000);

  it('answers 401 without a user, 403 for a non-owner, 404 and 400 for bad input', async () => {
    const server = await backend();

    const anonymous = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    for (const [method, path, body] of [
      ['post', 'release', { environment: 'dev', artifactId: main1.id }],
      ['post', 'promote', { environment: 'staging' }],
      ['post', 'rollback', { environment: 'dev' }],
      ['put', 'policies/auto-release', { environment: 'dev', branch: 'main' }],
    ] as const) {
      const res = await (request(server) as any)
        [method](`${ledger}/${path}`)
        .set('authorization', asBob)
        .send(body);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    }

    const unknownEntity = await request(server)
      .get('/api/release-manager/entities/default/component/nope/status')
      .set('authorization', asJane);
    expect(unknownEntity.status).toBe(404);

    const noAnnotation = await request(server)
      .get('/api/release-manager/entities/default/component/no-annotation/status')
      .set('authorization', asJane);
    expect(noAnnotation.status).toBe(404);
    expect(noAnnotation.body.error.message).toMatch(
      /slipway.dev\/release-manager-service/,
    );

    const badEnv = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'qa', artifactId: main1.id });
    expect(badEnv.status).toBe(400);
    expect(badEnv.body.error.message).toMatch(/^environment: /);

    const missing = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'dev' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/artifactId/);

    const badRegex = await request(server)
      .put(`${ledger}/policies/branch-restriction`)
      .set('authorization', asJane)
      .send({ environment: 'dev', branchRegex: '(' });
    expect(badRegex.status).toBe(400);
    expect(badRegex.body.error.message).toMatch(/branchRegex/);

    const unknownArtifact = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'dev', artifactId: 'main-0000000000-0000000000' });
    expect(unknownArtifact.status).toBe(404);

    const firstEnv = await request(server)
      .post(`${ledger}/promote`)
      .set('authorization', asJane)
      .send({ environment: 'dev' });
    expect(firstEnv.status).toBe(400);
  }, 60_000);

  it('answers the status of many entities in one batch, each checked for the caller', async () => {
    const server = await backend();
    const refs = [
      'component:default/ledger',
      'Component:default/no-annotation',
      'component:default/missing',
      'component:default/ledger',
    ];
    const asUser = await request(server)
      .post('/api/release-manager/status/batch')
      .set('authorization', asBob)
      .send({ entityRefs: refs });
    expect(asUser.status).toBe(200);
    expect(asUser.body.items.map((i: any) => i.entityRef)).toEqual([
      'component:default/ledger',
      'component:default/no-annotation',
      'component:default/missing',
      'component:default/ledger',
    ]);
    const [ledgerItem, noAnnotation, missing] = asUser.body.items;
    expect(ledgerItem.status).toMatchObject({
      service: 'ledger',
      namespace: 'payments',
      environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }],
    });
    expect(noAnnotation.error).toEqual({
      name: 'NotFoundError',
      message: expect.stringMatching(/release-manager-service annotation/),
    });
    expect(missing.error.name).toBe('NotFoundError');

    // a service principal is refused by the read permission, item by item
    const asService = await request(server)
      .post('/api/release-manager/status/batch')
      .set('authorization', mockCredentials.service.header())
      .send({ entityRefs: ['component:default/ledger'] });
    expect(asService.status).toBe(200);
    expect(asService.body.items[0].error.name).toBe('NotAllowedError');

    const bad = await request(server)
      .post('/api/release-manager/status/batch')
      .set('authorization', asBob)
      .send({ entityRefs: ['not a ref:'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/entityRefs.0: must be an entity ref/);
    const none = await request(server)
      .post('/api/release-manager/status/batch')
      .set('authorization', mockCredentials.none.header())
      .send({ entityRefs: ['component:default/ledger'] });
    expect(none.status).toBe(401);
  }, 60_000);

  it('answers 503 when the release manager cannot be reached', async () => {
    // a port that was free a moment ago and has nothing listening now
    const port = await new Promise<number>(resolve => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as any).port;
        s.close(() => resolve(p));
      });
    });
    const server = await backend(`http://127.0.0.1:${port}`);
    const res = await request(server)
      .get(`${ledger}/status`)
      .set('authorization', asJane);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/^release manager unavailable: /);

    const release = await request(server)
      .post(`${ledger}/release`)
      .set('authorization', asJane)
      .send({ environment: 'dev', artifactId: main1.id });
    expect(release.status).toBe(503);
  }, 60_000);
});
