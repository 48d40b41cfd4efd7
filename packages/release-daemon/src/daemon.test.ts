import { loadConfig } from './config';
import { silentLogger } from './core/logger';
import { startDaemon } from './daemon';
import { startFakeKubeApi } from './__testUtils__/fakeKubeApi';
import { startFakeReleaseManager } from './__testUtils__/fakeReleaseManager';
import {
  ledgerDeployment,
  ledgerReplicaSet,
} from './kubernetes/__fixtures__/ledger';

describe('startDaemon (kubernetes backend) with /healthz and /metrics', () => {
  it('serves health and metrics, counts reports, and turns unhealthy when the API server goes away', async () => {
    const api = await startFakeKubeApi();
    const rm = await startFakeReleaseManager();
    api.collection(
      '/apis/apps/v1/namespaces/payments/deployments',
      'Deployment',
      'apps/v1',
      [
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
      ],
    );
    api.collection(
      '/apis/apps/v1/namespaces/payments/replicasets',
      'ReplicaSet',
      'apps/v1',
      [ledgerReplicaSet(2)],
    );
    api.collection('/api/v1/namespaces/payments/pods', 'Pod', 'v1', []);
    const config = loadConfig({
      RELEASE_DAEMON_BACKEND: 'kubernetes',
      RELEASE_DAEMON_ENVIRONMENT: 'prod',
      RELEASE_DAEMON_NAMESPACES: 'payments',
      RELEASE_DAEMON_PORT: '0',
      RELEASE_DAEMON_HOST: '127.0.0.1',
      RELEASE_MANAGER_URL: rm.url,
      RELEASE_MANAGER_DAEMON_TOKEN: 'tok',
    });
    const daemon = await startDaemon(config, silentLogger, {
      kubeConfig: api.kubeConfig(),
    });
    const base = `http://127.0.0.1:${daemon.port}`;
    try {
      // The initial list already shows a complete rollout.
      const post = await rm.waitFor(
        p => p.path === '/webhook/daemon/k8s/deploy',
        5000,
      );
      expect(post.body).toMatchObject({
        name: 'ledger',
        availablePods: 2,
        replicas: 2,
        environment: 'prod',
      });

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        status: 'ok',
        backend: 'kubernetes',
        message: 'watching 1 deployments in payments',
      });

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain(
        'slipway_release_daemon_reports_total{route="deploy",result="ok"} 1',
      );
      expect(metrics).toContain(
        'slipway_release_daemon_process_resident_memory_bytes',
      );
      // Pod metrics come from the podman backend only.
      expect(metrics).not.toContain('kube_pod_status_ready');

      expect((await fetch(`${base}/nope`)).status).toBe(404);

      await api.close();
      const end = Date.now() + 10_000;
      let status = 200;
      while (status === 200 && Date.now() < end) {
        await new Promise(r => setTimeout(r, 100));
        status = (await fetch(`${base}/healthz`)).status;
      }
      expect(status).toBe(503);
    } finally {
      await daemon.stop();
      await rm.close();
    }
  });
});
