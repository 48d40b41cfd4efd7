import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads a container's cumulative CPU time from its cgroup, the data `podman
 * stats` itself reads, without a podman process: cgroup v1
 * `<root>/cpuacct/<cgroupPath>/cpuacct.usage` (nanoseconds), else cgroup v2
 * `<root>/<cgroupPath>/cpu.stat` or `<root>/unified/<cgroupPath>/cpu.stat`
 * (`usage_usec`). `cgroupPath` is `podman inspect`'s `State.CgroupPath`, e.g.
 * `/libpod_parent/<pod id>/libpod-<container id>`.
 * @returns CPU seconds, or undefined when no file is readable
 */
export function readCgroupCpuSeconds(
  cgroupPath: string,
  root = '/sys/fs/cgroup',
): number | undefined {
  const rel = cgroupPath.replace(/^\/+/, '');
  if (!rel || rel.split('/').includes('..')) return undefined;
  try {
    const ns = fs.readFileSync(
      path.join(root, 'cpuacct', rel, 'cpuacct.usage'),
      'utf8',
    );
    const n = Number(ns.trim());
    if (Number.isFinite(n)) return n / 1e9;
  } catch {
    // not cgroup v1
  }
  for (const dir of [path.join(root, rel), path.join(root, 'unified', rel)]) {
    try {
      const stat = fs.readFileSync(path.join(dir, 'cpu.stat'), 'utf8');
      const m = /^usage_usec (\d+)$/m.exec(stat);
      if (m) return Number(m[1]) / 1e6;
    } catch {
      // try the next layout
    }
  }
  return undefined;
}
