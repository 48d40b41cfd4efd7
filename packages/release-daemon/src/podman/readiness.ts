import http from 'node:http';

/**
 * Probes a pod's readiness like a kubelet `httpGet` readinessProbe, through the
 * port the local cluster published on the loopback: `GET
 * http://127.0.0.1:<hostPort><path>`. Only 127.0.0.1 is ever contacted (never
 * a podman bridge address). Ready when the answer is 2xx within `timeoutMs`.
 */
export function probeReadiness(
  hostPort: number,
  path: string,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: hostPort,
        path: path.startsWith('/') ? path : `/${path}`,
        timeout: timeoutMs,
        agent: false,
        headers: { 'user-agent': 'slipway-release-daemon' },
      },
      res => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 300);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}
