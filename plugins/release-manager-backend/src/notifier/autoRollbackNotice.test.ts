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
import {
  autoRollbackNotice,
  autoRollbackNotification,
} from './autoRollbackNotice';
import { ReleaseNotifier } from './ReleaseNotifier';

jest.setTimeout(120_000);

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

describe('autoRollbackNotice', () => {
  const base = {
    id: 7,
    type: 'auto-rollback' as const,
    service: 'ledger',
    environment: 'staging',
    message: 'x',
    createdAt: '2026-12-02T10:00:00Z',
  };
  it('reads rolled-back and failed automatic rollbacks, and ignores other events', () => {
    const done = autoRollbackNotice({
      ...base,
      data: {
        state: 'rolled-back',
        failedArtifactId: 'main-b',
        rolledBackTo: 'main-a',
        reason:
          'the rollout of main-b failed: pod p container c CrashLoopBackOff',
      },
    })!;
    expect(autoRollbackNotification('ledger', done)).toEqual({
      title: 'ledger: staging rolled back automatically from main-b to main-a',
      description:
        'Reason: the rollout of main-b failed: pod p container c CrashLoopBackOff\nAuto-release into staging is paused until someone releases there or resumes it on the Releases tab.',
    });
    const failed = autoRollbackNotice({
      ...base,
      data: {
        state: 'failed',
        failedArtifactId: 'main-b',
        reason: 'not ready',
        error: 'there is no earlier release to roll back to',
      },
    })!;
    expect(autoRollbackNotification('ledger', failed).title).toBe(
      'ledger: automatic rollback in staging failed; main-b still runs',
    );
    expect(autoRollbackNotification('ledger', failed).description).toContain(
      'The rollback failed: there is no earlier release to roll back to',
    );
    expect(autoRollbackNotice({ ...base, type: 'rollback' })).toBeUndefined();
  });
});

describe('ReleaseNotifier tells owners about an automatic rollback by a real release manager', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let dataDir: string;
  let rm: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rm-notifier-rollback-'));
    rm = await startReleaseManager({ dataDir, port: 0, token: TOKEN });
  });
  afterAll(async () => {
    await rm.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the failing rollout and the automatic rollback, each once', async () => {
    const client = new ReleaseManagerClient({
      baseUrl: rm.url,
      token: TOKEN,
      timeoutMs: 60_000,
    });
    const who = { committerName: 'Jane', committerEmail: 'jane@example.com' };
    const manifests = {
      dev: { 'd.yaml': 'kind: Deployment\n' },
      staging: { 'd.yaml': 'kind: Deployment\n' },
      prod: { 'd.yaml': 'kind: Deployment\n' },
    };
    const ids: string[] = [];
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
        manifests,
      });
      await client.release({
        service: 'ledger',
        environment: 'staging',
        artifactId: id,
        ...who,
        intent: { type: 'ReleaseArtifact' },
      });
    }
    await client.applyAutoRollbackPolicy({
      service: 'ledger',
      environment: 'staging',
      onRolloutFailure: true,
      ...who,
    });

    const knex = await databases.init('SQLITE_3');
    await migrateReleaseManagerDatabase(knex);
    const sent: NotificationSendOptions[] = [];
    const notifier = new ReleaseNotifier({
      client,
      catalog: catalogServiceMock({ entities: [ledger] }),
      auth: mockServices.auth(),
      notifications: { send: async n => void sent.push(n) },
      database: knex,
      logger: mockServices.logger.mock(),
    });
    await expect(notifier.poll()).resolves.toBe(0);

    await client.daemonPodError({
      podName: 'ledger-7d9f-abcde',
      namespace: 'payments',
      environment: 'staging',
      artifactId: ids[1],
      errors: [
        { name: 'ledger', type: 'CrashLoopBackOff', logs: ['panic: no key'] },
      ],
    });
    await expect(notifier.poll()).resolves.toBe(2);
    const rollback = sent.find(s => /rolled back/.test(s.payload.title));
    expect(rollback?.recipients).toEqual({
      type: 'entity',
      entityRef: ['group:default/payments'],
    });
    expect(rollback?.payload).toMatchObject({
      title: `ledger: staging rolled back automatically from ${ids[1]} to ${ids[0]}`,
      severity: 'high',
      topic: 'release-manager',
      link: '/catalog/default/component/ledger/releases',
      scope: `release-manager:component:default/ledger:staging:${ids[1]}:auto-rollback`,
    });
    expect(rollback?.payload.description).toContain('CrashLoopBackOff');
    expect(rollback?.payload.description).toContain(
      'Auto-release into staging is paused',
    );
    await expect(notifier.poll()).resolves.toBe(0);
  });
});
