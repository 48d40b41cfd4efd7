import { silentLogger } from '../core/logger';
import { ReleaseManagerReporter } from '../core/ReleaseManagerReporter';
import { RolloutTracker } from '../core/RolloutTracker';
import { startFakeKubeApi } from '../__testUtils__/fakeKubeApi';
import { startFakeReleaseManager } from '../__testUtils__/fakeReleaseManager';
import {
  ARTIFACT,
  crashingPod,
  ledgerDeployment,
  ledgerReplicaSet,
} from './__fixtures__/ledger';
import { KubernetesBackend } from './KubernetesBackend';

const DEPLOYMENTS = '/apis/apps/v1/namespaces/payments/deployments';
const REPLICASETS = '/apis/apps/v1/namespaces/payments/replicasets';
const PODS = '/api/v1/namespaces/payments/pods';

async function until(check: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('KubernetesBackend against the Kubernetes list+watch protocol', () => {
  let api: Awaited<ReturnType<typeof startFakeKubeApi>>;
  let rm: Awaited<ReturnType<typeof startFakeReleaseManager>>;
  let backend: KubernetesBackend;

  beforeEach(async () => {
    api = await startFakeKubeApi();
    rm = await startFakeReleaseManager();
    api.collection(DEPLOYMENTS, 'Deployment', 'apps/v1', [
      ledgerDeployment({
        replicas: 2,
        updated: 1,
        ready: 1,
        available: 1,
        progressing: {
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: 'ReplicaSet "ledger-7d9f8c6b5" is progressing.',
        },
      }),
    ]);
    api.collection(REPLICASETS, 'ReplicaSet', 'apps/v1', [ledgerReplicaSet(1)]);
    api.collection(PODS, 'Pod', 'v1', []);
    backend = new KubernetesBackend({
      kubeConfig: api.kubeConfig(),
      environment: 'prod',
      namespaces: ['payments'],
      logger: silentLogger,
      restartDelayMs: 100,
    });
    const reporter = new ReleaseManagerReporter({
      baseUrl: rm.url,
      token: 'daemon-token',
      logger: silentLogger,
    });
    await backend.start(
      new RolloutTracker({ target: reporter, logger: silentLogger }),
    );
    await until(
      () =>
        api.watchers(DEPLOYMENTS) === 1 &&
        api.watchers(REPLICASETS) === 1 &&
        api.watchers(PODS) === 1,
    );
  });

  afterEach(async () => {
    await backend.stop();
    await api.close();
    await rm.close();
  });

  it('lists then watches only the configured namespace', () => {
    const paths = api.requests.map(r => r.split('?')[0]);
    expect(new Set(paths)).toEqual(
      new Set([
        'GET /apis/apps/v1/namespaces/payments/deployments',
        'GET /apis/apps/v1/namespaces/payments/replicasets',
        'GET /api/v1/namespaces/payments/pods',
      ]),
    );
    expect(api.requests.filter(r => r.includes('watch=true'))).toHaveLength(3);
    expect(backend.health()).toEqual({
      ok: true,
      message: 'watching 1 deployments in payments',
    });
  });

  it('reports available/desired when the rollout completes, once', async () => {
    // Progressing 1/2: nothing to report yet.
    await new Promise(r => setTimeout(r, 300));
    expect(rm.posts).toHaveLength(0);

    api.emit(REPLICASETS, 'MODIFIED', ledgerReplicaSet(2));
    const complete = ledgerDeployment({
      replicas: 2,
      updated: 2,
      ready: 2,
      available: 2,
      progressing: {
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "ledger-7d9f8c6b5" has successfully progressed.',
      },
    });
    api.emit(DEPLOYMENTS, 'MODIFIED', complete);
    const post = await rm.waitFor(
      p => p.path === '/webhook/daemon/k8s/deploy',
      5000,
    );
    expect(post.authorization).toBe('Bearer daemon-token');
    expect(post.body).toEqual({
      name: 'ledger',
      namespace: 'payments',
      resourceType: 'Deployment',
      availablePods: 2,
      replicas: 2,
      artifactId: ARTIFACT,
      authorEmail: 'ada@example.com',
      environment: 'prod',
      service: 'ledger',
      phase: 'complete',
      message: 'ReplicaSet "ledger-7d9f8c6b5" has successfully progressed.',
    });
    // The same state again (a resync) is not reported twice.
    api.emit(DEPLOYMENTS, 'MODIFIED', {
      ...complete,
      metadata: { ...complete.metadata },
    });
    await new Promise(r => setTimeout(r, 300));
    expect(rm.posts).toHaveLength(1);
  });

  it('reports a complete Deployment as n/n even before its ReplicaSet update arrives (separate watches)', async () => {
    api.emit(
      DEPLOYMENTS,
      'MODIFIED',
      ledgerDeployment({
        replicas: 2,
        updated: 2,
        ready: 2,
        available: 2,
        progressing: {
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'done',
        },
      }),
    );
    const post = await rm.waitFor(
      p => p.path === '/webhook/daemon/k8s/deploy',
      5000,
    );
    expect(post.body).toMatchObject({
      availablePods: 2,
      replicas: 2,
      phase: 'complete',
    });
    api.emit(REPLICASETS, 'MODIFIED', ledgerReplicaSet(2));
    await new Promise(r => setTimeout(r, 300));
    expect(rm.posts).toHaveLength(1);
  });

  it('reports a stalled rollout (ProgressDeadlineExceeded) with the new ReplicaSet availability', async () => {
    api.emit(REPLICASETS, 'MODIFIED', ledgerReplicaSet(0));
    api.emit(
      DEPLOYMENTS,
      'MODIFIED',
      ledgerDeployment({
        replicas: 3,
        updated: 2,
        ready: 1,
        available: 1,
        progressing: {
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "ledger-7d9f8c6b5" has timed out progressing.',
        },
      }),
    );
    const post = await rm.waitFor(
      p => p.path === '/webhook/daemon/k8s/deploy',
      5000,
    );
    expect(post.body).toMatchObject({
      availablePods: 0,
      replicas: 2,
      phase: 'stalled',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "ledger-7d9f8c6b5" has timed out progressing.',
    });
  });

  it("reports a crash-looping pod with exit code and the previous run's last 20 log lines", async () => {
    const lines = Array.from(
      { length: 25 },
      (_, i) => `2026-12-02T10:40:2${i % 10}Z INFO line ${i}`,
    );
    lines.push('2026-12-02T10:40:21Z FATAL config: SMTP_RELAY_HOST is not set');
    api.setLogs(
      'payments',
      'ledger-7d9f8c6b5-x2k4q',
      'ledger',
      true,
      lines.join('\n'),
    );

    api.emit(PODS, 'ADDED', crashingPod(0));
    api.emit(PODS, 'MODIFIED', crashingPod(1)); // restarted once: not yet a crash loop
    await new Promise(r => setTimeout(r, 300));
    expect(rm.posts).toHaveLength(0);

    api.emit(PODS, 'MODIFIED', crashingPod(2));
    const post = await rm.waitFor(
      p => p.path === '/webhook/daemon/k8s/error',
      5000,
    );
    expect(post.body).toEqual({
      podName: 'ledger-7d9f8c6b5-x2k4q',
      namespace: 'payments',
      environment: 'prod',
      artifactId: ARTIFACT,
      service: 'ledger',
      authorEmail: 'ada@example.com',
      errors: [
        {
          name: 'ledger',
          type: 'CrashLoopBackOff',
          reason: 'Error',
          message: expect.stringContaining(
            'back-off 40s restarting failed container=ledger',
          ),
          exitCode: 3,
          restartCount: 2,
          logs: lines.slice(-20),
        },
      ],
    });
    expect(
      api.requests.find(r => r.includes('/pods/ledger-7d9f8c6b5-x2k4q/log')),
    ).toMatch(/container=ledger/);
    expect(
      api.requests.find(r => r.includes('/pods/ledger-7d9f8c6b5-x2k4q/log')),
    ).toMatch(/previous=true/);
    expect(
      api.requests.find(r => r.includes('/pods/ledger-7d9f8c6b5-x2k4q/log')),
    ).toMatch(/tailLines=20/);

    // Later restarts of the same pod are not reported again.
    api.emit(PODS, 'MODIFIED', crashingPod(3));
    await new Promise(r => setTimeout(r, 300));
    expect(
      rm.posts.filter(p => p.path === '/webhook/daemon/k8s/error'),
    ).toHaveLength(1);
  });

  it('re-watches when the API server ends a watch, and keeps reporting', async () => {
    const watches = () =>
      api.requests.filter(
        r => r.startsWith(`GET ${DEPLOYMENTS}?`) && r.includes('watch=true'),
      ).length;
    expect(watches()).toBe(1);
    api.endWatches(DEPLOYMENTS);
    expect(api.watchers(DEPLOYMENTS)).toBe(0);
    await until(() => api.watchers(DEPLOYMENTS) === 1, 10_000);
    expect(watches()).toBe(2);
    api.emit(REPLICASETS, 'MODIFIED', ledgerReplicaSet(2));
    api.emit(
      DEPLOYMENTS,
      'MODIFIED',
      ledgerDeployment({
        replicas: 2,
        updated: 2,
        ready: 2,
        available: 2,
        progressing: {
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'done',
        },
      }),
    );
    const post = await rm.waitFor(
      p => p.path === '/webhook/daemon/k8s/deploy',
      5000,
    );
    expect(post.body).toMatchObject({ availablePods: 2, phase: 'complete' });
  });
});
