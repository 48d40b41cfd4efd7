/* eslint-disable no-console */
/**
 * Benchmark of the release manager (not a test): builds a config repo with
 * 300 services x 3 environments and at least 10,000 commits (through
 * `git fast-import`), starts the server in a child process on it, and prints:
 *
 * - release latency p50/p99 (sequential releases);
 * - releases per second and latency under concurrency;
 * - `GET /status` p50/p99 at a steady request rate, idle and during releases;
 * - raw git on the same repo, in the same run: `git add` + `git commit` + `git push` of
 *   the same three files a release writes (from a non-bare clone, to a side branch so
 *   the server is not disturbed), and the ratio release p50 / raw git p50.
 *
 * Run: `yarn workspace @slipway/release-manager benchmark [--services 300] [--commits 10000]`
 * Targets (issue 10), 10k commits: release p50 <= 2x raw git p50; >= 100 releases/s
 * under 20 clients; `GET /status` p99 < 15 ms during the concurrent releases.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ReleaseManagerClient,
  ReleaseManagerUnavailableError,
} from '@slipway/plugin-release-manager-common';
import { ArtifactSpec } from '../src/http/types';
import { releaseMessage } from '../src/service/ReleaseManager';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '300' },
    commits: { type: 'string', default: '10000' },
    'sequential-releases': { type: 'string', default: '100' },
    'concurrent-releases': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '20' },
    'status-rate': { type: 'string', default: '50' },
    'status-seconds': { type: 'string', default: '10' },
    'raw-git-commits': { type: 'string', default: '100' },
    keep: { type: 'boolean', default: false },
  },
});
const SERVICES = Number(values.services);
const COMMITS = Number(values.commits);
const ENVS = ['dev', 'staging', 'prod'];
const ARTIFACTS_PER_SERVICE = 4;
const TOKEN = 'bench-token';
const PORT = 7190 + Math.floor(Math.random() * 9);

const ms = (ns: bigint) => Number(ns) / 1e6;
function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[
    Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  ];
}
function summary(xs: number[]) {
  const p50 = pct(xs, 50).toFixed(1);
  const p99 = pct(xs, 99).toFixed(1);
  const max = Math.max(...xs).toFixed(1);
  return `p50 ${p50} ms, p99 ${p99} ms, max ${max} ms (n=${xs.length})`;
}

const svcName = (i: number) => `svc-${String(i).padStart(3, '0')}`;
const nsOf = (i: number) => `team-${i % 12}`;
const artifactId = (i: number, n: number) =>
  `main-${(i * 7919 + n).toString(16).padStart(10, '0')}-${(n * 104729)
    .toString(16)
    .padStart(10, '0')}`;

function spec(i: number, n: number): ArtifactSpec {
  return {
    id: artifactId(i, n),
    service: svcName(i),
    namespace: nsOf(i),
    squad: nsOf(i),
    application: {
      branch: 'main',
      sha: `${(i * 7919 + n).toString(16).padStart(10, '0')}${'0'.repeat(30)}`,
      authorName: 'Bench Author',
      authorEmail: 'bench@example.com',
      committerName: 'Bench Author',
      committerEmail: 'bench@example.com',
      message: `Change ${n} of ${svcName(i)}`,
      name: svcName(i),
      url: `https://github.com/example/${svcName(i)}`,
    },
    ci: {
      jobUrl: `https://ci.example.com/${svcName(i)}/${n}`,
      start: '2026-11-20T10:00:00Z',
      end: '2026-11-20T10:05:00Z',
    },
    stages: [
      {
        id: 'snyk-code',
        data: { vulnerabilities: { high: 0, medium: 1, low: 2 } },
      },
    ],
  };
}

function manifest(i: number, n: number, env: string) {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${svcName(
    i,
  )}\n  namespace: ${nsOf(i)}\nspec:\n  replicas: ${
    env === 'prod' ? 3 : 1
  }\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/${svcName(
    i,
  )}:${artifactId(i, n)}\n`;
}

/** Writes the artifact store folder directly in the DirectoryArtifactStore layout. */
function buildArtifacts(dir: string) {
  let t = Date.parse('2026-11-01T00:00:00Z');
  for (let i = 0; i < SERVICES; i++) {
    for (let n = 0; n < ARTIFACTS_PER_SERVICE; n++) {
      const s = spec(i, n);
      const d = path.join(dir, s.service, s.id);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(
        path.join(d, 'artifact.json'),
        JSON.stringify(s, null, 2),
      );
      fs.writeFileSync(
        path.join(d, 'meta.json'),
        JSON.stringify({ createdAt: new Date((t += 1000)).toISOString() }),
      );
      for (const env of ENVS) {
        fs.mkdirSync(path.join(d, 'manifests', env), { recursive: true });
        fs.writeFileSync(
          path.join(d, 'manifests', env, '40-deployment.yaml'),
          manifest(i, n, env),
        );
      }
    }
  }
}

/** Builds the bare config repo with COMMITS release commits through one `git fast-import` stream. */
function buildRepo(bare: string) {
  execFileSync('git', ['init', '--bare', '-q', '-b', 'main', bare]);
  // As the release manager configures the bare repo it creates (see ConfigRepo.init).
  for (const [k, v] of [
    ['receive.autogc', 'false'],
    ['transfer.unpackLimit', '1'],
    ['gc.auto', '0'],
  ]) {
    execFileSync('git', ['config', k, v], { cwd: bare });
  }
  const proc = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: bare,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const chunks: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  let time = Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000);
  const write = (s: string) => {
    chunks.push(s);
    if (chunks.length > 500) proc.stdin.write(chunks.splice(0).join(''));
  };
  write(
    `commit refs/heads/main\nmark :1\ncommitter Slipway Release Manager <rm@example.com> ${time} +0000\n${data(
      'Initialize config repository\n',
    )}M 100644 inline README.md\n${data('# Config repository\n')}\n`,
  );
  for (let c = 0; c < COMMITS; c++) {
    const i = c % SERVICES;
    const env = ENVS[Math.floor(c / SERVICES) % ENVS.length];
    const n = Math.floor(c / (SERVICES * ENVS.length)) % ARTIFACTS_PER_SERVICE;
    const s = spec(i, n);
    const dir = `${env}/releases/${nsOf(i)}/${s.service}`;
    const msg = releaseMessage({
      service: s.service,
      environment: env,
      namespace: nsOf(i),
      artifactId: s.id,
      intent: { type: 'ReleaseArtifact' },
      actor: { name: 'Bench Author', email: 'bench@example.com' },
    });
    time += 60;
    write(
      `commit refs/heads/main\nauthor Bench Author <bench@example.com> ${time} +0000\ncommitter Slipway Release Manager <rm@example.com> ${time} +0000\n${data(
        msg,
      )}` +
        `M 100644 inline ${dir}/40-deployment.yaml\n${data(
          manifest(i, n, env),
        )}` +
        `M 100644 inline ${dir}/artifact.json\n${data(
          `${JSON.stringify(s, null, 2)}\n`,
        )}` +
        `M 100644 inline ${dir}/kustomization.yaml\n${data(
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - 40-deployment.yaml\n',
        )}\n`,
    );
  }
  write('done\n');
  proc.stdin.end(chunks.join(''));
  return new Promise<void>((resolve, reject) =>
    proc.on('exit', code =>
      code === 0 ? resolve() : reject(new Error(`fast-import ${code}`)),
    ),
  );
}

/**
 * Times `git add` + `git commit` + `git push` in a non-bare clone of `bare`, `n` times,
 * each writing the three files of a release (manifest, artifact.json, kustomization)
 * of one service. Pushes go to the side branch `bench-raw` (created from `main`), so
 * the running server, which writes `main`, does not see them.
 * @returns the latency of each add + commit + push, in milliseconds
 */
function rawGit(bare: string, clone: string, n: number): number[] {
  execFileSync('git', ['clone', '-q', bare, clone]);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: clone,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  git('config', 'user.name', 'Bench Raw');
  git('config', 'user.email', 'raw@example.com');
  git('checkout', '-q', '-b', 'bench-raw');
  git('push', '-q', 'origin', 'bench-raw');
  const lat: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = (k * 37) % SERVICES;
    const a = 1 + (k % (ARTIFACTS_PER_SERVICE - 1));
    const s = spec(i, a);
    const rel = `dev/releases/${nsOf(i)}/${s.service}`;
    const dir = path.join(clone, rel);
    const r0 = process.hrtime.bigint();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, '40-deployment.yaml'),
      manifest(i, a, 'dev'),
    );
    fs.writeFileSync(
      path.join(dir, 'artifact.json'),
      `${JSON.stringify({ ...s, id: `${s.id}-${k}` }, null, 2)}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - 40-deployment.yaml\n',
    );
    git('add', '--', rel);
    git('commit', '-q', '-m', `[dev/${s.service}] raw ${k}`);
    git('push', '-q', 'origin', 'bench-raw');
    lat.push(ms(process.hrtime.bigint() - r0));
  }
  return lat;
}

/** Connection errors (not HTTP errors) retried by {@link retrying}; reported at the end. */
let connectionRetries = 0;

/**
 * Runs a request, retrying it (up to 3 times) when the connection failed before an
 * answer (EPIPE or ECONNRESET on a kept-alive socket the server closed, which a loaded
 * machine makes more likely). HTTP errors and timeouts are not retried.
 */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const connectionFailed =
        error instanceof ReleaseManagerUnavailableError &&
        !/no answer within|not JSON/.test(error.message);
      if (attempt >= 3 || !connectionFailed) throw error;
      connectionRetries++;
    }
  }
}

async function waitFor(url: string, seconds: number) {
  for (let i = 0; i < seconds * 10; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-bench-'));
  const bare = path.join(dir, 'config-repo.git');
  console.log(
    `benchmark: ${SERVICES} services x ${ENVS.length} environments, ${COMMITS} commits, in ${dir}`,
  );
  let t = process.hrtime.bigint();
  buildArtifacts(path.join(dir, 'artifacts'));
  await buildRepo(bare);
  const commitCount = Number(
    execFileSync('git', ['rev-list', '--count', 'main'], {
      cwd: bare,
      encoding: 'utf8',
    }).trim(),
  );
  console.log(
    `built config repo (${commitCount} commits) and ${
      SERVICES * ARTIFACTS_PER_SERVICE
    } artifacts in ${(ms(process.hrtime.bigint() - t) / 1000).toFixed(1)} s`,
  );

  // A server left on the port (say, by a crashed run) would be measured instead.
  if (await fetch(`http://127.0.0.1:${PORT}/healthz`).catch(() => undefined)) {
    throw new Error(`port ${PORT} is taken by another server; stop it first`);
  }
  t = process.hrtime.bigint();
  const server = spawn(
    process.execPath,
    [path.resolve(__dirname, '../bin/slipway-release-manager'), 'serve'],
    {
      env: {
        ...process.env,
        RELEASE_MANAGER_DATA_DIR: dir,
        RELEASE_MANAGER_PORT: String(PORT),
        RELEASE_MANAGER_HOST: '127.0.0.1',
        RELEASE_MANAGER_TOKEN: TOKEN,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  // Never leave the server behind, also when the run dies of an unhandled rejection.
  process.once('exit', () => server.kill('SIGTERM'));
  const base = `http://127.0.0.1:${PORT}`;
  const client = new ReleaseManagerClient({
    baseUrl: base,
    token: TOKEN,
    timeoutMs: 120_000,
  });
  const results: Record<string, string> = {};
  try {
    await waitFor(`${base}/healthz`, 120);
    console.log(
      `server up (clone + commit-graph) in ${(
        ms(process.hrtime.bigint() - t) / 1000
      ).toFixed(1)} s`,
    );
    // Warm up.
    await client.status(svcName(0));

    // 1. Sequential release latency: each release changes the artifact, so each is a commit.
    const seq: number[] = [];
    const nSeq = Number(values['sequential-releases']);
    for (let k = 0; k < nSeq; k++) {
      const i = (k * 37) % SERVICES;
      const r0 = process.hrtime.bigint();
      const res = await retrying(() =>
        client.release({
          service: svcName(i),
          environment: 'dev',
          artifactId: artifactId(
            i,
            (k + 1) % ARTIFACTS_PER_SERVICE === 0
              ? 1
              : (k + 1) % ARTIFACTS_PER_SERVICE,
          ),
          committerName: 'Bench',
          committerEmail: 'bench@example.com',
          intent: { type: 'ReleaseArtifact' },
        }),
      );
      seq.push(ms(process.hrtime.bigint() - r0));
      if (!res.commit && res.status !== 'Environment is already up-to-date')
        throw new Error('release failed');
    }
    results['release latency (sequential)'] = summary(seq);
    console.log(`release latency, sequential: ${summary(seq)}`);

    // 1b. Raw git on the same repo, right after: add + commit + push per change.
    const raw = rawGit(
      bare,
      path.join(dir, 'raw-clone'),
      Number(values['raw-git-commits']),
    );
    const ratio = pct(seq, 50) / pct(raw, 50);
    results['raw git add + commit + push (sequential)'] = summary(raw);
    results['release p50 / raw git p50'] = `${ratio.toFixed(2)}x`;
    console.log(`raw git add + commit + push: ${summary(raw)}`);
    console.log(`release p50 / raw git p50: ${ratio.toFixed(2)}x`);

    // 2. Status at a steady rate, idle.
    const statusRun = async (label: string) => {
      const rate = Number(values['status-rate']);
      const total = rate * Number(values['status-seconds']);
      const lat: number[] = [];
      const pending: Array<Promise<void>> = [];
      const startAt = Date.now();
      for (let k = 0; k < total; k++) {
        const due = startAt + (k * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise(r => setTimeout(r, wait));
        const i = (k * 13) % SERVICES;
        pending.push(
          (async () => {
            const r0 = process.hrtime.bigint();
            const st = await retrying(() => client.status(svcName(i)));
            lat.push(ms(process.hrtime.bigint() - r0));
            if (!st.environments.length) throw new Error('bad status');
          })(),
        );
      }
      await Promise.all(pending);
      results[`GET /status at ${rate}/s (${label})`] = summary(lat);
      console.log(`GET /status at ${rate}/s, ${label}: ${summary(lat)}`);
    };
    // A short unmeasured run warms up both processes (JIT, connections).
    const warm = values['status-seconds'];
    values['status-seconds'] = '2';
    await statusRun('warm-up');
    delete results[`GET /status at ${values['status-rate']}/s (warm-up)`];
    values['status-seconds'] = warm;
    await statusRun('idle');

    // 3. Concurrent releases: throughput and latency, with status load at the same time.
    const nConc = Number(values['concurrent-releases']);
    const conc = Number(values.concurrency);
    const lat: number[] = [];
    let next = 0;
    let commits = 0;
    const t0 = process.hrtime.bigint();
    const statusDuring = statusRun('during concurrent releases');
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < nConc) {
          const k = next++;
          const i = (k * 53) % SERVICES;
          const env = ENVS[k % 2];
          const r0 = process.hrtime.bigint();
          const res = await retrying(() =>
            client.release({
              service: svcName(i),
              environment: env,
              artifactId: artifactId(i, 2 + (k % 2)),
              committerName: 'Bench',
              committerEmail: 'bench@example.com',
              intent: { type: 'ReleaseArtifact' },
            }),
          );
          lat.push(ms(process.hrtime.bigint() - r0));
          if (res.commit) commits++;
        }
      }),
    );
    const seconds = ms(process.hrtime.bigint() - t0) / 1000;
    results[`releases under concurrency ${conc}`] = `${(
      nConc / seconds
    ).toFixed(1)} releases/s (${commits} commits in ${seconds.toFixed(
      1,
    )} s); latency ${summary(lat)}`;
    console.log(
      `releases, concurrency ${conc}: ${(nConc / seconds).toFixed(
        1,
      )}/s (${commits} commits in ${seconds.toFixed(1)} s), latency ${summary(
        lat,
      )}`,
    );
    await statusDuring;

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const retries = /release_manager_git_push_retries_total (\d+)/.exec(
      metrics,
    )?.[1];
    const total = execFileSync('git', ['rev-list', '--count', 'main'], {
      cwd: bare,
      encoding: 'utf8',
    }).trim();
    console.log(
      `config repo now has ${total} commits; push retries ${retries}; connection retries ${connectionRetries}`,
    );
    console.log('\n| measure | result |\n| --- | --- |');
    for (const [k, v] of Object.entries(results))
      console.log(`| ${k} | ${v} |`);
    console.log(
      `\nmachine: ${os.cpus().length} cores (${
        os.cpus()[0]?.model
      }), load average ${os
        .loadavg()
        .map(x => x.toFixed(2))
        .join(' ')}, node ${process.version}, ${execFileSync(
        'git',
        ['--version'],
        { encoding: 'utf8' },
      ).trim()}`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise(r => server.on('exit', r));
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
