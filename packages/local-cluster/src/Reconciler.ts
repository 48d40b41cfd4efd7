import fs from 'node:fs';
import path from 'node:path';
import { CrashBackoff } from './CrashBackoff';
import { fileSdTargets, writeFileSd } from './fileSd';
import {
  ApplyOutcome,
  fluxEvent,
  FluxReporterOptions,
  postFluxEvent,
} from './flux';
import { ConfigSource, ReleaseFolder } from './git/ConfigSource';
import { loadFolder, ManifestError } from './manifests/loadFolder';
import { DesiredPod, desiredPods } from './manifests/pods';
import { DNS1123_LABEL, LABELS, MANAGED_BY, networkName } from './names';
import { imagePresent } from './podman/images';
import { Podman, PodInfo } from './podman/Podman';
import { PortAllocator } from './ports';
import { FolderStatus, PersistedState, readState, writeState } from './state';

/** Where the reconciler logs. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

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

/** A pod as `/status` shows it. */
export interface PodStatus {
  name: string;
  deployment: string;
  replica: number;
  generation: string;
  hostPort?: number;
  /** podman's pod status: `Running`, `Degraded`, `Exited`, ... */
  status: string;
  containers: { name: string; status: string; restarts: number }[];
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

interface CacheEntry {
  tree: string;
  desired?: DesiredPod[];
  error?: string;
  /** Don't retry a failed apply before this (epoch ms), unless the tree changes or a reconcile is forced. */
  retryAt?: number;
  attempts: number;
}

/** Without a known image store file: how long a listing of local images is reused. */
const IMAGE_TTL_MS = 30_000;
/** A full pass (podman listing) at least this often, even when no event says so. */
const FULL_PASS_MS = 30_000;
const BUILD_CONCURRENCY = 3;

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inParallel<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

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
  private readonly cache = new Map<string, CacheEntry>();
  private readonly backoff = new CrashBackoff();
  private folders: ReleaseFolder[] = [];
  private checkedOut?: string;
  private repoError?: string;
  private lastError?: string;
  private lastSummary?: ReconcileSummary;
  private lastReconcileAt?: string;
  private pods: PodInfo[] = [];
  private images?: { at: number; mtime?: number; names: Set<string> };
  private imageStore?: { file?: string; mtime?: number };
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

    const imagesChanged = await this.imageStoreChanged();
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
          this.cache.set(f.path, await this.build(f));
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
        if (outcome) await this.report(outcome);
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
      entry = await this.build(f);
      this.cache.set(key, entry);
    }
    const fail = (message: string, reason: string, retryMs?: number) => {
      summary.failed.push(key);
      if (retryMs !== undefined) {
        entry!.attempts++;
        entry!.retryAt = now + retryMs;
      }
      return this.outcome(f, revision, false, message, reason);
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
      const names = await this.imageNames(
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
    return this.outcome(
      f,
      revision,
      true,
      `Applied revision: ${revision}`,
      'ReconciliationSucceeded',
      changed,
    );
  }

  /** Loads and renders a folder; a failure becomes a cache entry with `error`. */
  private async build(f: ReleaseFolder): Promise<CacheEntry> {
    const { source, clusterName, ports } = this.options;
    try {
      for (const [what, name] of [
        ['environment', f.environment],
        ['namespace', f.namespace],
        ['service', f.service],
      ]) {
        if (!DNS1123_LABEL.test(name)) {
          throw new ManifestError(
            `${f.path}: the ${what} folder '${name}' is not a DNS-1123 label`,
          );
        }
      }
      const content = await loadFolder(
        source.checkoutDir,
        path.join(source.checkoutDir, f.path),
      );
      const desired = await desiredPods(
        content.objects,
        {
          cluster: clusterName,
          environment: f.environment,
          namespace: f.namespace,
          service: f.service,
          artifactId: content.artifactId,
        },
        k => ports.allocate(k),
      );
      return { tree: f.tree, desired, attempts: 0 };
    } catch (e) {
      const message =
        e instanceof ManifestError
          ? e.message
          : `${f.path}: ${(e as Error).message}`;
      return { tree: f.tree, error: message, attempts: 0 };
    }
  }

  /**
   * Whether podman's image store changed since the last call (its images.json
   * mtime); always true when the store file is unknown.
   */
  private async imageStoreChanged(): Promise<boolean> {
    if (!this.imageStore) {
      this.imageStore = { file: await this.options.podman.imageStoreFile() };
    }
    if (!this.imageStore.file) return false;
    let mtime: number | undefined;
    try {
      mtime = fs.statSync(this.imageStore.file).mtimeMs;
    } catch {
      mtime = undefined;
    }
    const changed = mtime !== this.imageStore.mtime;
    this.imageStore.mtime = mtime;
    return changed;
  }

  /**
   * Local image names, listed again only when podman's image store changed
   * (or, when its file is unknown, after {@link IMAGE_TTL_MS} or when `fresh`).
   */
  private async imageNames(fresh: boolean): Promise<Set<string>> {
    const now = this.now();
    const store = this.imageStore;
    if (this.images) {
      const valid = store?.file
        ? this.images.mtime === store.mtime
        : !fresh && now - this.images.at < IMAGE_TTL_MS;
      if (valid) return this.images.names;
    }
    this.images = {
      at: now,
      mtime: store?.mtime,
      names: await this.options.podman.imageNames(),
    };
    return this.images.names;
  }

  /** Records the folder's result; @returns the outcome when it must be reported. */
  private outcome(
    f: ReleaseFolder,
    revision: string,
    ok: boolean,
    message: string,
    reason: string,
    changed = false,
  ): ApplyOutcome | undefined {
    const prev = this.state.folders[f.path];
    const result = ok ? 'applied' : 'failed';
    const same =
      prev &&
      prev.tree === f.tree &&
      prev.result === result &&
      prev.message === message;
    this.state.folders[f.path] = {
      environment: f.environment,
      namespace: f.namespace,
      service: f.service,
      path: f.path,
      tree: f.tree,
      result,
      revision,
      appliedRevision: ok ? revision : prev?.appliedRevision,
      message: ok && same ? prev.message : message,
      updatedAt:
        same && !changed ? prev.updatedAt : new Date(this.now()).toISOString(),
    };
    if (!DNS1123_LABEL.test(f.environment)) return undefined;
    const signature = ok ? `${f.tree}|ok` : `${f.tree}|error|${message}`;
    if (!changed && this.state.reported[f.path] === signature) return undefined;
    return {
      environment: f.environment,
      namespace: f.namespace,
      service: f.service,
      path: f.path,
      revision,
      ok,
      message,
      reason,
    };
  }

  private async report(o: ApplyOutcome) {
    const { reporter, logger, clusterName } = this.options;
    const r = await postFluxEvent(
      reporter,
      o.environment,
      fluxEvent(o, clusterName),
    );
    const signature = o.ok
      ? `${this.state.folders[o.path]?.tree}|ok`
      : `${this.state.folders[o.path]?.tree}|error|${o.message}`;
    if (r.result === 'failed') {
      logger.warn(
        `could not report ${o.path} to the release manager (will retry): ${r.detail}`,
      );
      return;
    }
    if (r.result === 'rejected') {
      logger.warn(
        `the release manager rejected the event of ${o.path}: ${r.detail}`,
      );
    }
    this.state.reported[o.path] = signature;
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
      const pods = this.pods
        .filter(
          p =>
            p.labels[LABELS.environment] === s.environment &&
            p.labels[LABELS.namespace] === s.namespace &&
            p.labels[LABELS.service] === s.service,
        )
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(
          (p): PodStatus => ({
            name: p.name,
            deployment: p.labels[LABELS.deployment],
            replica: Number(p.labels[LABELS.replica]),
            generation: p.labels[LABELS.generation],
            hostPort: p.labels[LABELS.hostPort]
              ? Number(p.labels[LABELS.hostPort])
              : undefined,
            status: p.status,
            containers: p.containers.map(c => ({
              // podman names a pod's containers `<pod>-<container>`
              name: c.name.startsWith(`${p.name}-`)
                ? c.name.slice(p.name.length + 1)
                : c.name,
              status: c.status,
              restarts: this.backoff.restarts(c.id),
            })),
          }),
        );
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
