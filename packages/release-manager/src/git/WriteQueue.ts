import { ServiceUnavailableError } from '@backstage/errors';
import { FastImportWriter } from './FastImportWriter';
import { RemoteSync } from './RemoteSync';
import { RepoReader } from './RepoReader';
import { WorkingTree } from './WorkingTree';
import { Change, NewCommit, WriteOperation, WriteOutcome } from './types';

interface QueuedWrite {
  op: WriteOperation<any>;
  resolve(value: WriteOutcome<any>): void;
  reject(error: unknown): void;
}

/** What the queue needs from the repository around it. */
export interface WriteQueueOptions {
  reader: RepoReader;
  writer: FastImportWriter;
  remote: RemoteSync;
  /** The commit a batch builds on: the remote head, fetched when it may have moved. */
  base(options: { refetch: boolean }): Promise<string>;
  /** The batch's commits are on the remote: `tip` is the new head. */
  pushed(tip: string): void;
  /** A failed batch: put the local branch back at `base` (nothing unpushed stays behind). */
  resetLocal(base: string): Promise<void>;
  /** Attempts after a push another writer beat. */
  pushRetries: number;
  /** Largest number of queued operations committed before one push. */
  maxBatch: number;
  /** Serializes writers across processes (a database lock); runs `fn` holding it. */
  lock<T>(fn: () => Promise<T>): Promise<T>;
  /** Called once per push retry (for metrics). */
  onPushRetry?: () => void;
  /** Called after every batch that pushed commits. */
  afterBatch?: () => Promise<void>;
}

/**
 * The config repo's write queue: operations run one at a time, in order, against
 * the remote head; each that asks for a commit gets exactly one; operations queued
 * together are written with one `git fast-import` and pushed with one push. A push
 * another writer beat is retried from the new head, redoing the batch (so operations
 * derive everything from the working tree they are handed).
 */
export class WriteQueue {
  private readonly queue: QueuedWrite[] = [];
  private running = false;
  private closed = false;

  constructor(private readonly options: WriteQueueOptions) {}

  /** True while a batch (or an exclusive task) runs. */
  get busy(): boolean {
    return this.running;
  }

  /**
   * Queues a write operation.
   * @throws whatever the operation throws (only that operation fails)
   * @throws ServiceUnavailableError when the remote cannot be reached or refuses the push
   */
  write<T>(op: WriteOperation<T>): Promise<WriteOutcome<T>> {
    if (this.closed) {
      return Promise.reject(
        new ServiceUnavailableError('release manager is stopping'),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  /** Runs `task` when no batch runs (skips it when one does), e.g. the idle poll. */
  async whenIdle(task: () => Promise<void>): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      await this.options.lock(task);
    } finally {
      this.running = false;
      if (this.queue.length) void this.run();
    }
  }

  /** Refuses new writes and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.queue.length) {
      await new Promise(r => setTimeout(r, 20));
    }
  }

  private async run() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        try {
          await this.options.lock(() => this.runBatch(batch));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Runs the operations on a working tree of `base`: their outcomes, failures and commits. */
  private async apply(batch: QueuedWrite[], base: string) {
    const tree = new WorkingTree(base, this.options.reader);
    const outcomes = new Map<QueuedWrite, WriteOutcome<any>>();
    const failures = new Map<QueuedWrite, unknown>();
    const commits: Array<NewCommit & { w: QueuedWrite }> = [];
    for (const w of batch) {
      const own: Change[] = [];
      try {
        const { result, commit } = await w.op(tree.context(own));
        outcomes.set(w, { result });
        if (commit && (await tree.effectiveChanges(own)).length) {
          tree.accept(own);
          commits.push({ w, ...commit, changes: own });
        }
      } catch (error) {
        // Only this operation fails; its changes are dropped.
        failures.set(w, error);
      }
    }
    return { outcomes, failures, commits };
  }

  private async runBatch(batch: QueuedWrite[]) {
    const { writer, remote } = this.options;
    for (let attempt = 0; ; attempt++) {
      // Throws ServiceUnavailableError: every write of the batch fails, nothing was touched.
      const base = await this.options.base({ refetch: attempt > 0 });
      const { outcomes, failures, commits } = await this.apply(batch, base);
      let shas: string[] = [];
      if (commits.length) {
        try {
          shas = await writer.write(base, commits);
        } catch (error) {
          for (const c of commits) {
            outcomes.delete(c.w);
            failures.set(c.w, error);
          }
        }
      }
      if (shas.length) {
        const tip = shas[shas.length - 1];
        let pushed;
        try {
          pushed = await remote.push(tip, base);
        } catch (error) {
          await this.options.resetLocal(base);
          for (const w of batch) w.reject(failures.get(w) ?? error);
          return;
        }
        if (pushed === 'stale') {
          await this.options.resetLocal(base);
          if (attempt < this.options.pushRetries) {
            this.options.onPushRetry?.();
            continue;
          }
          const e = new ServiceUnavailableError(
            `config repo ${remote.displayUrl} kept moving: gave up after ${attempt} push retries; try again`,
          );
          for (const w of batch) w.reject(failures.get(w) ?? e);
          return;
        }
        commits.forEach((c, i) => {
          outcomes.get(c.w)!.commit = shas[i];
        });
        this.options.pushed(tip);
      }
      for (const w of batch) {
        if (failures.has(w)) w.reject(failures.get(w));
        else w.resolve(outcomes.get(w)!);
      }
      if (shas.length) await this.options.afterBatch?.();
      return;
    }
  }
}
