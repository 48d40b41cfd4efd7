import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ReleaseManagerClient,
  startReleaseManager,
} from '@slipway/release-manager';
import { loadConfig } from '../config';
import { silentLogger } from '../core/logger';
import { RunningDaemon, startDaemon } from '../daemon';
import {
  buildWorkloadImage,
  freePort,
  podmanAvailable,
  podManifest,
  podmanEnv,
} from '../__testUtils__/podman';

const available = podmanAvailable();
const describeIfPodman = available.ok ? describe : describe.skip;
if (!available.ok) {
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED: end-to-end daemon test needs podman and go (${available.why})`,
  );
}

async function until<T>(
  f: () => Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 200));
  }
}

/**
 * Real pods on podman → the daemon (podman backend, as scripts/start runs it)
 * → the real release manager: its rollout state shows "2/2" and then the crash
 * loop of a bad release with the container's log lines.
 */
describeIfPodman(
  'release daemon end to end: podman pods to the release manager',
  () => {
    const TOKEN = 'e2e-token';
    const GOOD = 'main-00000000a1-00000000b1';
    const BAD = 'main-00000000a2-00000000b2';
    const env = available.ok ? podmanEnv() : undefined!;
    const cluster = `rde${process.pid}${Date.now().toString(36)}`;
    const pods: string[] = [];
    let dataDir: string;
    let rm: Awaited<ReturnType<typeof startReleaseManager>>;
    let client: ReleaseManagerClient;
    let daemon: RunningDaemon;
    let image: string;

    beforeAll(async () => {
      image = buildWorkloadImage(args => env.run(args), env.dir);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-daemon-e2e-'));
      rm = await startReleaseManager({ dataDir, token: TOKEN });
      client = new ReleaseManagerClient({ baseUrl: rm.url, token: TOKEN });
      for (const id of [GOOD, BAD]) {
        await client.createArtifact({
          artifact: {
            id,
            service: 'ledger',
            namespace: 'payments',
            application: { branch: 'main', authorEmail: 'ada@example.com' },
          },
          manifests: {
            staging: {
              'deployment.yaml':
                'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\n',
            },
          },
        } as any);
      }
      daemon = await startDaemon(
        loadConfig({
          RELEASE_DAEMON_PORT: '0',
          RELEASE_DAEMON_HOST: '127.0.0.1',
          RELEASE_MANAGER_URL: rm.url,
          RELEASE_MANAGER_DAEMON_TOKEN: TOKEN,
          RELEASE_DAEMON_PODMAN_CLUSTER: cluster,
          RELEASE_DAEMON_STATE_FILE: path.join(dataDir, 'daemon-state.json'),
          CONTAINERS_CONF: env.conf,
        }),
        silentLogger,
      );
    });

    afterAll(async () => {
      await daemon?.stop();
      for (const name of pods) {
        for (let i = 0; i < 5; i++) {
          try {
            env.run(['pod', 'exists', name]);
          } catch {
            break;
          }
          try {
            env.run(['pod', 'rm', '-f', '-t', '0', name]);
          } catch {
            await new Promise(r => setTimeout(r, 500));
          }
        }
      }
      await rm?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const release = async (artifactId: string, crashExit?: number) => {
      await client.release({
        service: 'ledger',
        environment: 'staging',
        artifactId,
        committerName: 'Ada',
        committerEmail: 'ada@example.com',
      } as any);
      for (const replica of [0, 1]) {
        const name = `${cluster}-${artifactId.slice(-2)}-${replica}`;
        pods.push(name);
        await env.runAsync(
          ['kube', 'play', '-'],
          podManifest({
            name,
            cluster,
            environment: 'staging',
            namespace: 'payments',
            service: 'ledger',
            artifactId,
            generation: artifactId,
            replicas: 2,
            replica,
            hostPort: await freePort(),
            image,
            crashExit,
          }),
        );
      }
    };

    it('shows ready 2/2 from real pods, then a crash-looping release with its log lines', async () => {
      await release(GOOD);
      const ready = await until(async () => {
        const s = ((await client.rolloutState('ledger')) as any).environments
          .staging;
        return s?.availableReplicas === 2 ? s : undefined;
      }, 60_000);
      expect(ready).toMatchObject({
        artifactId: GOOD,
        availableReplicas: 2,
        desiredReplicas: 2,
      });

      await release(BAD, 3);
      const failing = await until(async () => {
        const s = ((await client.rolloutState('ledger')) as any).environments
          .staging;
        return s?.artifactId === BAD && s.errors?.length ? s : undefined;
      }, 60_000);
      expect(JSON.stringify(failing.errors)).toContain(
        'fatal: SMTP_RELAY_HOST is not set',
      );
      expect(failing.phase).not.toBe('succeeded');
    });
  },
);
