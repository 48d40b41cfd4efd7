import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { ReleaseManagerClient } from '@slipway/plugin-release-manager-common';
import { startReleaseManager } from '@slipway/release-manager';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateReleaseManagerDatabase } from '../database/migrate';
import { ReleaseNotifier, rolloutOutcome } from './ReleaseNotifier';

jest.setTimeout(60_000);

const TOKEN = 'test-token';
const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger',
    namespace: 'default',
    annotations: { 'slipway.dev/release-manager-service': 'ledger' },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
};

describe('rolloutOutcome', () => {
  const base = {
    id: 1,
    type: 'rollout' as const,
    service: 'ledger',
    environment: 'prod',
    artifactId: 'main-1-2',
    message: 'x',
    createdAt: '2026-11-21T10:00:00Z',
  };
  it('reads ready and failed rollouts and ignores the rest', () => {
    expect(
      rolloutOutcome({ ...base, data: { phase: 'succeeded', available: 3, desired: 3 } }),
    ).toMatchObject({ outcome: 'ready', details: ['3/3 replicas ready'] });
    expect(
      rolloutOutcome({
        ...base,
        data: { phase: 'failed', podName: 'ledger-1', errors: [{ name: 'app', reason: 'CrashLoopBackOff' }] },
      }),
    ).toMatchObject({ outcome: 'failed', details: ['app: CrashLoopBackOff'] });
    expect(rolloutOutcome({ ...base, data: { phase: 'progressing' } })).toBeUndefined();
    expect(rolloutOutcome({ ...base, type: 'release', data: { phase: 'succeeded' } })).toBeUndefined();
  });
});

describe('ReleaseNotifier against a real release manager', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rm-notifier-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await rm.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(path: string, body: unknown) {
    const res = await fetch(`${rm.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }

  it('notifies the owners once per new outcome, with the last log lines, and survives a restart', async () => {
    const sha = 'abcdef0123456789abcdef0123456789abcdef01';
    const artifactId = `main-${sha.slice(0, 10)}-0123456789`;
    const manifests = { dev: { 'd.yaml': 'kind: Deployment\n' }, staging: { 'd.yaml': 'x: 1\n' }, prod: { 'd.yaml': 'x: 1\n' } };
    await post('/artifacts/create', {
      artifact: { id: artifactId, service: 'ledger', namespace: 'payments', application: { branch: 'main', sha, url: 'https://github.com/acme/ledger' } },
      manifests,
    });
    await post('/release', {
      service: 'ledger',
      environment: 'dev',
      artifactId,
      committerName: 'Jane',
      committerEmail: 'jane@example.com',
      intent: { type: 'ReleaseArtifact' },
    });

    const knex = await databases.init('SQLITE_3');
    const sent: NotificationSendOptions[] = [];
    const make = () =>
      new ReleaseNotifier({
        client: new ReleaseManagerClient({ baseUrl: rm.url, token: TOKEN }),
        catalog: catalogServiceMock({ entities: [ledger] }),
        auth: mockServices.auth(),
        notifications: { send: async n => void sent.push(n) },
        database: knex,
        logger: mockServices.logger.mock(),
      });
    await migrateReleaseManagerDatabase(knex);
    const notifier = make();
    // the first poll only records where the feed stands: the release above is history
    await expect(notifier.poll()).resolves.toBe(0);

    await post('/webhook/daemon/k8s/error', {
      podName: 'ledger-7d9f-abcde',
      namespace: 'payments',
      environment: 'dev',
      artifactId,
      service: 'ledger',
      errors: [
        {
          name: 'ledger',
          type: 'CrashLoopBackOff',
          message: 'back-off 40s restarting failed container',
          logs: ['starting ledger', 'panic: DATABASE_URL is not set'],
        },
      ],
    });
    await expect(notifier.poll()).resolves.toBe(1);
    expect(sent[0].recipients).toEqual({ type: 'entity', entityRef: ['group:default/payments'] });
    expect(sent[0].payload).toMatchObject({
      severity: 'high',
      topic: 'release-manager',
      link: '/catalog/default/component/ledger/releases',
    });
    expect(sent[0].payload.title).toMatch(/ledger: release of .* to dev is failing/);
    expect(sent[0].payload.description).toContain('panic: DATABASE_URL is not set');
    expect(sent[0].payload.description).toContain('CrashLoopBackOff');

    // nothing new: nothing sent
    await expect(notifier.poll()).resolves.toBe(0);

    // a new notifier on the same database (a restart) continues where the last stopped
    const restarted = make();
    await migrateReleaseManagerDatabase(knex);
    await post('/webhook/daemon/k8s/deploy', {
      name: 'ledger',
      namespace: 'payments',
      environment: 'dev',
      artifactId,
      availablePods: 2,
      replicas: 2,
    });
    await expect(restarted.poll()).resolves.toBe(1);
    expect(sent).toHaveLength(2);
    expect(sent[1].payload).toMatchObject({ severity: 'normal' });
    expect(sent[1].payload.title).toMatch(/is ready in dev/);
    expect(sent[1].payload.description).toBe('2/2 replicas ready');
  });
});
