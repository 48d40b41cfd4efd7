/* eslint-disable no-console */
/**
 * Benchmark of the delivery insights (not a test; issue 15's figures). Builds a config
 * repo with `git fast-import`: 300 services × 3 environments over one year, 100k
 * release commits with the release manager's own messages and trailers (each service
 * cycles dev → staging → prod; 5 % of prod releases are rolled back an hour later),
 * plus stored rollout failures; then times, on that repo:
 *
 * - DORA (90 days) for a team of 30 services: cold (a fresh service reads the whole
 *   history and the artifact specs), then warm (p50/p99 of 50 calls);
 * - the feed of the team since yesterday's end of day: p50/p99 of 100 calls;
 * - drift of the team: p50/p99 of 50 calls.
 *
 * Run: `node --require @backstage/cli-node/config/nodeTransform.cjs bench/insights.ts
 * [--commits 100000] [--services 300] [--team 30] [--repo <dir to keep/reuse>]`
 * (from packages/release-manager). Targets: DORA < 300 ms warm, < 3 s cold; feed < 100 ms.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/db/Database';
import { RepoReader } from '../src/git/RepoReader';
import { runGit } from '../src/git/exec';
import { IntentType } from '../src/http/types';
import { InsightsService } from '../src/service/insights/InsightsService';
import { releaseMessage } from '../src/service/releases/messages';
import { rangeStart } from '../src/http/routes/insightsSchemas';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '100000' },
    services: { type: 'string', default: '300' },
    team: { type: 'string', default: '30' },
    repo: { type: 'string' },
  },
});
const COMMITS = Number(values.commits);
const SERVICES = Number(values.services);
const TEAM = Number(values.team);
const ENVS = ['dev', 'staging', 'prod'];
const YEAR_MS = 365 * 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(initial: number) {
  let seed = initial;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const name = (i: number) => `svc-${String(i).padStart(3, '0')}`;

async function buildRepo(dir: string, now: number): Promise<number> {
  await runGit(['init', '-q', '--bare', '-b', 'master', dir]);
  const proc = spawn('git', ['fast-import', '--quiet'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
    // glibc's malloc gives memory back and takes it again on every commit (tens of
    // thousands of brk calls, 0.15 ms each on these VMs: 30 s for 2000 commits);
    // a large trim threshold makes it 0.7 s.
    env: {
      ...process.env,
      MALLOC_TOP_PAD_: '268435456',
      MALLOC_TRIM_THRESHOLD_: '1073741824',
    },
  });
  const done = new Promise<number>(r => proc.on('close', c => r(c ?? 1)));
  const rand = rng(15);
  const step = new Array(SERVICES).fill(0);
  const prodArtifact = new Array<string | undefined>(SERVICES);
  const start = now - YEAR_MS;
  const spacing = YEAR_MS / COMMITS;
  let buf: string[] = [];
  let size = 0;
  const write = async (s: string) => {
    buf.push(s);
    size += s.length;
    if (size > 4_000_000) {
      const chunk = buf.join('');
      buf = [];
      size = 0;
      if (!proc.stdin.write(chunk))
        await new Promise(r => proc.stdin.once('drain', r));
    }
  };
  let mark = 0;
  let rollbackNext:
    | { s: number; artifactId: string; previous: string }
    | undefined;
  for (let c = 0; c < COMMITS; c++) {
    const at = Math.floor(start + c * spacing);
    let s: number;
    let env: string;
    let artifactId: string;
    let intent: IntentType;
    let previous: string | undefined;
    if (rollbackNext) {
      ({ s, artifactId, previous } = rollbackNext);
      env = 'prod';
      intent = 'Rollback';
      rollbackNext = undefined;
    } else {
      s = Math.floor(rand() * SERVICES);
      const k = step[s]++;
      env = ENVS[k % 3];
      const n = Math.floor(k / 3);
      artifactId = `main-${n.toString(16).padStart(10, '0')}-${s
        .toString(16)
        .padStart(10, '0')}`;
      intent = env === 'dev' ? 'AutoRelease' : 'Promote';
      if (env === 'prod') {
        if (prodArtifact[s] && rand() < 0.05)
          rollbackNext = {
            s,
            artifactId: prodArtifact[s]!,
            previous: artifactId,
          };
        prodArtifact[s] = artifactId;
      }
    }
    const service = name(s);
    const spec = JSON.stringify({
      id: artifactId,
      service,
      application: {
        branch: 'main',
        sha: artifactId.slice(5, 15).padEnd(40, '0'),
        message: `change ${artifactId}`,
        authorName: 'Ada',
        committedAt: new Date(at - (1 + rand() * 47) * HOUR_MS).toISOString(),
      },
      ci: { start: new Date(at - HOUR_MS).toISOString() },
    });
    const msg = releaseMessage({
      service,
      environment: env,
      namespace: env,
      artifactId,
      intent: {
        type: intent,
        promote:
          intent === 'Promote'
            ? { fromEnvironment: ENVS[ENVS.indexOf(env) - 1] }
            : undefined,
        rollback: previous ? { previousArtifactId: previous } : undefined,
      },
      actor: { name: 'Bench', email: 'bench@example.com' },
    });
    const t = Math.floor(at / 1000);
    mark++;
    await write(
      `commit refs/heads/master\nmark :${mark}\ncommitter Bench <bench@example.com> ${t} +0000\n` +
        `data ${Buffer.byteLength(msg)}\n${msg}\n` +
        `M 100644 inline ${env}/releases/${env}/${service}/artifact.json\n` +
        `data ${Buffer.byteLength(spec)}\n${spec}\n\n`,
    );
  }
  proc.stdin.end(buf.join(''));
  const code = await done;
  if (code !== 0) throw new Error(`git fast-import failed (${code})`);
  return COMMITS;
}

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[
    Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  ];
}
async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, v];
}
async function series(n: number, fn: () => Promise<unknown>) {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push((await time(fn))[0]);
  return `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms`;
}

async function main() {
  const now = Date.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-insights-bench-'));
  const dir = values.repo ?? path.join(root, 'config.git');
  if (!fs.existsSync(path.join(dir, 'HEAD'))) {
    const [ms] = await time(() => buildRepo(dir, now));
    console.log(
      `built ${COMMITS} commits (${SERVICES} services × 3 envs, 1 year) in ${(
        ms / 1000
      ).toFixed(1)} s: ${dir}`,
    );
    await runGit(['commit-graph', 'write', '--reachable'], { cwd: dir });
  }
  const head = (await runGit(['rev-parse', 'master'], { cwd: dir })).trim();
  const count = (
    await runGit(['rev-list', '--count', head], { cwd: dir })
  ).trim();
  const db = await Database.open({
    client: 'better-sqlite3',
    connection: path.join(root, 'db.sqlite'),
  } as any);
  // Rollout failures: one in 20 prod releases of the team in the last 90 days (roughly).
  const rand = rng(7);
  const rows = [];
  for (let i = 0; i < 2000; i++) {
    rows.push({
      environment: 'prod',
      service: name(Math.floor(rand() * SERVICES)),
      artifact_id: null,
      kind: 'pod-error',
      payload: JSON.stringify({
        errors: [{ name: 'app', type: 'CrashLoopBackOff' }],
      }),
      created_at: new Date(now - rand() * 90 * 24 * HOUR_MS).toISOString(),
    });
  }
  for (let i = 0; i < rows.length; i += 200)
    await db.knex('rm_rollout_events').insert(rows.slice(i, i + 200));

  const reader = new RepoReader(dir);
  const repo = {
    head,
    workdir: dir,
    readFile: (rel: string, commit: string) => reader.readFile(rel, commit),
  };
  const envs = () => ENVS;
  const team = Array.from({ length: TEAM }, (_, i) =>
    name(i * Math.floor(SERVICES / TEAM)),
  );
  const dora = (svc: InsightsService) =>
    svc.dora({
      services: team,
      days: 90,
      failureWindowHours: 24,
      incidents: [],
    });

  console.log(
    `config repo: ${count} commits; team of ${team.length} services; Node ${
      process.version
    }, load ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
  const cold30 = new InsightsService(repo, db.knex, envs);
  const [cold30Ms] = await time(() =>
    cold30.dora({
      services: team,
      days: 30,
      failureWindowHours: 24,
      incidents: [],
    }),
  );
  console.log(
    `DORA 30 d, cold (history + artifact specs): ${cold30Ms.toFixed(
      0,
    )} ms  [target < 3000 ms]`,
  );
  const cold = new InsightsService(repo, db.knex, envs);
  const [coldMs, first] = await time(() => dora(cold));
  console.log(
    `DORA 90 d, cold (history + artifact specs): ${coldMs.toFixed(
      0,
    )} ms  [target < 3000 ms]`,
  );
  console.log(
    `  ${first.deploymentFrequency.deployments} prod releases, ${first.deploymentFrequency.perDay}/day (${first.deploymentFrequency.band}); ` +
      `lead time median ${first.leadTime.medianHours} h p90 ${first.leadTime.p90Hours} h; ` +
      `CFR ${first.changeFailureRate.rate} (${JSON.stringify(
        first.changeFailureRate.byCause,
      )}); ` +
      `restore median ${first.timeToRestore.medianHours} h`,
  );
  console.log(
    `DORA 90 d, warm: ${await series(50, () => dora(cold))}  [target < 300 ms]`,
  );
  const fresh = new InsightsService(repo, db.knex, envs);
  await fresh.warmUp();
  const [coldSpecs] = await time(() => dora(fresh));
  console.log(
    `DORA 90 d, history in memory, artifact specs cold: ${coldSpecs.toFixed(
      0,
    )} ms`,
  );
  const since = rangeStart('since-yesterday', now, 'UTC', 17);
  console.log(
    `feed since yesterday 17:00 UTC: ${await series(100, () =>
      cold.events({ services: team, since, limit: 500 }),
    )}  [target < 100 ms]`,
  );
  const sample = await cold.events({ services: team, since, limit: 500 });
  console.log(`  ${sample.events.length} events`);
  console.log(
    `feed 7 days: ${await series(50, () =>
      cold.events({
        services: team,
        since: now - 7 * 24 * HOUR_MS,
        limit: 5000,
      }),
    )}`,
  );
  console.log(
    `drift: ${await series(50, () => cold.drift({ services: team }))}`,
  );
  reader.close();
  await db.close();
  if (!values.repo) fs.rmSync(root, { recursive: true, force: true });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
