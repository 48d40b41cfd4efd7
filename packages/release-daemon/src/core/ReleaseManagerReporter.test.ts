import { startFakeReleaseManager } from '../__testUtils__/fakeReleaseManager';
import { Logger } from './logger';
import { deployBody, ReleaseManagerReporter } from './ReleaseManagerReporter';
import { WorkloadObservation } from './types';

const obs: WorkloadObservation = {
  environment: 'prod',
  namespace: 'payments',
  name: 'ledger-api',
  service: 'ledger',
  artifactId: 'a1',
  revision: '3',
  desired: 3,
  available: 3,
  phase: 'complete',
};

describe('ReleaseManagerReporter', () => {
  it('names the workload so the release manager can tell its service', () => {
    expect(deployBody(obs).name).toBe('ledger-api');
    expect(deployBody({ ...obs, name: 'ledger' }).name).toBe('ledger');
    expect(deployBody({ ...obs, name: 'api' }).name).toBe('ledger');
  });

  it('retries 5xx and network errors, then succeeds; drops 4xx at once', async () => {
    const rm = await startFakeReleaseManager();
    const lines: string[] = [];
    const logger: Logger = {
      info: () => {},
      warn: m => lines.push(m),
      error: m => lines.push(m),
    };
    const results: Array<[string, boolean]> = [];
    const reporter = new ReleaseManagerReporter({
      baseUrl: `${rm.url}/`,
      token: 'tok',
      logger,
      retryDelayMs: 20,
      onPosted: (route, ok) => results.push([route, ok]),
    });
    rm.setStatus(503);
    const pending = reporter.deploy(obs);
    await rm.waitFor(() => rm.posts.length >= 2);
    rm.setStatus(200);
    await pending;
    expect(rm.posts.length).toBeGreaterThanOrEqual(3);
    expect(rm.posts.every(p => p.path === '/webhook/daemon/k8s/deploy')).toBe(
      true,
    );
    expect(results).toEqual([['deploy', true]]);

    rm.setStatus(404);
    const before = rm.posts.length;
    await reporter.deploy(obs);
    expect(rm.posts.length).toBe(before + 1);
    expect(lines.pop()).toMatch(/refused deploy report: HTTP 404/);
    await rm.close();

    // Nobody listens any more: gives up after the attempts.
    const gone = new ReleaseManagerReporter({
      baseUrl: rm.url,
      token: 'tok',
      logger,
      attempts: 2,
      retryDelayMs: 10,
    });
    await gone.deploy(obs);
    expect(lines.pop()).toMatch(/giving up deploy report after 2 attempts/);
  });

  it('posts in the order reports were queued', async () => {
    const rm = await startFakeReleaseManager();
    const reporter = new ReleaseManagerReporter({
      baseUrl: rm.url,
      token: 't',
      logger: { info() {}, warn() {}, error() {} },
    });
    void reporter.deploy({ ...obs, available: 1, phase: 'stalled' });
    void reporter.podError({
      environment: 'prod',
      namespace: 'payments',
      podName: 'p',
      podUid: 'u',
      service: 'ledger',
      artifactId: 'a1',
      containers: [
        {
          name: 'c',
          type: 'CrashLoopBackOff',
          restartCount: 3,
          message: 'm',
          logs: Array.from({ length: 30 }, (_, i) => `l${i}`),
        },
      ],
    });
    void reporter.deploy(obs);
    await reporter.idle();
    expect(rm.posts.map(p => p.path)).toEqual([
      '/webhook/daemon/k8s/deploy',
      '/webhook/daemon/k8s/error',
      '/webhook/daemon/k8s/deploy',
    ]);
    expect(rm.posts[1].body.errors[0].logs).toHaveLength(20);
    expect(rm.posts[1].body.errors[0].logs[19]).toBe('l29');
    await rm.close();
  });
});
