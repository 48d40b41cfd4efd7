import { CrashBackoff } from './CrashBackoff';
import { fileSdTargets, writeFileSd } from './fileSd';
import { ApplyOutcome, FluxReporterOptions } from './flux';
import { ConfigSource, ReleaseFolder } from './git/ConfigSource';
import { LABELS, MANAGED_BY, networkName } from './names';
import { imagePresent } from './podman/images';
import { Podman, PodInfo } from './podman/Podman';
import { PortAllocator } from './ports';
import { ApplyReports } from './reconcile/ApplyReports';
import { ImageCatalog } from './reconcile/ImageCatalog';
import { inParallel } from './reconcile/inParallel';
import { PodStatus, podStatuses } from './reconcile/podStatus';
import { RenderedFolder, renderFolder } from './reconcile/renderFolder';
import { Logger } from './reconcile/types';
import { FolderStatus, PersistedState, readState, writeState } from './state';

export type { Logger } from './reconcile/types';
export type { PodStatus } from './reconcile/podStatus';

/** Options of {@link Reconciler}. */
export interface ReconcilerOptions {
  clusterName: string;
  branch: string;
  source: ConfigSource;
  podman: Podman;
  ports: PortAllocator;
  /** `$dataDir/state.json` */
  stateFile: string;
  fileSdPath: string;
  reporter: FluxReporterOptions;
  intervalMs: number;
  logger: Logger;
  /** Debug log (LOCAL_CLUSTER_DEBUG). */
  debug?: (message: string) => void;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

/** What one reconcile did. */
export interface ReconcileSummary {
  /** `<branch>@sha1:<commit>` reconciled, if the branch exists. */
  revision?: string;
  created: string[];
  removed: string[];
  restarted: string[];
  failed: string[];
  durationMs: number;
  /** True when nothing could have changed (no new revision, no podman event) and the pass was skipped. */
  skipped?: boolean;
  /** True when a newer revision or a trigger ended the pass early (nothing was pruned). */
  interrupted?: boolean;
}

/** A full pass (podman listing) at least this often, even when no event says so. */
const FULL_PASS_MS = 30_000;
/** Folders rendered at once (kustomize is a process each). */
const BUILD_CONCURRENCY = 3;

/**
 * The embedded stand-in for Flux's kustomize-controller: applies every
 * `<env>/releases/<ns>/<svc>/` folder of the config repo to podman (one pod per
 * replica), prunes the pods whose folder is gone, restarts crashed containers
 * with back-off, writes Prometheus file_sd targets, and reports each apply to the
 * release manager as a Flux event. Only pods labelled
 * `slipway.dev/managed-by=local-cluster` and `slipway.dev/cluster=<clusterName>`
 * are ever touched.
 */
export class Reconciler {
  private readonly state: PersistedState;
  private readonly cache = new Map<string, RenderedFolder>();
  private readonly backoff = new CrashBackoff();
  private folders: ReleaseFolder[] = [];
  private checkedOut?: string;
  private repoError?: string;
  private lastError?: string;
  private lastSummary?: ReconcileSummary;
  private lastReconcileAt?: string;
  private pods: PodInfo[] = [];
  private readonly images: ImageCatalog;
  private readonly reports: ApplyReports;
  private lastFailed = '';
  private fullPassHead?: string;
  private waiters: (() => void)[] = [];
  private force = false;
  private requested = false;
  /** Set when a pass should end early (a newer revision, a trigger); cleared when a pass starts. */
  private interrupted = false;
  /** Podman state may have changed since the last listing (an event, or not watching). */
  private dirty = true;
  private lastFullPass = 0;
  private stopEvents?: () => void;
  private eventsOk = false;
  private kick?: () => void;
  private stopped = true;
  private loopDone?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: ReconcilerOptions) {
    this.state = readState(options.stateFile);
    this.now = options.now ?? Date.now;
    this.images = new ImageCatalog(options.podman, this.now);
    this.reports = new ApplyReports(this.state, {
      reporter: options.reporter,
      clusterName: options.clusterName,
      logger: options.logger,
      now: this.now,
    });
  }

  private get selector() {
    return {
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.cluster]: this.options.clusterName,
    };
  }

  /** Starts the loop: a reconcile now, then every `intervalMs` and on every change of the repo's refs. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.watchPodman();
    this.loopDone = this.loop();
  }

  /** Follows podman's events of this cluster's containers: any event → a full pass soon. */
  private watchPodman() {
    if (this.stopped) return;
    this.eventsOk = true;
    this.stopEvents = this.options.podman.watchEvents(
      this.selector,
      () => {
        this.dirty = true;
        this.wake();
      },
      reason => {
        this.eventsOk = false;
        this.options.logger.warn(
          `${reason}; listing pods on every pass, and following events again in 5 s`,
        );
        setTimeout(() => this.watchPodman(), 5000).unref();
      },
    );
  }

  /** Wakes the loop, and ends a running pass after its current folder. */
  private interrupt() {
    this.interrupted = true;
    this.wake();
  }

  private wake() {
    this.requested = true;
    this.kick?.();
  }

  /** Stops the loop after the running reconcile (pods keep running). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupted = true;
    this.options.source.unwatch();
    this.stopEvents?.();
    this.kick?.();
    await this.loopDone;
  }

  /**
   * Asks for a reconcile now (retrying failed applies at once).
   * @returns a promise settled when a reconcile that started after this call has finished
   */
  trigger(): Promise<void> {
    this.force = true;
    return new Promise(resolve => {
      this.waiters.push(resolve);
      this.interrupt();
    });
  }

  private async loop() {
    while (!this.stopped) {
      const waiters = this.waiters.splice(0);
      try {
        await this.reconcileOnce();
      } catch (e) {
        this.lastError = (e as Error).message;
        this.options.logger.error(`reconcile failed: ${this.lastError}`);
      }
      for (const w of waiters) w();
      if (this.stopped) break;
      if (this.requested) {
        this.requested = false;
        continue;
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.options.intervalMs);
        this.kick = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.kick = undefined;
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** One pass: fetch, apply every folder, prune, restart crashed containers, write file_sd, report. */
  async reconcileOnce(): Promise<ReconcileSummary> {
    const started = this.now();
    this.interrupted = false;
    const force = this.force;
    this.force = false;
    const summary: ReconcileSummary = {
      created: [],
      removed: [],
      restarted: [],
      failed: [],
      durationMs: 0,
    };
    const { source, podman, logger } = this.options;
    let head: string | undefined;
    try {
      head = await source.remoteHead();
      if (head && head !== this.checkedOut) {
        await source.checkout(head);
        this.folders = await source.folders(head);
        this.checkedOut = head;
        logger.info(
          `config repo at ${this.revisionOf(head)}: ${
            this.folders.length
          } release folders`,
        );
      }
      this.repoError = undefined;
      if (!source.watching) source.watch(() => this.interrupt());
    } catch (e) {
      this.repoError = (e as Error).message;
      head = this.checkedOut;
    }
    const revision = this.checkedOut
      ? this.revisionOf(this.checkedOut)
      : undefined;
    summary.revision = revision;

    const imagesChanged = await this.images.changed();
    const why = [
      force && 'forced',
      this.dirty && 'podman event',
      !this.eventsOk && 'not following podman events',
      imagesChanged && 'images changed',
      head !== this.fullPassHead && 'new revision',
      started - this.lastFullPass >= FULL_PASS_MS && 'periodic',
      this.backoff.pending() && 'restart pending',
    ].filter(Boolean);
    const full = why.length > 0;
    if (full) this.options.debug?.(`full pass: ${why.join(', ')}`);
    if (!full) {
      summary.skipped = true;
      summary.durationMs = this.now() - started;
      this.lastReconcileAt = new Date(this.now()).toISOString();
      return summary;
    }
    this.dirty = false;
    this.lastFullPass = started;
    this.fullPassHead = head;
    let pods = await podman.pods(this.selector);
    const byName = new Map(pods.map(p => [p.name, p]));
    const touched = new Set<string>();

    if (this.checkedOut && revision) {
      // Render changed folders first, a few at a time (kustomize is a process each).
      await inParallel(
        this.folders.filter(f => this.cache.get(f.path)?.tree !== f.tree),
        BUILD_CONCURRENCY,
        async f => {
          this.cache.set(f.path, await this.render(f));
        },
      );
      // Folders that changed since their last apply go first: a deploy waits
      // for no other folder.
      const ordered = [
        ...this.folders.filter(
          f => this.state.folders[f.path]?.tree !== f.tree,
        ),
        ...this.folders.filter(
          f => this.state.folders[f.path]?.tree === f.tree,
        ),
      ];
      for (const f of ordered) {
        if (this.interrupted) {
          // A newer revision or a /reconcile arrived: start over with it.
          summary.interrupted = true;
          break;
        }
        const outcome = await this.applyFolder(
          f,
          revision,
          pods,
          byName,
          touched,
          summary,
          force,
        );
        // Report at once: the release manager shows it while other folders apply.
        if (outcome) await this.reports.report(outcome);
      }
    }
    if (this.checkedOut && revision && !summary.interrupted) {
      const keep = new Set<string>(
        this.folders.map(f => folderKey(f.environment, f.namespace, f.service)),
      );
      // Prune: pods whose folder the repo no longer has.
      const pruned = pods.filter(
        p =>
          !keep.has(
            folderKey(
              p.labels[LABELS.environment],
              p.labels[LABELS.namespace],
              p.labels[LABELS.service],
            ),
          ),
      );
      for (const p of pruned) {
        logger.info(
          `pruning pod ${p.name}: its folder is gone from the config repo`,
        );
        touched.add(p.name);
        summary.removed.push(p.name);
      }
      await podman.removePods(pruned.map(p => p.name));
      const folderPrefixes = [...keep].map(k => `${k}/`);
      this.options.ports.retain(k => folderPrefixes.some(p => k.startsWith(p)));
      for (const key of Object.keys(this.state.folders)) {
        if (!keep.has(key.replace(/\/releases\//, '/'))) {
          delete this.state.folders[key];
          delete this.state.reported[key];
        }
      }
    }

    // Restart policy Always, with back-off.
    const now = this.now();
    const running = pods.filter(p => !touched.has(p.name));
    for (const id of this.backoff.due(
      running.flatMap(p => p.containers),
      now,
    )) {
      const pod = running.find(p => p.containers.some(c => c.id === id))!;
      this.backoff.restarted(id);
      try {
        await podman.startContainer(id);
        summary.restarted.push(pod.name);
      } catch (e) {
        logger.warn(
          `restart of a container of ${pod.name} failed: ${
            (e as Error).message
          }`,
        );
      }
    }

    if (touched.size || summary.restarted.length) {
      pods = await podman.pods(this.selector);
    }
    this.pods = pods;
    writeFileSd(this.options.fileSdPath, fileSdTargets(pods));

    writeState(this.options.stateFile, this.state);

    summary.durationMs = this.now() - started;
    this.lastSummary = summary;
    this.lastReconcileAt = new Date(this.now()).toISOString();
    this.lastError = undefined;
    const failed = summary.failed.join(' ');
    if (
      summary.created.length ||
      summary.removed.length ||
      failed !== this.lastFailed
    ) {
      this.lastFailed = failed;
      logger.info(
        `reconciled ${revision ?? '(no revision)'} in ${
          summary.durationMs
        } ms: ${summary.created.length} pods created, ${
          summary.removed.length
        } removed, ${summary.failed.length} folders failed`,
      );
    }
    return summary;
  }

  private revisionOf(sha: string) {
    return `${this.options.branch}@sha1:${sha}`;
  }

  /**
   * Applies one folder. @returns the outcome to report, or undefined when
   * nothing needs reporting.
   */
  private async applyFolder(
    f: ReleaseFolder,
    revision: string,
    pods: PodInfo[],
    byName: Map<string, PodInfo>,
    touched: Set<string>,
    summary: ReconcileSummary,
    force: boolean,
  ): Promise<ApplyOutcome | undefined> {
    const { podman, logger } = this.options;
    const key = f.path;
    const now = this.now();
    const existing = pods.filter(
      p =>
        p.labels[LABELS.environment] === f.environment &&
        p.labels[LABELS.namespace] === f.namespace &&
        p.labels[LABELS.service] === f.service,
    );
    let entry = this.cache.get(key);
    if (!entry || entry.tree !== f.tree) {
      entry = await this.render(f);
      this.cache.set(key, entry);
    }
    const fail = (message: string, reason: string, retryMs?: number) => {
      summary.failed.push(key);
      if (retryMs !== undefined) {
        entry!.attempts++;
        entry!.retryAt = now + retryMs;
      }
      return this.reports.record(f, revision, false, message, reason);
    };
    if (entry.error) return fail(entry.error, 'BuildFailed');
    if (entry.retryAt && now < entry.retryAt && !force) {
      const last = this.state.folders[key];
      if (last?.result === 'failed') {
        summary.failed.push(key);
        return undefined;
      }
    }
    const desired = entry.desired!;
    const wanted = new Set(desired.map(d => d.name));
    const toCreate = desired.filter(
      d => byName.get(d.name)?.labels[LABELS.generation] !== d.generation,
    );
    const toRemove = existing.filter(p => !wanted.has(p.name));
    if (toCreate.length) {
      const names = await this.images.names(
        force ||
          !this.state.folders[key] ||
          this.state.folders[key].tree !== f.tree,
      );
      const missing = [...new Set(toCreate.flatMap(d => d.images))].filter(
        i => !imagePresent(i, names),
      );
      if (missing.length) {
        return fail(
          `${missing
            .map(i => `image ${i} not found locally`)
            .join('; ')} (the local cluster never pulls images: build and tag ${
            missing.length > 1 ? 'them' : 'it'
          } with podman build -t <image>)`,
          'ReconciliationFailed',
        );
      }
      await podman.ensureNetwork(networkName(f.environment));
    }
    const errors: string[] = [];
    // Old generations and surplus replicas go first (a replica's new pod reuses its name and host port).
    const replaced = toCreate.filter(d => byName.has(d.name));
    for (const p of toRemove) {
      logger.info(`removing pod ${p.name}: no longer in ${key}`);
    }
    await podman.removePods(
      [...replaced.map(d => d.name), ...toRemove.map(p => p.name)],
      Math.max(0, ...desired.map(d => d.graceSeconds)),
    );
    for (const p of toRemove) {
      touched.add(p.name);
      summary.removed.push(p.name);
    }
    for (const d of toCreate) {
      touched.add(d.name);
      try {
        await podman.playPod(d.manifest, d.name, networkName(f.environment));
        summary.created.push(d.name);
      } catch (e) {
        const msg = (e as Error).message;
        if (/address already in use/i.test(msg)) {
          // Something else took a persisted port: pick new ones next time.
          this.options.ports.retain(
            k =>
              !k.startsWith(
                `${folderKey(f.environment, f.namespace, f.service)}/${
                  d.deployment
                }/${d.replica}/`,
              ),
          );
          this.cache.delete(key);
        }
        errors.push(
          `pod ${d.name}: ${msg.replace(
            /^podman kube failed \(exit \d+\): /,
            '',
          )}`,
        );
      }
    }
    if (errors.length) {
      return fail(
        `${errors.length} of ${
          toCreate.length
        } pods failed to start: ${errors.join('; ')}`,
        'ReconciliationFailed',
        Math.min(300_000, 15_000 * 2 ** entry.attempts),
      );
    }
    entry.attempts = 0;
    entry.retryAt = undefined;
    const prefixes = desired.map(
      d =>
        `${folderKey(f.environment, f.namespace, f.service)}/${d.deployment}/${
          d.replica
        }/`,
    );
    const folderPrefix = `${folderKey(f.environment, f.namespace, f.service)}/`;
    this.options.ports.retain(
      k => !k.startsWith(folderPrefix) || prefixes.some(p => k.startsWith(p)),
    );
    const changed = toCreate.length > 0 || toRemove.length > 0;
    return this.reports.record(
      f,
      revision,
      true,
      `Applied revision: ${revision}`,
      'ReconciliationSucceeded',
      changed,
    );
  }

  /** Renders a folder ({@link renderFolder}); a failure becomes an entry with `error`. */
  private render(f: ReleaseFolder): Promise<RenderedFolder> {
    const { source, clusterName, ports } = this.options;
    return renderFolder(source, clusterName, ports, f);
  }

  /** The state `/status` serves. */
  status() {
    const environments: Record<
      string,
      Record<string, FolderStatus & { pods: PodStatus[] }>
    > = {};
    for (const s of Object.values(this.state.folders).sort((a, b) =>
      a.path.localeCompare(b.path),
    )) {
      const pods = podStatuses(this.pods, s, this.backoff);
      (environments[s.environment] ??= {})[s.service] = { ...s, pods };
    }
    return {
      cluster: this.options.clusterName,
      configRepo: this.options.source.url,
      branch: this.options.branch,
      revision: this.checkedOut ? this.revisionOf(this.checkedOut) : undefined,
      repoError: this.repoError,
      lastError: this.lastError,
      lastReconcileAt: this.lastReconcileAt,
      lastReconcile: this.lastSummary,
      watchingRefs: this.options.source.watching,
      environments,
    };
  }
}

function folderKey(env: string, ns: string, svc: string) {
  return `${env}/${ns}/${svc}`;
}
