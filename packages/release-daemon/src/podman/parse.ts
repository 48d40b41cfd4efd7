/**
 * Parsers for podman 4.x JSON output (`podman ps -a --pod --format json`,
 * `podman inspect --format json`, `podman events --format json`,
 * `podman stats --no-stream --format json`, `podman logs -t`). Field names are
 * podman's (libpod `entities.ListContainer`, `define.InspectContainerData`,
 * `events.Event`, `define.ContainerStats` as printed by the CLI).
 */

/** Labels the local cluster puts on every pod and container (docs: notes/LOOP-CONTRACT.md). */
export const LABEL = {
  managedBy: 'slipway.dev/managed-by',
  cluster: 'slipway.dev/cluster',
  environment: 'slipway.dev/environment',
  namespace: 'slipway.dev/namespace',
  service: 'slipway.dev/service',
  deployment: 'slipway.dev/deployment',
  artifactId: 'slipway.dev/artifact-id',
  replicas: 'slipway.dev/replicas',
  replica: 'slipway.dev/replica',
  hostPort: 'slipway.dev/host-port',
  readinessPath: 'slipway.dev/readiness-path',
  generation: 'slipway.dev/generation',
  authorEmail: 'slipway.dev/author-email',
} as const;

/** One container as `podman ps -a --pod --format json` prints it (fields used here). */
export interface PsContainer {
  /** Full container id. */
  id: string;
  /** Container name, e.g. `slw-staging-payments-ledger-0-ledger`. */
  name: string;
  /** Pod id, '' when not in a pod. */
  podId: string;
  /** Pod name (with `--pod`), e.g. `slw-staging-payments-ledger-0`. */
  podName: string;
  /** The pause container of a pod. */
  isInfra: boolean;
  /** `created`, `running`, `exited`, `stopped`, `paused`, ... */
  state: string;
  exitCode: number;
  /** Unix seconds. */
  created: number;
  image: string;
  labels: Record<string, string>;
}

function obj(v: unknown): Record<string, any> {
  return v && typeof v === 'object' ? (v as Record<string, any>) : {};
}

/** Parses `podman ps -a --pod --format json` output (a JSON array; `null` when empty). */
export function parsePs(text: string): PsContainer[] {
  const data = JSON.parse(text.trim() || '[]');
  if (!Array.isArray(data)) return [];
  return data.map(raw => {
    const c = obj(raw);
    return {
      id: String(c.Id ?? ''),
      name: String((Array.isArray(c.Names) ? c.Names[0] : c.Names) ?? ''),
      podId: String(c.Pod ?? ''),
      podName: String(c.PodName ?? ''),
      isInfra: c.IsInfra === true,
      state: String(c.State ?? '').toLowerCase(),
      exitCode: Number(c.ExitCode ?? 0),
      created: Number(c.Created ?? 0),
      image: String(c.Image ?? ''),
      labels: Object.fromEntries(
        Object.entries(obj(c.Labels)).map(([k, v]) => [k, String(v)]),
      ),
    };
  });
}

/** What `podman inspect` adds to `ps` (fields used here). */
export interface InspectedContainer {
  id: string;
  restartCount: number;
  /** `always`, `on-failure`, `no` or '' (podman's default: no restart). */
  restartPolicy: string;
  /** CPU limit in cores (`NanoCpus / 1e9`, else `CpuQuota / CpuPeriod`), undefined when unlimited. */
  cpuLimitCores?: number;
  status: string;
  exitCode: number;
  /** Epoch ms of the last run's end (undefined when it never ended). */
  finishedAt?: number;
  oomKilled: boolean;
  /** `State.CgroupPath`, e.g. `/libpod_parent/<pod id>/libpod-<id>` ('' when unknown). */
  cgroupPath: string;
}

function epochMs(s: unknown): number | undefined {
  if (typeof s !== 'string' || s.startsWith('0001-')) return undefined;
  // podman prints RFC 3339 with nanoseconds; Date keeps milliseconds.
  const t = Date.parse(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(t) ? undefined : t;
}

/** Parses `podman inspect --type container --format json <ids…>` output. */
export function parseInspect(text: string): InspectedContainer[] {
  const data = JSON.parse(text.trim() || '[]');
  if (!Array.isArray(data)) return [];
  return data.map(raw => {
    const c = obj(raw);
    const host = obj(c.HostConfig);
    const state = obj(c.State);
    const nano = Number(host.NanoCpus ?? 0);
    const quota = Number(host.CpuQuota ?? 0);
    const period = Number(host.CpuPeriod ?? 0);
    let cpuLimitCores: number | undefined;
    if (nano > 0) cpuLimitCores = nano / 1e9;
    else if (quota > 0 && period > 0) cpuLimitCores = quota / period;
    return {
      id: String(c.Id ?? ''),
      restartCount: Number(c.RestartCount ?? 0),
      restartPolicy: String(obj(host.RestartPolicy).Name ?? ''),
      cpuLimitCores,
      status: String(state.Status ?? '').toLowerCase(),
      exitCode: Number(state.ExitCode ?? 0),
      finishedAt: epochMs(state.FinishedAt),
      oomKilled: state.OOMKilled === true,
      cgroupPath: String(state.CgroupPath ?? ''),
    };
  });
}

/** One line of `podman events --format json`. */
export interface PodmanEvent {
  /** Container (or pod) id. */
  id: string;
  name: string;
  /** `create`, `init`, `start`, `died`, `stop`, `kill`, `remove`, `cleanup`, `restart`, ... */
  status: string;
  /** `container`, `pod`, `image`, ... */
  type: string;
  /** Epoch ms. */
  time: number;
  /** For `died`. */
  exitCode?: number;
  attributes: Record<string, string>;
}

/** Parses one line of `podman events --format json`; undefined for anything else. */
export function parseEvent(line: string): PodmanEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let e: Record<string, any>;
  try {
    e = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  return {
    id: String(e.ID ?? ''),
    name: String(e.Name ?? ''),
    status: String(e.Status ?? ''),
    type: String(e.Type ?? ''),
    time: epochMs(e.Time) ?? Date.now(),
    exitCode:
      e.ContainerExitCode === undefined
        ? undefined
        : Number(e.ContainerExitCode),
    attributes: Object.fromEntries(
      Object.entries(obj(e.Attributes)).map(([k, v]) => [k, String(v)]),
    ),
  };
}

/**
 * Parses a Go `time.Duration` string as podman prints `cpu_time`
 * (`72.80183ms`, `1m2.5s`, `850µs`, `1h0m0s`) into seconds.
 * @returns seconds, or undefined when the text is not a duration
 */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0' || s === '0s') return 0;
  const units: Record<string, number> = {
    h: 3600,
    m: 60,
    s: 1,
    ms: 1e-3,
    us: 1e-6,
    µs: 1e-6,
    μs: 1e-6,
    ns: 1e-9,
  };
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|μs|ns)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

/** CPU time of one container from `podman stats --no-stream --format json`. */
export interface ContainerCpu {
  /** Short (12 hex) or full id, as podman prints it. */
  id: string;
  name: string;
  /** Total CPU seconds used since the container (run) started. */
  cpuSeconds: number;
}

/** Parses `podman stats --no-stream --format json` output. */
export function parseStats(text: string): ContainerCpu[] {
  const data = JSON.parse(text.trim() || '[]');
  if (!Array.isArray(data)) return [];
  const out: ContainerCpu[] = [];
  for (const raw of data) {
    const c = obj(raw);
    const cpu = parseGoDuration(String(c.cpu_time ?? ''));
    if (cpu === undefined) continue;
    out.push({
      id: String(c.id ?? ''),
      name: String(c.name ?? ''),
      cpuSeconds: cpu,
    });
  }
  return out;
}

/** One log line of `podman logs -t`. */
export interface LogLine {
  /** Epoch ms (0 when the line had no timestamp). */
  time: number;
  text: string;
}

/** Parses `podman logs -t` output of one stream: `<RFC 3339 time> <text>` lines. */
export function parseTimestampedLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^(\d{4}-\d\d-\d\dT\S+)\s(.*)$/.exec(line);
    if (m) out.push({ time: epochMs(m[1]) ?? 0, text: m[2] });
    else out.push({ time: 0, text: line });
  }
  return out;
}

/**
 * Merges the stdout and stderr lines of `podman logs -t --tail N` (podman writes
 * a container's stderr lines to its own stderr) in time order, keeps the lines
 * written up to `until` (epoch ms; the crash), and returns the last `max` texts.
 */
export function lastLogLines(
  stdout: string,
  stderr: string,
  options: { until?: number; max?: number } = {},
): string[] {
  const lines = [...parseTimestampedLog(stdout), ...parseTimestampedLog(stderr)]
    .map((l, i) => ({ ...l, i }))
    .sort((a, b) => a.time - b.time || a.i - b.i);
  const until = options.until;
  const kept =
    until === undefined ? lines : lines.filter(l => l.time <= until + 5);
  return (kept.length ? kept : lines)
    .slice(-(options.max ?? 20))
    .map(l => l.text);
}
