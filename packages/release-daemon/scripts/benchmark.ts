/* eslint-disable no-console */
/**
 * Measures the release daemon on real podman pods: the time from a pod
 * answering its readiness path to the deploy webhook reaching the release
 * manager (p50 and max of 5 rollouts), the daemon's RSS with those pods, its
 * CPU use while idle, and the cost of one /metrics scrape.
 *
 *   yarn workspace @slipway/release-daemon benchmark
 *
 * Runs the real bin (`bin/slipway-release-daemon serve`, podman backend) in a
 * child process against a stand-in release manager that records the posts.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startFakeReleaseManager } from '../src/__testUtils__/fakeReleaseManager';
import {
  buildWorkloadImage,
  freePort,
  podManifest,
  podmanEnv,
} from '../src/__testUtils__/podman';

const RUNS = 5;

function get(port: number, p: string): Promise<number> {
  return new Promise(resolve => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent: false }, res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

async function until<T>(
  f: () => Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

/** [own, children] CPU ticks (1/100 s): utime+stime, cutime+cstime (/proc/<pid>/stat fields 14-17). */
function cpuTicks(pid: number): [number, number] {
  const f = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return [Number(f[11]) + Number(f[12]), Number(f[13]) + Number(f[14])];
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(
    fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return Math.round(Number(m![1]) / 1024);
}

async function main() {
  const env = podmanEnv();
  const cluster = `bench${Date.now().toString(36)}`;
  const image = buildWorkloadImage(args => env.run(args), env.dir);
  const rm = await startFakeReleaseManager();
  const port = await freePort();
  const pods: string[] = [];
  let daemon: ChildProcess | undefined;
  try {
    daemon = spawn(
      process.execPath,
      [path.join(__dirname, '../bin/slipway-release-daemon'), 'serve'],
      {
        env: {
          ...process.env,
          RELEASE_MANAGER_URL: rm.url,
          RELEASE_MANAGER_DAEMON_TOKEN: 'bench',
          RELEASE_DAEMON_PORT: String(port),
          RELEASE_DAEMON_HOST: '127.0.0.1',
          RELEASE_DAEMON_PODMAN_CLUSTER: cluster,
          CONTAINERS_CONF: env.conf,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await until(
      async () => ((await get(port, '/healthz')) === 200 ? true : undefined),
      60_000,
      'the daemon',
    );
    const latencies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const service = `bench-${i}`;
      const name = `${cluster}-${service}-0`;
      const hostPort = await freePort();
      pods.push(name);
      env.run(
        ['kube', 'play', '-'],
        podManifest({
          name,
          cluster,
          environment: 'staging',
          namespace: 'bench',
          service,
          artifactId: `main-${i}`,
          generation: 'g1',
          replicas: 1,
          replica: 0,
          hostPort,
          image,
          cpuLimit: '100m',
        }),
      );
      const readyAt = await until(
        async () =>
          (await get(hostPort, '/readyz')) === 200 ? Date.now() : undefined,
        60_000,
        `${name} ready`,
      );
      const post = await rm.waitFor(
        p => p.body?.name === service && p.body?.phase === 'complete',
        30_000,
      );
      latencies.push(post.receivedAt - readyAt);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `ready -> deploy webhook (ms), ${RUNS} runs: ${latencies.join(
        ', ',
      )}; p50 ${latencies[Math.floor(RUNS / 2)]}`,
    );

    await new Promise(r => setTimeout(r, 15_000));
    const pid = daemon.pid!;
    const before = cpuTicks(pid);
    const t0 = Date.now();
    await new Promise(r => setTimeout(r, 30_000));
    const after = cpuTicks(pid);
    const seconds = (Date.now() - t0) / 1000;
    const pct = (i: 0 | 1) =>
      (((after[i] - before[i]) / 100 / seconds) * 100).toFixed(1);
    console.log(`daemon RSS with ${RUNS} pods: ${rssMiB(pid)} MiB`);
    console.log(
      `daemon CPU while idle: ${pct(0)} % of one core in node, ${pct(
        1,
      )} % in podman children (ps every 30 s, inspect)`,
    );
    const s0 = Date.now();
    await get(port, '/metrics');
    const s1 = Date.now();
    await get(port, '/metrics');
    console.log(`/metrics scrape: ${s1 - s0} ms, then ${Date.now() - s1} ms`);
  } finally {
    daemon?.kill('SIGTERM');
    for (const name of pods) {
      try {
        env.run(['pod', 'rm', '-f', '-t', '0', name]);
      } catch {
        // gone
      }
    }
    await rm.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
