import { ChildProcess } from 'node:child_process';
import { Logger } from '../core/logger';
import {
  BackendHealth,
  ContainerFailure,
  PodFailureObservation,
  RolloutBackend,
  RolloutSink,
  WorkloadObservation,
} from '../core/types';
import {
  InspectedContainer,
  LABEL,
  lastLogLines,
  parseEvent,
  parseInspect,
  parsePs,
  parseStats,
  PodmanEvent,
  PsContainer,
} from './parse';
import { PodmanCli } from './PodmanCli';
import { readCgroupCpuSeconds } from './cgroupCpu';
import { probeReadiness } from './readiness';

/** Options of {@link PodmanBackend}. */
export interface PodmanBackendOptions {
  cli: PodmanCli;
  logger: Logger;
  /** Only pods with `slipway.dev/cluster=<cluster>` (default: every local-cluster pod). */
  cluster?: string;
  /** A rollout not complete after this many seconds is `stalled` (default 120). */
  progressDeadlineSeconds?: number;
  /** Full `podman ps` resync period in ms besides event-driven ones (default 30000). */
  resyncMs?: number;
  /** Readiness probe period of a pod not yet ready, in ms (default 200). */
  probeNotReadyMs?: number;
  /** Readiness probe period of a ready pod, in ms (default 10000). */
  probeReadyMs?: number;
  /** Minimum age of `podman stats` figures before they are read again, in ms (default 10000). */
  statsMaxAgeMs?: number;
  /** Reads a cgroup's CPU seconds (default `readCgroupCpuSeconds`; tests pass one that fails to force `podman stats`). */
  readCgroup?: (cgroupPath: string) => number | undefined;
  /** Clock (tests). */
  now?: () => number;
}

interface ContainerState {
  ps: PsContainer;
  inspected?: InspectedContainer;
  /** Non-zero exits not caused by a stop/kill. */
  crashes: number;
  lastExitCode?: number;
  lastDiedAt?: number;
  stopping: boolean;
  /** When an event last set `ps.state` (epoch ms): a `podman ps` started earlier must not undo it. */
  stateAt?: number;
}

interface ProbeState {
  ok: boolean;
  checkedAt: number;
  inFlight: boolean;
}

/** A pod of the local cluster as the metrics see it. */
export interface PodmanPodView {
  namespace: string;
  pod: string;
  service: string;
  environment: string;
  ready: boolean;
  containers: Array<{
    id: string;
    name: string;
    running: boolean;
    /** CPU limit in cores; undefined when the container has none. */
    cpuLimitCores?: number;
  }>;
}

/** CPU seconds of a running container, keyed by full container id. */
export type CpuUsage = Map<string, number>;

/**
 * The embedded default's {@link RolloutBackend}: watches the pods the local
 * cluster (packages/local-cluster) runs on podman.
 *
 * - `podman events --format json --filter label=slipway.dev/managed-by=local-cluster`
 *   drives it (create/remove trigger a `podman ps`; start/died/stop update
 *   state in place), with a full `podman ps -a --pod --format json` every
 *   `resyncMs` and one `podman inspect` per new container (restart count, CPU limit).
 * - A pod is ready when all its containers run and `GET
 *   http://127.0.0.1:<slipway.dev/host-port><slipway.dev/readiness-path>`
 *   answers 2xx.
 * - Pods are grouped into workloads by environment/namespace/deployment labels;
 *   the current revision is the `slipway.dev/artifact-id` (else the image) of the newest pod.
 * - A container crash-loops when it exited non-zero twice (podman restarts it),
 *   or exited non-zero once and will not be restarted. Its last log lines come
 *   from `podman logs -t --tail 20`, cut at the crash.
 */
export class PodmanBackend implements RolloutBackend {
  readonly name = 'podman';
  private readonly containers = new Map<string, ContainerState>();
  private readonly probes = new Map<string, ProbeState>();
  private readonly reportedFailures = new Set<string>();
  private readonly warned = new Set<string>();
  private sink?: RolloutSink;
  private events?: ChildProcess;
  private eventsOk = false;
  private lastError = '';
  private stopped = false;
  private timers: NodeJS.Timeout[] = [];
  private refreshing?: Promise<void>;
  private refreshAgain = false;
  private refreshTimer?: NodeJS.Timeout;
  private probing = true;
  private lastProbeScan = 0;
  private stats?: { at: number; usage: CpuUsage };
  private statsInFlight?: Promise<CpuUsage>;
  private readonly now: () => number;
  private readonly readCgroup: (cgroupPath: string) => number | undefined;

  constructor(private readonly options: PodmanBackendOptions) {
    this.now = options.now ?? Date.now;
    this.readCgroup = options.readCgroup ?? readCgroupCpuSeconds;
  }

  async start(sink: RolloutSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    this.startEvents();
    await this.refresh();
    this.timers.push(
      setInterval(() => void this.refresh(), this.options.resyncMs ?? 30_000),
      setInterval(() => this.probeDue(), 100),
      // Stalls are a matter of time passing: re-evaluate every second.
      setInterval(() => this.evaluate(), 1000),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.events?.kill();
    this.events = undefined;
    await this.refreshing?.catch(() => {});
  }

  health(): BackendHealth {
    if (!this.eventsOk) {
      return {
        ok: false,
        message: `podman events not running${
          this.lastError ? `: ${this.lastError}` : ''
        }`,
      };
    }
    if (this.lastError) return { ok: false, message: this.lastError };
    return {
      ok: true,
      message: `watching ${
        this.podViews().length
      } local-cluster pods on podman`,
    };
  }

  /** Pods and their containers, for `/metrics`. */
  podViews(): PodmanPodView[] {
    const views: PodmanPodView[] = [];
    for (const [podId, containers] of this.pods()) {
      const labels = containers[0].ps.labels;
      views.push({
        namespace: labels[LABEL.namespace] || 'default',
        pod: containers[0].ps.podName || podId.slice(0, 12),
        service: labels[LABEL.service] ?? '',
        environment: labels[LABEL.environment] ?? '',
        ready: this.podReady(podId, containers),
        containers: containers.map(c => ({
          id: c.ps.id,
          name: containerName(c.ps),
          running: c.ps.state === 'running',
          cpuLimitCores: c.inspected?.cpuLimitCores,
        })),
      });
    }
    return views;
  }

  /**
   * CPU seconds of every running local-cluster container: from its cgroup
   * (`readCgroupCpuSeconds`, read on every call: a file read) and, for
   * containers whose cgroup is not readable, from `podman stats --no-stream
   * --format json`, run at most once per `statsMaxAgeMs` and in the
   * background once figures exist (a scrape never waits for it then).
   */
  async cpuUsage(): Promise<CpuUsage> {
    const usage: CpuUsage = new Map();
    const rest: ContainerState[] = [];
    for (const c of this.containers.values()) {
      if (c.ps.state !== 'running') continue;
      const seconds = c.inspected?.cgroupPath
        ? this.readCgroup(c.inspected.cgroupPath)
        : undefined;
      if (seconds === undefined) rest.push(c);
      else usage.set(c.ps.id, seconds);
    }
    if (rest.length > 0) {
      const stats = await this.statsFor(rest);
      for (const c of rest) {
        const seconds = stats.get(c.ps.id);
        if (seconds !== undefined) usage.set(c.ps.id, seconds);
      }
    }
    return usage;
  }

  private async statsFor(containers: ContainerState[]): Promise<CpuUsage> {
    const maxAge = this.options.statsMaxAgeMs ?? 10_000;
    const fresh = this.stats && this.now() - this.stats.at < maxAge;
    if (!fresh && !this.statsInFlight) {
      this.statsInFlight = this.readStats(containers).finally(() => {
        this.statsInFlight = undefined;
      });
    }
    if (this.stats) return this.stats.usage;
    return this.statsInFlight ?? new Map();
  }

  private async readStats(running: ContainerState[]): Promise<CpuUsage> {
    const usage: CpuUsage = new Map();
    try {
      const { stdout } = await this.options.cli.run([
        'stats',
        '--no-stream',
        '--format',
        'json',
        ...running.map(c => c.ps.id),
      ]);
      for (const s of parseStats(stdout)) {
        const full = running.find(
          c => c.ps.id.startsWith(s.id) || c.ps.name === s.name,
        );
        if (full) usage.set(full.ps.id, s.cpuSeconds);
      }
    } catch (error) {
      // A container that stopped between ps and stats fails the whole call; keep the old figures.
      this.options.logger.warn((error as Error).message);
      return this.stats?.usage ?? usage;
    }
    this.stats = { at: this.now(), usage };
    return usage;
  }

  private startEvents() {
    const filters = [`label=${LABEL.managedBy}=local-cluster`];
    const child = this.options.cli.events(
      filters,
      line => this.onEventLine(line),
      reason => {
        if (this.events !== child) return;
        this.eventsOk = false;
        this.events = undefined;
        if (this.stopped) return;
        this.lastError = reason;
        this.options.logger.warn(`${reason}; restarting in 2 s`);
        const t = setTimeout(() => {
          if (!this.stopped) {
            this.startEvents();
            void this.refresh();
          }
        }, 2000);
        t.unref();
      },
    );
    this.events = child;
    child.on('spawn', () => {
      if (this.events === child) this.eventsOk = true;
    });
  }

  private onEventLine(line: string) {
    const event = parseEvent(line);
    if (!event || event.type !== 'container') return;
    if (!this.inCluster(event.attributes)) return;
    this.onEvent(event);
  }

  private onEvent(e: PodmanEvent) {
    const c = this.containers.get(e.id);
    switch (e.status) {
      case 'died':
        if (!c) {
          this.scheduleRefresh();
          return;
        }
        c.lastExitCode = e.exitCode ?? c.lastExitCode;
        c.lastDiedAt = e.time;
        if ((e.exitCode ?? 0) !== 0 && !c.stopping) c.crashes++;
        c.ps.state = 'exited';
        c.ps.exitCode = e.exitCode ?? c.ps.exitCode;
        c.stateAt = Date.now();
        this.probes.delete(c.ps.podId);
        this.evaluate();
        return;
      case 'start':
      case 'restart':
        if (!c) {
          this.scheduleRefresh();
          return;
        }
        c.ps.state = 'running';
        c.stateAt = Date.now();
        c.stopping = false;
        this.probing = true;
        // Inspected before its first start, it had no cgroup yet (CPU metrics read it).
        if (c.inspected && !c.inspected.cgroupPath) void this.inspect([e.id]);
        this.evaluate();
        return;
      case 'stop':
      case 'kill':
        if (c) c.stopping = true;
        return;
      case 'create':
      case 'remove':
        this.scheduleRefresh();
        return;
      default:
        return;
    }
  }

  private inCluster(labels: Record<string, string>): boolean {
    if (labels[LABEL.managedBy] !== 'local-cluster') return false;
    return (
      this.options.cluster === undefined ||
      labels[LABEL.cluster] === this.options.cluster
    );
  }

  private scheduleRefresh() {
    if (this.refreshTimer || this.stopped) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 200);
  }

  /** Re-reads every container with `podman ps` (single flight; coalesces calls). */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.doRefresh()
      .catch(error => {
        this.lastError = (error as Error).message;
        this.options.logger.warn(`podman refresh failed: ${this.lastError}`);
      })
      .finally(() => {
        this.refreshing = undefined;
        if (this.refreshAgain && !this.stopped) {
          this.refreshAgain = false;
          void this.refresh();
        }
      });
    return this.refreshing;
  }

  private async doRefresh() {
    const startedAt = Date.now();
    const { stdout } = await this.options.cli.run([
      'ps',
      '-a',
      '--pod',
      '--format',
      'json',
      '--filter',
      `label=${LABEL.managedBy}=local-cluster`,
    ]);
    if (this.stopped) return;
    this.lastError = '';
    const seen = new Set<string>();
    const fresh: string[] = [];
    for (const ps of parsePs(stdout)) {
      if (ps.isInfra || !this.inCluster(ps.labels)) continue;
      seen.add(ps.id);
      const known = this.containers.get(ps.id);
      if (known) {
        if ((known.stateAt ?? 0) > startedAt) {
          ps.state = known.ps.state;
          ps.exitCode = known.ps.exitCode;
        }
        known.ps = ps;
        if (ps.state === 'running') known.stopping = false;
      } else {
        this.containers.set(ps.id, { ps, crashes: 0, stopping: false });
        fresh.push(ps.id);
      }
    }
    for (const id of [...this.containers.keys()]) {
      if (!seen.has(id)) this.containers.delete(id);
    }
    const livePods = new Set(
      [...this.containers.values()].map(c => c.ps.podId),
    );
    for (const podId of [...this.probes.keys()]) {
      if (!livePods.has(podId)) this.probes.delete(podId);
    }
    if (fresh.length > 0) {
      this.probing = true;
      await this.inspect(fresh);
    }
    this.evaluate();
  }

  private async inspect(ids: string[]) {
    let inspected: InspectedContainer[];
    try {
      const { stdout } = await this.options.cli.run([
        'inspect',
        '--type',
        'container',
        '--format',
        'json',
        ...ids,
      ]);
      inspected = parseInspect(stdout);
    } catch (error) {
      // One of them was removed meanwhile: inspect one by one.
      if (ids.length === 1) return;
      for (const id of ids) await this.inspect([id]);
      return;
    }
    for (const i of inspected) {
      const c = this.containers.get(i.id);
      if (!c) continue;
      c.inspected = i;
      c.crashes = Math.max(c.crashes, i.restartCount);
      if (i.status === 'exited' || i.status === 'stopped') {
        c.lastExitCode = i.exitCode;
        c.lastDiedAt = i.finishedAt;
        if (i.exitCode !== 0 && c.crashes === 0) c.crashes = 1;
      }
    }
  }

  /** Non-infra containers by pod id. */
  private pods(): Map<string, ContainerState[]> {
    const pods = new Map<string, ContainerState[]>();
    for (const c of this.containers.values()) {
      const key = c.ps.podId || c.ps.id;
      const list = pods.get(key) ?? [];
      list.push(c);
      pods.set(key, list);
    }
    return pods;
  }

  private podReady(podId: string, containers: ContainerState[]): boolean {
    if (!containers.every(c => c.ps.state === 'running')) return false;
    const labels = containers[0].ps.labels;
    if (!probeTarget(labels)) return true;
    return this.probes.get(podId)?.ok === true;
  }

  /** Runs the readiness probes that are due; a changed result re-evaluates. */
  private probeDue() {
    const now = this.now();
    // Every 100 ms while a running pod is not ready yet; else once a second is enough.
    if (!this.probing && now - this.lastProbeScan < 1000) return;
    this.lastProbeScan = now;
    let probing = false;
    for (const [podId, containers] of this.pods()) {
      if (!containers.every(c => c.ps.state === 'running')) continue;
      const target = probeTarget(containers[0].ps.labels);
      if (!target) continue;
      const probe = this.probes.get(podId) ?? {
        ok: false,
        checkedAt: 0,
        inFlight: false,
      };
      this.probes.set(podId, probe);
      if (!probe.ok) probing = true;
      const period = probe.ok
        ? this.options.probeReadyMs ?? 10_000
        : this.options.probeNotReadyMs ?? 200;
      if (probe.inFlight || now - probe.checkedAt < period) continue;
      probe.inFlight = true;
      void probeReadiness(target.port, target.path).then(ok => {
        probe.inFlight = false;
        probe.checkedAt = this.now();
        if (probe.ok !== ok) {
          probe.ok = ok;
          this.evaluate();
        }
      });
    }
    this.probing = probing;
  }

  /** Derives workload states and failures and hands them to the sink. */
  private evaluate() {
    const sink = this.sink;
    if (!sink || this.stopped) return;
    const workloads = new Map<string, Array<[string, ContainerState[]]>>();
    for (const [podId, containers] of this.pods()) {
      const labels = containers[0].ps.labels;
      const environment = labels[LABEL.environment];
      const service = labels[LABEL.service];
      if (!environment || !service) {
        this.warnOnce(
          podId,
          `pod ${containers[0].ps.podName || podId}: no ${
            LABEL.environment
          } or ${LABEL.service} label; ignored`,
        );
        continue;
      }
      const key = [
        environment,
        labels[LABEL.namespace] || 'default',
        labels[LABEL.deployment] || service,
      ].join('/');
      const list = workloads.get(key) ?? [];
      list.push([podId, containers]);
      workloads.set(key, list);
      this.checkFailure(podId, containers);
    }
    for (const pods of workloads.values()) {
      sink.workload(this.workloadState(pods));
    }
  }

  private workloadState(
    pods: Array<[string, ContainerState[]]>,
  ): WorkloadObservation {
    const created = (cs: ContainerState[]) =>
      Math.min(...cs.map(c => c.ps.created));
    // The rollout's revision is what every replica shares: the artifact (else the
    // image). Not the generation label: the local cluster hashes each replica's own
    // pod manifest (name, host port), so it differs between replicas of one rollout.
    const revisionOf = (cs: ContainerState[]) =>
      cs[0].ps.labels[LABEL.artifactId] || cs[0].ps.image;
    const newest = [...pods].sort((a, b) => created(b[1]) - created(a[1]))[0];
    const labels = newest[1][0].ps.labels;
    const revision = revisionOf(newest[1]);
    const current = pods.filter(([, cs]) => revisionOf(cs) === revision);
    const desired = Number(labels[LABEL.replicas] || current.length);
    const available = current.filter(([id, cs]) =>
      this.podReady(id, cs),
    ).length;
    const startedMs = Math.min(...current.map(([, cs]) => created(cs))) * 1000;
    const deadline = this.options.progressDeadlineSeconds ?? 120;
    let phase: WorkloadObservation['phase'] = 'progressing';
    let reason: string | undefined;
    let message: string | undefined;
    if (available >= desired) {
      phase = 'complete';
      message = `${available}/${desired} replicas ready`;
    } else if (this.now() - startedMs > deadline * 1000) {
      phase = 'stalled';
      reason = 'ProgressDeadlineExceeded';
      message = `${available}/${desired} replicas ready ${deadline} s after the rollout started`;
    }
    const service = labels[LABEL.service];
    return {
      environment: labels[LABEL.environment],
      namespace: labels[LABEL.namespace] || 'default',
      name: labels[LABEL.deployment] || service,
      service,
      artifactId: labels[LABEL.artifactId] || imageTag(newest[1][0].ps.image),
      authorEmail: labels[LABEL.authorEmail],
      revision,
      desired,
      available,
      phase,
      reason,
      message,
    };
  }

  private checkFailure(podId: string, containers: ContainerState[]) {
    const now = this.now();
    const failing = containers.filter(c => failureType(c, now) !== undefined);
    if (failing.length === 0) return;
    const key = `${podId}/${failing
      .map(c => c.ps.id)
      .sort()
      .join(',')}`;
    if (this.reportedFailures.has(key)) return;
    this.reportedFailures.add(key);
    if (this.reportedFailures.size > 5000) {
      this.reportedFailures.delete(
        this.reportedFailures.values().next().value as string,
      );
    }
    void this.reportFailure(podId, containers, failing);
  }

  private async reportFailure(
    podId: string,
    containers: ContainerState[],
    failing: ContainerState[],
  ) {
    const labels = containers[0].ps.labels;
    const failures: ContainerFailure[] = [];
    for (const c of failing) {
      const type = failureType(c, this.now()) ?? 'CrashLoopBackOff';
      const name = containerName(c.ps);
      let logs: string[] = [];
      try {
        const { stdout, stderr } = await this.options.cli.run([
          'logs',
          '-t',
          '--tail',
          '20',
          c.ps.id,
        ]);
        logs = lastLogLines(stdout, stderr, { until: c.lastDiedAt, max: 20 });
      } catch (error) {
        logs = [`(logs unavailable: ${(error as Error).message})`];
      }
      const reason = c.inspected?.oomKilled ? 'OOMKilled' : 'Error';
      failures.push({
        name,
        type,
        reason,
        exitCode: c.lastExitCode,
        restartCount: Math.max(0, c.crashes - 1),
        message: `back-off restarting failed container ${name} in pod ${
          c.ps.podName
        }: exit code ${c.lastExitCode} (${c.crashes} failed run${
          c.crashes === 1 ? '' : 's'
        })`,
        logs,
      });
    }
    if (this.stopped || !this.sink) return;
    const observation: PodFailureObservation = {
      environment: labels[LABEL.environment],
      namespace: labels[LABEL.namespace] || 'default',
      podName: containers[0].ps.podName || podId.slice(0, 12),
      podUid: podId,
      service: labels[LABEL.service],
      artifactId: labels[LABEL.artifactId] || imageTag(containers[0].ps.image),
      authorEmail: labels[LABEL.authorEmail],
      containers: failures,
    };
    this.sink.podFailure(observation);
  }

  private warnOnce(key: string, message: string) {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.logger.warn(message);
  }
}

/**
 * `CrashLoopBackOff` or undefined (healthy) for one container: it exited
 * non-zero (not because it was stopped) and either failed again after a
 * restart, or is still down 1 s later (waiting for the local cluster's
 * kubelet-like back-off, which restarts it with `podman start`, or for
 * podman's own restart policy).
 */
function failureType(c: ContainerState, now: number): string | undefined {
  if (c.stopping || c.lastExitCode === undefined || c.lastExitCode === 0) {
    return undefined;
  }
  if (c.crashes >= 2) return 'CrashLoopBackOff';
  if (
    c.crashes >= 1 &&
    c.ps.state !== 'running' &&
    now - (c.lastDiedAt ?? 0) > 1000
  ) {
    return 'CrashLoopBackOff';
  }
  return undefined;
}

/** kube play names containers `<pod name>-<container name>`. */
function containerName(ps: PsContainer): string {
  return ps.podName && ps.name.startsWith(`${ps.podName}-`)
    ? ps.name.slice(ps.podName.length + 1)
    : ps.name;
}

function probeTarget(
  labels: Record<string, string>,
): { port: number; path: string } | undefined {
  const port = Number(labels[LABEL.hostPort]);
  const path = labels[LABEL.readinessPath];
  if (!Number.isInteger(port) || port <= 0 || port > 65535 || !path) {
    return undefined;
  }
  return { port, path };
}

/** `localhost/slipway/ledger:abc123` → `abc123`. */
function imageTag(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(at + 1) : 'latest';
}
