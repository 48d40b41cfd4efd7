import http from 'node:http';
import { silentLogger } from '../core/logger';
import { ReleaseManagerReporter } from '../core/ReleaseManagerReporter';
import { RolloutTracker } from '../core/RolloutTracker';
import { createMetrics } from '../http/metrics';
import { startFakeReleaseManager } from '../__testUtils__/fakeReleaseManager';
import {
  buildWorkloadImage,
  freePort,
  podmanAvailable,
  podManifest,
  podmanEnv,
} from '../__testUtils__/podman';
import { PodmanBackend } from './PodmanBackend';
import { PodmanCli } from './PodmanCli';

const available = podmanAvailable();
if (!available.ok) {
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED: PodmanBackend tests need real podman and go (${available.why})`,
  );
}
const describeIfPodman = available.ok ? describe : describe.skip;

/** Polls `GET http://127.0.0.1:<port>/readyz` until it answers 200; resolves with that moment. */
async function firstReady(port: number, timeoutMs = 60_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>(resolve => {
      http
        .get(
          { host: '127.0.0.1', port, path: '/readyz', agent: false },
          res => {
            res.resume();
            resolve(res.statusCode === 200);
          },
        )
        .on('error', () => resolve(false));
    });
    if (ok) return Date.now();
    await new Promise(r => setTimeout(r, 20));
  }
  throw new Error(`port ${port} never became ready`);
}

describeIfPodman('PodmanBackend against real podman pods', () => {
  const env = available.ok ? podmanEnv() : undefined!;
  const cluster = `rdt${process.pid}${Date.now().toString(36)}`;
  const pods: string[] = [];
  let image: string;
  let rm: Awaited<ReturnType<typeof startFakeReleaseManager>>;
  let backend: PodmanBackend;

  const play = async (manifest: string, name: string) => {
    pods.push(name);
    await env.runAsync(['kube', 'play', '-'], manifest);
  };

  beforeAll(async () => {
    image = buildWorkloadImage(args => env.run(args), env.dir);
    rm = await startFakeReleaseManager();
    backend = new PodmanBackend({
      cli: new PodmanCli({ containersConf: env.conf }),
      logger: silentLogger,
      cluster,
      progressDeadlineSeconds: 12,
    });
    const reporter = new ReleaseManagerReporter({
      baseUrl: rm.url,
      token: 'test-daemon-token',
      logger: silentLogger,
    });
    await backend.start(
      new RolloutTracker({ target: reporter, logger: silentLogger }),
    );
  });

  afterAll(async () => {
    await backend?.stop();
    await rm?.close();
    // A crash-looping pod can refuse removal while podman restarts it: retry.
    for (const name of pods) {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          env.run(['pod', 'exists', name]);
        } catch {
          break; // gone
        }
        try {
          env.run(['pod', 'rm', '-f', '-t', '0', name]);
        } catch {
          await new Promise(r => setTimeout(r, 500));
        }
      }
    }
  });

  it('reports a 2-replica rollout as 2/2 once both pods answer their readiness path', async () => {
    const ports = [await freePort(), await freePort()];
    for (const replica of [0, 1]) {
      const name = `${cluster}-web-${replica}`;
      await play(
        podManifest({
          name,
          cluster,
          environment: 'staging',
          namespace: 'payments',
          service: 'ledger',
          artifactId: 'master-abc1234-def5678',
          generation: `g1-${replica}`, // per replica, as the local cluster hashes each pod's manifest
          replicas: 2,
          replica,
          hostPort: ports[replica],
          image,
          cpuLimit: '500m',
        }),
        name,
      );
    }
    const readyAt = Math.max(
      ...(await Promise.all(ports.map(p => firstReady(p)))),
    );
    const post = await rm.waitFor(
      p =>
        p.path === '/webhook/daemon/k8s/deploy' &&
        p.body.name === 'ledger' &&
        p.body.phase === 'complete',
    );
    expect(post.authorization).toBe('Bearer test-daemon-token');
    expect(post.body).toEqual({
      name: 'ledger',
      namespace: 'payments',
      resourceType: 'Deployment',
      availablePods: 2,
      replicas: 2,
      artifactId: 'master-abc1234-def5678',
      environment: 'staging',
      service: 'ledger',
      phase: 'complete',
      message: '2/2 replicas ready',
    });
    // eslint-disable-next-line no-console
    console.log(
      `FIGURE podman: last pod ready -> deploy webhook received: ${
        post.receivedAt - readyAt
      } ms`,
    );
    // Generous: this machine's 2 cores are shared (see scripts/benchmark.ts for the figure).
    expect(post.receivedAt - readyAt).toBeLessThan(10_000);
    // Reported once, not on every evaluation. (On a machine so loaded that the second
    // pod takes longer than the 12 s deadline to start, a stall comes first: legitimately.)
    await new Promise(r => setTimeout(r, 1500));
    expect(
      rm.posts.filter(
        p =>
          p.path === '/webhook/daemon/k8s/deploy' &&
          p.body.name === 'ledger' &&
          p.body.phase === 'complete',
      ),
    ).toHaveLength(1);

    const metrics = createMetrics(backend);
    const text = await metrics.registry.metrics();
    for (const replica of [0, 1]) {
      expect(text).toContain(
        `kube_pod_status_ready{namespace="payments",pod="${cluster}-web-${replica}",service="ledger",environment="staging",condition="true"} 1`,
      );
      expect(text).toContain(
        `kube_pod_container_resource_limits{namespace="payments",pod="${cluster}-web-${replica}",service="ledger",environment="staging",container="ledger",resource="cpu",unit="core"} 0.5`,
      );
    }
    const cpu = text
      .split('\n')
      .filter(l => l.startsWith('container_cpu_usage_seconds_total{'));
    expect(cpu).toHaveLength(2);
    for (const line of cpu) {
      expect(line).toContain('service="ledger"');
      expect(Number(line.split(' ').pop())).toBeGreaterThan(0);
    }

    // Where the cgroup is not readable, the figures come from `podman stats`.
    const viaStats = new PodmanBackend({
      cli: new PodmanCli({ containersConf: env.conf }),
      logger: silentLogger,
      cluster,
      readCgroup: () => undefined,
    });
    await viaStats.start({ workload: () => {}, podFailure: () => {} });
    try {
      const fromStats = await viaStats.cpuUsage();
      const fromCgroup = await backend.cpuUsage();
      expect(fromStats.size).toBe(2);
      for (const [id, seconds] of fromStats) {
        expect(seconds).toBeGreaterThan(0);
        // Same counter, read a moment apart.
        expect(Math.abs(seconds - fromCgroup.get(id)!)).toBeLessThan(0.5);
      }
    } finally {
      await viaStats.stop();
    }
  });

  it('reports a crash loop with container, exit code and the real last log lines, then the stall', async () => {
    const name = `${cluster}-crash-0`;
    await play(
      podManifest({
        name,
        cluster,
        environment: 'staging',
        namespace: 'payments',
        service: 'notification',
        artifactId: 'master-bad0001-bad0002',
        generation: 'g1',
        replicas: 1,
        replica: 0,
        hostPort: await freePort(),
        image,
        crashExit: 3,
      }),
      name,
    );
    const post = await rm.waitFor(
      p =>
        p.path === '/webhook/daemon/k8s/error' &&
        p.body.service === 'notification',
      30_000,
    );
    expect(post.authorization).toBe('Bearer test-daemon-token');
    expect(post.body).toMatchObject({
      podName: name,
      namespace: 'payments',
      environment: 'staging',
      artifactId: 'master-bad0001-bad0002',
      service: 'notification',
    });
    expect(post.body.errors).toHaveLength(1);
    const error = post.body.errors[0];
    expect(error).toMatchObject({
      name: 'notification',
      type: 'CrashLoopBackOff',
      reason: 'Error',
      exitCode: 3,
    });
    // 0 when it was reported while down after the first crash, more once podman restarted it.
    expect(error.restartCount).toBeGreaterThanOrEqual(0);
    // The lines of the crashed run, stdout and stderr merged in order, ending with the fatal line.
    expect(error.logs.slice(-3)).toEqual([
      'starting test-workload',
      'loading configuration',
      'fatal: SMTP_RELAY_HOST is not set',
    ]);
    expect(error.logs.length).toBeLessThanOrEqual(20);
    expect(
      rm.posts.filter(
        p => p.path === '/webhook/daemon/k8s/error' && p.body.podName === name,
      ),
    ).toHaveLength(1);

    const stall = await rm.waitFor(
      p =>
        p.path === '/webhook/daemon/k8s/deploy' &&
        p.body.name === 'notification',
      30_000,
    );
    expect(stall.body).toMatchObject({
      availablePods: 0,
      replicas: 1,
      phase: 'stalled',
      reason: 'ProgressDeadlineExceeded',
      artifactId: 'master-bad0001-bad0002',
    });
  });

  it('reports a crash loop the local cluster way: restartPolicy Never, restarted with podman start after a back-off', async () => {
    const name = `${cluster}-mailer-0`;
    const t0 = Date.now();
    await play(
      podManifest({
        name,
        cluster,
        environment: 'dev',
        namespace: 'payments',
        service: 'mailer',
        artifactId: 'main-mail001-mail002',
        generation: 'g1',
        replicas: 1,
        replica: 0,
        hostPort: await freePort(),
        image,
        crashExit: 3,
        restartPolicy: 'Never',
      }),
      name,
    );
    // Like the local cluster's CrashBackoff: start the exited container again after 1 s.
    let restarting = true;
    const restarter = (async () => {
      while (restarting) {
        await new Promise(r => setTimeout(r, 1000));
        const status = (
          await env.runAsync([
            'inspect',
            '--format',
            '{{.State.Status}}',
            `${name}-mailer`,
          ])
        ).trim();
        if (status === 'exited' && restarting) {
          await env.runAsync(['start', `${name}-mailer`]).catch(() => {});
        }
      }
    })();
    try {
      const post = await rm.waitFor(
        p =>
          p.path === '/webhook/daemon/k8s/error' && p.body.service === 'mailer',
        30_000,
      );
      // eslint-disable-next-line no-console
      console.log(
        `FIGURE podman: kube play -> crash loop reported: ${
          post.receivedAt - t0
        } ms`,
      );
      expect(post.body).toMatchObject({
        podName: name,
        environment: 'dev',
        artifactId: 'main-mail001-mail002',
      });
      expect(post.body.errors[0]).toMatchObject({
        name: 'mailer',
        type: 'CrashLoopBackOff',
        reason: 'Error',
        exitCode: 3,
      });
      expect(post.body.errors[0].logs.slice(-3)).toEqual([
        'starting test-workload',
        'loading configuration',
        'fatal: SMTP_RELAY_HOST is not set',
      ]);
    } finally {
      restarting = false;
      await restarter;
    }
  });

  it('ignores pods of other clusters and reports healthy', () => {
    expect(backend.health()).toEqual({
      ok: true,
      message: expect.stringMatching(/^watching \d+ local-cluster pods/),
    });
    expect(backend.podViews().every(p => p.pod.startsWith(cluster))).toBe(true);
  });
});
