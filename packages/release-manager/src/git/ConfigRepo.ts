import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ServiceUnavailableError } from '@backstage/errors';
import { firstLine, runGit } from './exec';
import { FastImportWriter } from './FastImportWriter';
import { isLocalPath, RemoteSync } from './RemoteSync';
import { RepoReader } from './RepoReader';
import { WriteQueue } from './WriteQueue';
import { LoggedCommit, WriteOperation, WriteOutcome } from './types';

export type {
  Actor,
  CommitRequest,
  LoggedCommit,
  WriteContext,
  WriteOperation,
  WriteOutcome,
} from './types';
export { parseTrailers, redact } from './exec';

/** Options of {@link ConfigRepo}. */
export interface ConfigRepoOptions {
  /** Remote URL or path. A path that does not exist yet is created as a bare repository. */
  url: string;
  branch: string;
  workdir: string;
  committerName: string;
  committerEmail: string;
  /** Attempts after a push another writer beat. */
  pushRetries: number;
  /** SSH deploy key file, for ssh URLs. */
  sshKeyPath?: string;
  /** known_hosts file pinning the SSH server's host key; host keys are always checked strictly. */
  knownHostsPath?: string;
  /** PEM file of the CAs to trust for an https remote (a private CA). */
  caFile?: string;
  /** HTTPS basic-auth user. */
  username?: string;
  /** HTTPS basic-auth password or token. */
  password?: string;
  /** Serializes writers across processes (a database lock); runs `fn` holding it. */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called with the number of push retries of a batch (for metrics). */
  onPushRetry?: () => void;
  /** Largest number of queued operations committed before one push. Default 20. */
  maxBatch?: number;
}

const README = [
  '# Config repository',
  '',
  'Written by the Slipway release manager. Do not edit by hand.',
  '',
  '- `<environment>/releases/<namespace>/<service>/`: what runs where (manifests, `artifact.json`, `kustomization.yaml`)',
  '- `policies/<service>.json`: auto-release and branch-restriction policies',
  '',
].join('\n');

/**
 * The GitOps config repository, through the system `git`: a bare clone under the
 * data folder, composed of
 *
 * - {@link RemoteSync}: clone, fetch and push with credentials;
 * - {@link WriteQueue}: writes serialized through one queue (and a cross-process
 *   lock), one commit per operation, one `fast-import` ({@link FastImportWriter}) and
 *   one push per batch, retried when another writer won;
 * - {@link RepoReader}: reads at a fixed commit (`head`) through `git cat-file --batch`,
 *   history through `git log`.
 *
 * A batch builds on the known remote head and fetches first only when the remote
 * may have moved (always for a network remote; for a remote on this machine when its
 * ref file says so), so an uncontended batch costs two git processes: `fast-import`
 * and `push`.
 *
 * Errors: a remote that cannot be reached or refuses the push makes the write fail
 * with `ServiceUnavailableError` (HTTP 503); the local branch is then reset to the
 * last remote state (nothing unpushed stays behind), so the next write starts clean.
 */
export class ConfigRepo {
  private readonly reader: RepoReader;
  private readonly writer: FastImportWriter;
  private readonly remote: RemoteSync;
  private readonly queue: WriteQueue;
  private readonly gitDir: string;
  private headSha = '';
  private readonly listeners: Array<(head: string, external: boolean) => void> =
    [];
  private batches = 0;

  constructor(private readonly options: ConfigRepoOptions) {
    const { workdir } = options;
    this.gitDir = existsSync(path.join(workdir, '.git'))
      ? path.join(workdir, '.git')
      : workdir;
    this.reader = new RepoReader(this.gitDir);
    this.writer = new FastImportWriter(this.gitDir, options.branch, {
      name: options.committerName,
      email: options.committerEmail,
    });
    this.remote = new RemoteSync(options, this.gitDir);
    const lock = options.lock ?? (fn => fn());
    this.queue = new WriteQueue({
      reader: this.reader,
      writer: this.writer,
      remote: this.remote,
      base: o => this.base(o.refetch),
      pushed: tip => {
        this.setHead(tip, false);
        this.batches++;
      },
      resetLocal: base =>
        this.git(['update-ref', `refs/heads/${options.branch}`, base]).then(
          () => undefined,
          () => undefined,
        ),
      pushRetries: options.pushRetries,
      maxBatch: options.maxBatch ?? 20,
      lock,
      onPushRetry: options.onPushRetry,
      afterBatch: async () => {
        if (this.batches % 50 === 0) await this.maintenance();
      },
    });
  }

  /** Current commit that reads are served from (the last fetched or pushed state). */
  get head(): string {
    return this.headSha;
  }

  get workdir(): string {
    return this.options.workdir;
  }

  /** Registers a callback run when `head` moves; `external` when it moved by a fetch of other writers' commits. */
  onHeadChange(listener: (head: string, external: boolean) => void) {
    this.listeners.push(listener);
  }

  private git(args: string[]) {
    return runGit(args, { cwd: this.gitDir });
  }

  /**
   * Creates the bare repository (for a local path that does not exist), clones or
   * fetches it into the working folder, and makes sure the branch has a first commit.
   * @throws ServiceUnavailableError when the remote cannot be reached
   */
  async init(): Promise<void> {
    const { workdir, committerName, committerEmail } = this.options;
    await this.remote.createLocalRemoteIfMissing();
    if (
      !existsSync(path.join(workdir, '.git')) &&
      !existsSync(path.join(workdir, 'HEAD'))
    ) {
      await fs.rm(workdir, { recursive: true, force: true });
      await this.remote.clone();
    }
    for (const [key, value] of [
      ['user.name', committerName],
      ['user.email', committerEmail],
      ['core.commitGraph', 'true'],
      ['fetch.writeCommitGraph', 'false'],
      // Repacking is done by the release manager itself (see maintenance()).
      ['gc.auto', '0'],
    ]) {
      await this.git(['config', key, value]);
    }
    await this.remote.configureOrigin();
    await this.sync().catch(error => {
      if (!/has no branch/.test(String(error?.message))) throw error;
    });
    if (!this.headSha) {
      // An empty remote: create the first commit.
      const [sha] = await this.writer.write(undefined, [
        {
          message: 'Initialize config repository\n',
          author: { name: committerName, email: committerEmail },
          changes: [{ path: 'README.md', content: README }],
        },
      ]);
      try {
        await this.remote.push(sha);
      } catch (error) {
        throw new ServiceUnavailableError(
          `config repo ${
            this.remote.displayUrl
          } refused the first commit: ${firstLine(error)}`,
        );
      }
      await this.sync();
    }
    // Changed-path Bloom filters keep path-limited `git log` fast on long histories.
    await this.writeCommitGraph();
  }

  /** Writes the commit-graph file with changed-path Bloom filters. */
  async writeCommitGraph(): Promise<void> {
    await this.git([
      'commit-graph',
      'write',
      '--reachable',
      '--changed-paths',
    ]).catch(() => undefined);
  }

  /** Reads a ref from its loose file (fast path), else through `git rev-parse`. */
  private async readRef(ref: string): Promise<string | undefined> {
    try {
      const text = (
        await fs.readFile(path.join(this.gitDir, ref), 'utf8')
      ).trim();
      if (/^[0-9a-f]{40}$/.test(text)) return text;
    } catch {
      // packed or missing: ask git
    }
    try {
      const out = await this.git([
        'rev-parse',
        '--verify',
        '-q',
        `${ref}^{commit}`,
      ]);
      return out.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  private setHead(sha: string, external: boolean) {
    if (sha === this.headSha) return;
    this.headSha = sha;
    for (const l of this.listeners) l(sha, external);
  }

  /**
   * Fetches the remote and, when other writers moved it, moves `head` to it. Used by
   * the idle poller and before a write batch when the remote may have moved.
   * @throws ServiceUnavailableError when the remote cannot be reached
   */
  async sync(): Promise<void> {
    const { branch } = this.options;
    await this.remote.fetch();
    const remote = await this.readRef(`refs/remotes/origin/${branch}`);
    if (!remote) {
      throw new ServiceUnavailableError(
        `config repo ${this.remote.displayUrl} has no branch ${branch}`,
      );
    }
    if (remote !== this.headSha) this.setHead(remote, !!this.headSha);
  }

  /** The commit a write batch builds on: `head`, fetched first unless the remote is known to be there. */
  private async base(refetch: boolean): Promise<string> {
    if (
      refetch ||
      !this.headSha ||
      !isLocalPath(this.options.url) ||
      (await this.remote.localHead()) !== this.headSha
    ) {
      await this.sync();
    }
    return this.headSha;
  }

  /** Fetches when no write is running (for the idle poller). */
  async pollOnce(): Promise<void> {
    await this.queue.whenIdle(() => this.sync());
  }

  /**
   * Queues a write operation. Operations run one at a time, in order, against the
   * remote head; each that asks for a commit gets exactly one. Operations queued
   * together are pushed together. After another writer won the push the batch is
   * redone from the new remote head (so operations must derive everything from the
   * working tree they are handed).
   *
   * @throws whatever the operation throws (only that operation fails)
   * @throws ServiceUnavailableError when the remote cannot be reached or refuses the push
   */
  write<T>(op: WriteOperation<T>): Promise<WriteOutcome<T>> {
    return this.queue.write(op);
  }

  /**
   * Repacks the many small packs `fast-import` leaves (one per batch) and refreshes
   * the commit-graph; run every 50 batches.
   */
  private async maintenance() {
    await this.git(['repack', '-d', '-q', '--geometric=2']).catch(
      () => undefined,
    );
    await this.git([
      'commit-graph',
      'write',
      '--reachable',
      '--changed-paths',
      '--split',
    ]).catch(() => undefined);
    const { url } = this.options;
    if (isLocalPath(url) && existsSync(url)) {
      // The embedded bare repo (a path): the same incremental repack.
      await runGit(['repack', '-d', '-q', '--geometric=2'], { cwd: url }).catch(
        () => undefined,
      );
    }
    // The reader may hold deleted packs open: start a fresh one.
    this.reader.recycle();
  }

  /** Reads a file at `head` (or at `commit`); undefined when missing. */
  readFile(rel: string, commit = this.headSha): Promise<string | undefined> {
    return this.reader.readFile(rel, commit);
  }

  /** RFC 3339 author date of a commit. */
  commitDate(sha: string): Promise<string | undefined> {
    return this.reader.commitDate(sha);
  }

  /** The names in folder `rel` at `head` (or `commit`), one level, sorted; empty when missing. No process per call. */
  listEntries(rel: string, commit = this.headSha): Promise<string[]> {
    return this.reader.treeEntries(commit, rel).then(names => names.sort());
  }

  /** Lists every file path at `head` (or `commit`) under `prefix` (recursively). */
  listFiles(prefix?: string, commit = this.headSha): Promise<string[]> {
    return this.reader.listFiles(commit, prefix);
  }

  /** At most `count` commits touching `rel`, newest first, reachable from `head` (or `commit`). */
  log(rel: string, count: number, commit = this.headSha) {
    return this.reader.log(rel, count, commit);
  }

  /** For each of `paths`, the newest commit reachable from `head` (or `commit`) that touched it. */
  newestCommitsTouching(
    paths: Set<string>,
    onFound: (path: string, commit: LoggedCommit) => void,
    commit = this.headSha,
  ): Promise<void> {
    return this.reader.newestCommitsTouching(paths, onFound, commit);
  }

  /** Number of commits reachable from `head`. */
  commitCount(): Promise<number> {
    return this.reader.commitCount(this.headSha);
  }

  /** Whether the local branch holds commits the remote does not have (never, after a write returns). */
  async hasUnpushedCommits(): Promise<boolean> {
    const { branch } = this.options;
    const local = await this.readRef(`refs/heads/${branch}`);
    const remote = await this.readRef(`refs/remotes/origin/${branch}`);
    if (!local || local === remote) return false;
    const out = await this.git(['rev-list', '--count', `${remote}..${local}`]);
    return Number(out.trim()) > 0;
  }

  /** Waits for queued writes, then stops the reader process. */
  async close(): Promise<void> {
    await this.queue.close();
    this.reader.close();
  }
}
