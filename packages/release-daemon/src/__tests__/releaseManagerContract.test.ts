import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ReleaseManagerClient,
  startReleaseManager,
} from '@slipway/release-manager';
import { Logger } from '../core/logger';
import { ReleaseManagerReporter } from '../core/ReleaseManagerReporter';

/**
 * The daemon's payloads against the real release manager
 * (packages/release-manager): its zod schemas accept them, its bearer check
 * accepts the daemon token, and its rollout state shows what was reported.
 */
describe('reports accepted by the real release manager', () => {
  const TOKEN = 'contract-token';
  const ARTIFACT = 'main-0a1b2c3d4e-5f6a7b8c9d';
  let dataDir: string;
  let rm: Awaited<ReturnType<typeof startReleaseManager>>;
  let client: ReleaseManagerClient;
  const warnings: string[] = [];
  const logger: Logger = {
    info: () => {},
    warn: m => warnings.push(m),
    error: m => warnings.push(m),
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-daemon-rm-'));
    rm = await startReleaseManager({ dataDir, token: TOKEN });
    client = new ReleaseManagerClient({ baseUrl: rm.url, token: TOKEN });
    await client.createArtifact({
      artifact: {
        id: ARTIFACT,
        service: 'ledger',
        namespace: 'payments',
        application: {
          branch: 'main',
          sha: '0a1b2c3d4e0a1b2c3d4e0a1b2c3d4e0a1b2c3d4e',
          authorEmail: 'ada@example.com',
          committerName: 'Ada',
          committerEmail: 'ada@example.com',
          message: 'contract',
        },
      },
      manifests: {
        staging: {
          '40-deployment.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\n',
        },
      },
    } as any);
    await client.release({
      service: 'ledger',
      environment: 'staging',
      artifactId: ARTIFACT,
      committerName: 'Ada',
      committerEmail: 'ada@example.com',
    } as any);
  });

  afterAll(async () => {
    await rm?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a completed rollout and a crash loop with its log lines', async () => {
    const reporter = new ReleaseManagerReporter({
      baseUrl: rm.url,
      token: TOKEN,
      logger,
      attempts: 1,
    });
    await reporter.deploy({
      environment: 'staging',
      namespace: 'payments',
      name: 'ledger',
      service: 'ledger',
      artifactId: ARTIFACT,
      revision: 'g1',
      desired: 2,
      available: 1,
      phase: 'stalled',
      reason: 'ProgressDeadlineExceeded',
    });
    await reporter.podError({
      environment: 'staging',
      namespace: 'payments',
      podName: 'slw-staging-payments-ledger-1',
      podUid: 'abc',
      service: 'ledger',
      artifactId: ARTIFACT,
      containers: [
        {
          name: 'ledger',
          type: 'CrashLoopBackOff',
          reason: 'Error',
          exitCode: 3,
          restartCount: 4,
          message: 'back-off restarting failed container ledger',
          logs: ['starting', 'fatal: SMTP_RELAY_HOST is not set'],
        },
      ],
    });
    expect(warnings).toEqual([]);
    const state = (await client.rolloutState('ledger')) as any;
    const staging = state.environments.staging;
    expect(staging).toMatchObject({
      artifactId: ARTIFACT,
      availableReplicas: 1,
      desiredReplicas: 2,
    });
    expect(JSON.stringify(staging.errors)).toContain(
      'fatal: SMTP_RELAY_HOST is not set',
    );

    await reporter.deploy({
      environment: 'staging',
      namespace: 'payments',
      name: 'ledger',
      service: 'ledger',
      artifactId: ARTIFACT,
      revision: 'g1',
      desired: 2,
      available: 2,
      phase: 'complete',
    });
    expect(warnings).toEqual([]);
    const after = (await client.rolloutState('ledger')) as any;
    expect(after.environments.staging).toMatchObject({
      availableReplicas: 2,
      desiredReplicas: 2,
    });
  });

  it('is refused without the daemon token (401), and the reporter does not retry that', async () => {
    const reporter = new ReleaseManagerReporter({
      baseUrl: rm.url,
      token: 'wrong',
      logger,
    });
    const started = Date.now();
    await reporter.deploy({
      environment: 'staging',
      namespace: 'payments',
      name: 'ledger',
      service: 'ledger',
      artifactId: ARTIFACT,
      revision: 'g1',
      desired: 2,
      available: 2,
      phase: 'complete',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(warnings.pop()).toMatch(/refused deploy report: HTTP 401/);
  });
});
