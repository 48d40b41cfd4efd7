import fs from 'node:fs';
import path from 'node:path';
import { Logger } from './logger';
import {
  PodFailureObservation,
  RolloutSink,
  WorkloadObservation,
} from './types';

/** Where reports go (a {@link ReleaseManagerReporter} in production). */
export interface ReportTarget {
  deploy(o: WorkloadObservation): Promise<void>;
  podError(o: PodFailureObservation): Promise<void>;
}

/** Options of {@link RolloutTracker}. */
export interface RolloutTrackerOptions {
  target: ReportTarget;
  logger: Logger;
  /**
   * JSON file remembering what was reported, so a restarted daemon does not
   * report the same rollout twice. Optional (in memory only without it).
   */
  stateFile?: string;
  /** Remembered entries per kind before the oldest are forgotten (default 5000). */
  maxEntries?: number;
  /** Called with every observation (metrics, timing). */
  onReport?: (kind: 'deploy' | 'error', key: string) => void;
}

interface State {
  workloads: Record<string, string>;
  pods: Record<string, true>;
}

/**
 * The {@link RolloutSink} every backend feeds. Decides what to report:
 * a workload once per (revision, phase, available, desired, artifact) when its
 * phase is `complete` or `stalled`; a failing pod once per (pod instance,
 * artifact, containers). Keeps what it reported in `stateFile`.
 */
export class RolloutTracker implements RolloutSink {
  private readonly workloads = new Map<string, string>();
  private readonly pods = new Set<string>();
  private readonly max: number;
  private saveTimer?: NodeJS.Timeout;

  constructor(private readonly options: RolloutTrackerOptions) {
    this.max = options.maxEntries ?? 5000;
    this.load();
  }

  workload(o: WorkloadObservation): void {
    if (o.phase === 'progressing') return;
    const key = `${o.environment}/${o.namespace}/${o.name}`;
    const signature = [
      o.revision,
      o.phase,
      o.available,
      o.desired,
      o.artifactId,
    ].join('|');
    if (this.workloads.get(key) === signature) return;
    this.workloads.delete(key);
    this.workloads.set(key, signature);
    trim(this.workloads, this.max);
    this.scheduleSave();
    this.options.logger.info(
      `rollout ${key} ${o.artifactId}: ${o.phase} ${o.available}/${o.desired}${
        o.reason ? ` (${o.reason})` : ''
      }`,
    );
    this.options.onReport?.('deploy', key);
    void this.options.target.deploy(o);
  }

  podFailure(o: PodFailureObservation): void {
    const key = [
      o.environment,
      o.namespace,
      o.podName,
      o.podUid,
      o.artifactId,
      o.containers
        .map(c => c.name)
        .sort()
        .join(','),
    ].join('/');
    if (this.pods.has(key)) return;
    this.pods.add(key);
    trim(this.pods, this.max);
    this.scheduleSave();
    this.options.logger.info(
      `pod ${o.environment}/${o.namespace}/${o.podName} ${
        o.artifactId
      } failing: ${o.containers
        .map(
          c =>
            `${c.name} ${c.type}${
              c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''
            }`,
        )
        .join(', ')}`,
    );
    this.options.onReport?.('error', key);
    void this.options.target.podError(o);
  }

  /** Writes the state file now (on shutdown). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.save();
  }

  private load() {
    const file = this.options.stateFile;
    if (!file || !fs.existsSync(file)) return;
    try {
      const state = JSON.parse(fs.readFileSync(file, 'utf8')) as State;
      for (const [k, v] of Object.entries(state.workloads ?? {})) {
        this.workloads.set(k, String(v));
      }
      for (const k of Object.keys(state.pods ?? {})) this.pods.add(k);
    } catch (error) {
      this.options.logger.warn(
        `ignoring unreadable state file ${file}: ${(error as Error).message}`,
      );
    }
  }

  private scheduleSave() {
    if (!this.options.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 500);
    this.saveTimer.unref();
  }

  private save() {
    const file = this.options.stateFile;
    if (!file) return;
    const state: State = {
      workloads: Object.fromEntries(this.workloads),
      pods: Object.fromEntries([...this.pods].map(k => [k, true as const])),
    };
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(state));
      fs.renameSync(tmp, file);
    } catch (error) {
      this.options.logger.warn(
        `cannot write state file ${file}: ${(error as Error).message}`,
      );
    }
  }
}

function trim(collection: Map<string, unknown> | Set<string>, max: number) {
  while (collection.size > max) {
    const oldest = collection.keys().next().value as string;
    collection.delete(oldest);
  }
}
