/* eslint-disable no-console */
/**
 * Measures the example fleet at rest: memory (RSS and PSS) and CPU of every process the
 * fleet's pods run (workload, pod infra container, conmon) and of the load generator,
 * over a window of steady load.
 *
 *   node --require @backstage/cli-node/config/nodeTransform.cjs scripts/measure.ts \
 *     [--mode cluster|kube-play] [--seconds 60] [--settle 20]
 *
 * - `cluster` (default): the pods the local cluster runs (labels
 *   slipway.dev/managed-by=local-cluster, slipway.dev/cluster=$LOCAL_CLUSTER_NAME or
 *   `local`) and the load generator already running
 *   (`slipway-example-fleet load`, found by its command line).
 * - `kube-play`: without the local cluster. Reads what each environment runs from the
 *   config repo ($SLIPWAY_DATA/release-manager/config-repo.git), turns every replica of
 *   every Deployment into one Pod with its container port published on 127.0.0.1
 *   (ports 29000+), runs them with `podman kube play`, writes a file_sd file for them,
 *   starts `slipway-example-fleet load` on it, measures, and removes everything again.
 *
 * Sources: /proc/<pid>/stat (utime+stime, clock ticks), /proc/<pid>/status (VmRSS),
 * /proc/<pid>/smaps_rollup (Pss); pids from `podman inspect` (State.Pid, State.ConmonPid).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'cluster' },
    seconds: { type: 'string', default: '60' },
    settle: { type: 'string', default: '20' },
  },
});
const data =
  process.env.SLIPWAY_DATA ?? path.resolve(__dirname, '../../../.data');
const env = {
  ...process.env,
  CONTAINERS_CONF:
    process.env.CONTAINERS_CONF ?? path.join(data, 'podman', 'containers.conf'),
};
const podman = (...args: string[]) =>
  execFileSync('podman', args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

interface Sample {
  ticks: number;
  rssKiB: number;
  pssKiB: number;
}
function sample(pid: number): Sample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    let pssKiB = rssKiB;
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pssKiB = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? rssKiB);
    } catch {
      // no smaps_rollup: count RSS
    }
    return { ticks, rssKiB, pssKiB };
  } catch {
    return undefined;
  }
}

/** Containers (with their pod's infra container) of the pods whose name starts with `podPrefix`, or, for the local cluster, whose containers carry `slipway.dev/cluster=<cluster>`. */
function podPids(select: { podPrefix?: string; cluster?: string }) {
  const listed = JSON.parse(
    podman('ps', '--pod', '--format', 'json'),
  ) as Array<{
    Id: string;
    Pod?: string;
    PodName?: string;
    Labels?: Record<string, string>;
  }>;
  const pods = new Set(
    listed
      .filter(c =>
        select.cluster
          ? c.Labels?.['slipway.dev/managed-by'] === 'local-cluster' &&
            c.Labels?.['slipway.dev/cluster'] === select.cluster
          : c.PodName?.startsWith(select.podPrefix ?? ''),
      )
      .map(c => c.Pod),
  );
  const ids = listed.filter(c => c.Pod && pods.has(c.Pod)).map(c => c.Id);
  if (!ids.length) return { workload: [], infra: [], conmon: [], pods: 0 };
  const inspected = JSON.parse(podman('inspect', ...ids)) as Array<{
    State: { Pid: number; ConmonPid: number };
    IsInfra: boolean;
    Pod: string;
  }>;
  const groups = {
    workload: [] as number[],
    infra: [] as number[],
    conmon: [] as number[],
  };
  for (const c of inspected) {
    if (c.State.Pid)
      (c.IsInfra ? groups.infra : groups.workload).push(c.State.Pid);
    if (c.State.ConmonPid) groups.conmon.push(c.State.ConmonPid);
  }
  return { ...groups, pods: new Set(inspected.map(c => c.Pod)).size };
}

function kubePlayManifests(dir: string) {
  const repo = path.join(dir, 'config-repo');
  execFileSync('git', [
    'clone',
    '-q',
    path.join(data, 'release-manager', 'config-repo.git'),
    repo,
  ]);
  const docs: string[] = [];
  const sd: Array<{ targets: string[]; labels: Record<string, string> }> = [];
  let port = 29000;
  for (const envName of ['dev', 'staging', 'prod']) {
    const base = path.join(repo, envName, 'releases');
    if (!fs.existsSync(base)) continue;
    for (const ns of fs.readdirSync(base)) {
      for (const svc of fs.readdirSync(path.join(base, ns))) {
        const file = path.join(base, ns, svc, '40-deployment.yaml');
        if (!fs.existsSync(file)) continue;
        for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
          const d = doc.toJS();
          if (d?.kind !== 'Deployment') continue;
          for (let i = 0; i < (d.spec.replicas ?? 1); i++) {
            const name = `fleetm-${envName}-${svc}-${i}`;
            const spec = structuredClone(d.spec.template.spec);
            for (const c of spec.containers) {
              for (const p of c.ports ?? []) {
                p.hostIP = '127.0.0.1';
                p.hostPort = port;
              }
            }
            sd.push({
              targets: [`127.0.0.1:${port}`],
              labels: {
                service: svc,
                environment: envName,
                namespace: ns,
                pod: name,
              },
            });
            port++;
            docs.push(
              stringify({
                apiVersion: 'v1',
                kind: 'Pod',
                metadata: {
                  name,
                  labels: { 'slipway.dev/measure': 'example-fleet' },
                },
                spec: { ...spec, restartPolicy: 'Always' },
              }),
            );
          }
        }
      }
    }
  }
  const yamlFile = path.join(dir, 'fleet-pods.yaml');
  fs.writeFileSync(yamlFile, docs.join('---\n'));
  const sdFile = path.join(dir, 'pods.json');
  fs.writeFileSync(sdFile, JSON.stringify(sd));
  return { yamlFile, sdFile, pods: docs.length };
}

async function main() {
  const seconds = Number(values.seconds);
  const settle = Number(values.settle);
  let cleanup = async () => {};
  let loadPid: number | undefined;
  // The local cluster labels every container with its cluster name (default `local`).
  let select: { podPrefix?: string; cluster?: string } = {
    cluster: process.env.LOCAL_CLUSTER_NAME || 'local',
  };
  if (values.mode === 'kube-play') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-measure-'));
    const { yamlFile, sdFile, pods } = kubePlayManifests(dir);
    console.log(`kube play: ${pods} pods from the config repo`);
    const t0 = Date.now();
    podman('kube', 'play', yamlFile);
    console.log(
      `kube play: started in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    select = { podPrefix: 'fleetm-' };
    const load = spawn(
      process.execPath,
      [
        path.resolve(__dirname, '../bin/slipway-example-fleet'),
        'load',
        '--targets',
        sdFile,
      ],
      { stdio: 'inherit', env },
    );
    loadPid = load.pid;
    cleanup = async () => {
      load.kill('SIGTERM');
      podman('kube', 'down', yamlFile);
    };
  } else {
    const found = execFileSync('pgrep', ['-f', 'slipway-example-fleet load'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .map(Number)
      .filter(p => p !== process.pid);
    loadPid = found[0];
  }
  try {
    console.log(`settling ${settle} s under load`);
    await sleep(settle * 1000);
    const pids = podPids(select);
    const groups: Record<string, number[]> = {
      workload: pids.workload,
      'pod infra': pids.infra,
      conmon: pids.conmon,
      'load generator': loadPid ? [loadPid] : [],
    };
    const before = new Map<number, Sample>();
    for (const list of Object.values(groups))
      for (const p of list) {
        const s = sample(p);
        if (s) before.set(p, s);
      }
    const load0 = os.loadavg();
    await sleep(seconds * 1000);
    console.log(
      `\n${pids.pods} pods; window ${seconds} s; load average before ${load0
        .map(l => l.toFixed(2))
        .join(' ')}, after ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      'group            processes   RSS MiB   PSS MiB   CPU % of one core',
    );
    let total = { rss: 0, pss: 0, cpu: 0 };
    for (const [name, list] of Object.entries(groups)) {
      let rss = 0;
      let pss = 0;
      let ticks = 0;
      let n = 0;
      for (const p of list) {
        const a = before.get(p);
        const b = sample(p);
        if (!a || !b) continue;
        n++;
        rss += b.rssKiB;
        pss += b.pssKiB;
        ticks += b.ticks - a.ticks;
      }
      const cpu = (100 * ticks) / TICK / seconds;
      total = {
        rss: total.rss + rss,
        pss: total.pss + pss,
        cpu: total.cpu + cpu,
      };
      console.log(
        `${name.padEnd(16)} ${String(n).padStart(9)} ${(rss / 1024)
          .toFixed(1)
          .padStart(9)} ${(pss / 1024).toFixed(1).padStart(9)} ${cpu
          .toFixed(1)
          .padStart(10)}`,
      );
    }
    console.log(
      `${'total'.padEnd(16)} ${''.padStart(9)} ${(total.rss / 1024)
        .toFixed(1)
        .padStart(9)} ${(total.pss / 1024).toFixed(1).padStart(9)} ${total.cpu
        .toFixed(1)
        .padStart(10)}`,
    );
  } finally {
    await cleanup();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
