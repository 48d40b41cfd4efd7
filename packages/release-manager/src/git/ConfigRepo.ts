import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { simpleGit, SimpleGit } from 'simple-git';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatFileBatch } from './CatFileBatch';

/** A person: author of a release commit. */
export interface Actor {
  name: string;
  email: string;
}

/** What a write operation wants committed. */
export interface CommitRequest {
  /** Full commit message (subject, blank line, body with trailers). */
  message: string;
  author: Actor;
  /** Repository-relative paths the operation changed (files or folders). */
  paths: string[];
}

/** Handed to a write operation: the working tree at the current head, plus helpers. */
export interface WriteContext {
  /** Commit the working tree is at (includes earlier operations of the same batch). */
  head: string;
  /** Reads a file of the working tree; undefined when missing. */
  readFile(rel: string): Promise<string | undefined>;
  /** Writes a file of the working tree, creating folders. */
  writeFile(rel: string, content: string): Promise<void>;
  /** Removes a file or folder of the working tree (no error when missing). */
  remove(rel: string): Promise<void>;
  /** Lists the entries of a working tree folder (empty when missing). */
  list(rel: string): Promise<string[]>;
}

/** A write operation: changes the working tree and says what to commit, or nothing. */
export type WriteOperation<T> = (
  ctx: WriteContext,
) => Promise<{ result: T; commit?: CommitRequest }>;

/** Outcome of a write: the operation's result and the commit sha, when one was made. */
export interface WriteOutcome<T> {
  result: T;
  commit?: string;
}

/** A commit read back from the config repo. */
export interface LoggedCommit {
  sha: string;
  /** RFC 3339 author date. */
  date: string;
  authorName: string;
  authorEmail: string;
  message: string;
  /** Parsed `Key: value` trailers of the message. */
  trailers: Record<string, string>;
}

interface QueuedWrite {
  op: WriteOperation<any>;
  resolve(value: WriteOutcome<any>): void;
  reject(error: unknown): void;
}

/** Options of {@link ConfigRepo}. */
export interface ConfigRepoOptions {
  /** Remote URL or path. A path that does not exist yet is created as a bare repository. */
  url: string;
  branch: string;
  workdir: string;
  committerName: string;
  committerEmail: string;
  /** Attempts after a non-fast-forward push. */
  pushRetries: number;
  sshKeyPath?: string;
  username?: string;
  password?: string;
  /** Serializes writers across processes (a database lock); runs `fn` holding it. */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called with the number of push retries of a batch (for metrics). */
  onPushRetry?: () => void;
  /** Largest number of queued operations committed before one push. Default 20. */
  maxBatch?: number;
}

/** ASCII unit separator, between the fields of `git log` output. */
const US = '\x1f';

const NON_FAST_FORWARD =
  /non-fast-forward|\[rejected\].*(fetch first|stale info)|failed to update ref|cannot lock ref|Updates were rejected because/i;

/**
 * The GitOps config repository, through the system `git` (simple-git): a
 * working clone under the data folder, writes serialized through one queue
 * (and a cross-process lock), one commit per operation, pushed with retry on
 * non-fast-forward. Reads go to a fixed commit (`head`) through
 * `git cat-file --batch`, so they never see a half-written working tree.
 *
 * Errors: a remote that cannot be reached or refuses the push makes the write
 * fail with `ServiceUnavailableError` (HTTP 503); the working tree is then
 * reset to the last fetched remote state, so the next write starts clean.
 */
export class ConfigRepo {
  private readonly reader: CatFileBatch;
  private readonly queue: QueuedWrite[] = [];
  private running = false;
  private headSha = '';
  private readonly listeners: Array<(head: string, external: boolean) => void> =
    [];
  private closed = false;

  constructor(private readonly options: ConfigRepoOptions) {
    this.reader = new CatFileBatch(options.workdir);
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

  private wd(): SimpleGit {
    const g = simpleGit({
      baseDir: this.options.workdir,
      maxConcurrentProcesses: 8,
    });
    return this.withAuth(g);
  }

  private withAuth(g: SimpleGit): SimpleGit {
    if (this.options.sshKeyPath) {
      g.env({
        ...process.env,
        GIT_SSH_COMMAND: `ssh -i ${this.options.sshKeyPath} -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes`,
      });
    }
    return g;
  }

  private authArgs(): string[] {
    if (this.options.username && this.options.password) {
      const basic = Buffer.from(
        `${this.options.username}:${this.options.password}`,
      ).toString('base64');
      return ['-c', `http.extraHeader=Authorization: Basic ${basic}`];
    }
    return [];
  }

  private isLocalPath(url: string) {
    return !/^[a-z+]+:\/\//i.test(url) && !/^[^/]+@[^/]+:/.test(url);
  }

  /**
   * Creates the bare repository (for a local path that does not exist), clones
   * or fetches it into the working folder, and makes sure the branch has a
   * first commit.
   * @throws ServiceUnavailableError when the remote cannot be reached
   */
  async init(): Promise<void> {
    const { url, branch, workdir } = this.options;
    if (this.isLocalPath(url) && !existsSync(url)) {
      await fs.mkdir(url, { recursive: true });
      await simpleGit(url).raw(['init', '--bare', '-q', '-b', branch]);
    }
    if (!existsSync(path.join(workdir, '.git'))) {
      await fs.rm(workdir, { recursive: true, force: true });
      await fs.mkdir(path.dirname(workdir), { recursive: true });
      try {
        await this.withAuth(simpleGit()).raw([
          ...this.authArgs(),
          'clone',
          '-q',
          '--no-checkout',
          url,
          workdir,
        ]);
      } catch (error) {
        throw new ServiceUnavailableError(
          `config repo ${redact(url)} cannot be cloned: ${firstLine(error)}`,
        );
      }
    }
    const g = this.wd();
    await g.raw(['config', 'user.name', this.options.committerName]);
    await g.raw(['config', 'user.email', this.options.committerEmail]);
    await g.raw(['config', 'core.commitGraph', 'true']);
    await g.raw(['config', 'fetch.writeCommitGraph', 'false']);
    await g.raw(['config', 'gc.auto', '0']);
    await g.raw(['remote', 'set-url', 'origin', url]);
    try {
      await g.raw([...this.authArgs(), 'fetch', '-q', 'origin']);
    } catch (error) {
      throw new ServiceUnavailableError(
        `config repo ${redact(url)} cannot be fetched: ${firstLine(error)}`,
      );
    }
    const remoteHead = await this.revParse(`refs/remotes/origin/${branch}`);
    if (!remoteHead) {
      // An empty remote: create the first commit.
      await g
        .raw(['checkout', '-q', '--orphan', branch])
        .catch(() => undefined);
      await fs.writeFile(
        path.join(workdir, 'README.md'),
        [
          '# Config repository',
          '',
          'Written by the Slipway release manager. Do not edit by hand.',
          '',
          '- `<environment>/releases/<namespace>/<service>/`: what runs where (manifests, `artifact.json`, `kustomization.yaml`)',
          '- `policies/<service>.json`: auto-release and branch-restriction policies',
          '',
        ].join('\n'),
      );
      await g.raw(['add', 'README.md']);
      await g.raw([
        'commit',
        '-q',
        '--no-verify',
        '-m',
        'Initialize config repository',
      ]);
      try {
        await g.raw([
          ...this.authArgs(),
          'push',
          '-q',
          'origin',
          `HEAD:refs/heads/${branch}`,
        ]);
      } catch (error) {
        throw new ServiceUnavailableError(
          `config repo ${redact(url)} refused the first commit: ${firstLine(
            error,
          )}`,
        );
      }
      await g.raw([...this.authArgs(), 'fetch', '-q', 'origin']);
    }
    await g.raw([
      'checkout',
      '-q',
      '-B',
      branch,
      `refs/remotes/origin/${branch}`,
    ]);
    await g.raw(['reset', '-q', '--hard', `refs/remotes/origin/${branch}`]);
    await g.raw(['clean', '-qfd']);
    this.headSha = (await this.revParse('HEAD'))!;
    // Changed-path Bloom filters keep path-limited `git log` fast on long histories.
    await this.writeCommitGraph();
  }

  /** Writes the commit-graph file with changed-path Bloom filters. */
  async writeCommitGraph(): Promise<void> {
    await this.wd()
      .raw(['commit-graph', 'write', '--reachable', '--changed-paths'])
      .catch(() => undefined);
  }

  private async revParse(ref: string): Promise<string | undefined> {
    try {
      const out = await this.wd().raw([
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

  /** Reads a ref from its loose file (fast path), else through `git rev-parse`. */
  private async readRef(ref: string): Promise<string | undefined> {
    try {
      const text = (
        await fs.readFile(path.join(this.options.workdir, '.git', ref), 'utf8')
      ).trim();
      if (/^[0-9a-f]{40}$/.test(text)) return text;
    } catch {
      // packed or missing: ask git
    }
    return this.revParse(ref);
  }

  private setHead(sha: string, external: boolean) {
    if (sha === this.headSha) return;
    this.headSha = sha;
    for (const l of this.listeners) l(sha, external);
  }

  /**
   * Fetches the remote and, when other writers moved it, resets the working
   * tree and `head` to it. Used by the idle poller and before every write batch.
   * @throws ServiceUnavailableError when the remote cannot be reached
   */
  async sync(): Promise<void> {
    const { branch, url } = this.options;
    const g = this.wd();
    try {
      await g.raw([
        ...this.authArgs(),
        'fetch',
        '-q',
        'origin',
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ]);
    } catch (error) {
      throw new ServiceUnavailableError(
        `config repo ${redact(url)} is unreachable: ${firstLine(error)}`,
      );
    }
    const remote = await this.readRef(`refs/remotes/origin/${branch}`);
    if (!remote) {
      throw new ServiceUnavailableError(
        `config repo ${redact(url)} has no branch ${branch}`,
      );
    }
    if (remote !== this.headSha) {
      await g.raw(['reset', '-q', '--hard', remote]);
      await g.raw(['clean', '-qfd']);
      this.setHead(remote, true);
    }
  }

  /** Fetches when no write is running (for the idle poller). */
  async pollOnce(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      await (this.options.lock ?? (fn => fn()))(() => this.sync());
    } finally {
      this.running = false;
      if (this.queue.length) void this.runQueue();
    }
  }

  /**
   * Queues a write operation. Operations run one at a time, in order, against
   * the freshly fetched head; each that asks for a commit gets exactly one.
   * Operations queued together are pushed together. After a non-fast-forward
   * rejection the batch is redone from the new remote head (so operations must
   * derive everything from the working tree they are handed).
   *
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
      if (!this.running) void this.runQueue();
    });
  }

  private async runQueue() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.options.maxBatch ?? 20);
        const lock = this.options.lock ?? (fn => fn());
        try {
          await lock(() => this.runBatch(batch));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: QueuedWrite[]) {
    const { branch } = this.options;
    const g = this.wd();
    let attempt = 0;
    for (;;) {
      // Throws ServiceUnavailableError: every write of the batch fails, nothing was touched.
      await this.sync();
      const base = this.headSha;
      const outcomes = new Map<QueuedWrite, WriteOutcome<any>>();
      const failures = new Map<QueuedWrite, unknown>();
      let committed = false;
      let current = base;
      for (const w of batch) {
        try {
          const { result, commit } = await w.op(this.context(current));
          if (!commit) {
            outcomes.set(w, { result });
            continue;
          }
          await g.raw(['add', '-A', '--', ...commit.paths]);
          try {
            await g.raw([
              'commit',
              '-q',
              '--no-verify',
              `--author=${sanitize(commit.author.name)} <${sanitize(
                commit.author.email,
              )}>`,
              '-m',
              commit.message,
            ]);
          } catch (error) {
            if (
              /nothing to commit|nothing added to commit|no changes added/i.test(
                String((error as Error)?.message),
              )
            ) {
              outcomes.set(w, { result });
              continue;
            }
            throw error;
          }
          committed = true;
          current = (await this.readRef(`refs/heads/${branch}`))!;
          outcomes.set(w, { result, commit: current });
        } catch (error) {
          failures.set(w, error);
          // Undo this operation's partial changes; earlier operations are committed.
          await g.raw(['reset', '-q', '--hard', 'HEAD']);
          await g.raw(['clean', '-qfd']);
        }
      }
      if (committed) {
        try {
          await g.raw([
            ...this.authArgs(),
            'push',
            '-q',
            '--porcelain',
            'origin',
            `HEAD:refs/heads/${branch}`,
          ]);
        } catch (error) {
          // Back to the last known remote state: the working copy stays clean.
          await g.raw(['reset', '-q', '--hard', base]);
          await g.raw(['clean', '-qfd']);
          const msg = String((error as Error)?.message ?? error);
          if (
            NON_FAST_FORWARD.test(msg) &&
            attempt < this.options.pushRetries
          ) {
            attempt++;
            this.options.onPushRetry?.();
            continue;
          }
          const e = new ServiceUnavailableError(
            NON_FAST_FORWARD.test(msg)
              ? `config repo kept moving: gave up after ${attempt} push retries; try again`
              : `config repo ${redact(
                  this.options.url,
                )} refused the push: ${firstLine(error)}`,
          );
          for (const w of batch) {
            if (failures.has(w)) w.reject(failures.get(w));
            else w.reject(e);
          }
          return;
        }
        this.setHead(current, false);
      }
      for (const w of batch) {
        if (failures.has(w)) w.reject(failures.get(w));
        else w.resolve(outcomes.get(w)!);
      }
      return;
    }
  }

  private resolveInside(rel: string): string {
    const abs = path.resolve(this.options.workdir, rel);
    if (
      !abs.startsWith(this.options.workdir + path.sep) ||
      abs.includes(`${path.sep}.git`)
    ) {
      throw new Error(`path escapes the config repo: ${rel}`);
    }
    return abs;
  }

  private context(head: string): WriteContext {
    return {
      head,
      readFile: async rel => {
        try {
          return await fs.readFile(this.resolveInside(rel), 'utf8');
        } catch (e: any) {
          if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
          throw e;
        }
      },
      writeFile: async (rel, content) => {
        const abs = this.resolveInside(rel);
        await fs.mkdir(path.dirname(abs), { recursive: true });
        await fs.writeFile(abs, content);
      },
      remove: async rel => {
        await fs.rm(this.resolveInside(rel), { recursive: true, force: true });
      },
      list: async rel => {
        try {
          return await fs.readdir(this.resolveInside(rel));
        } catch {
          return [];
        }
      },
    };
  }

  /** Reads a file at `head` (or at `commit`); undefined when missing. */
  readFile(rel: string, commit = this.headSha): Promise<string | undefined> {
    return this.reader.readText(`${commit}:${rel}`);
  }

  /** RFC 3339 author date of a commit (read through cat-file, no process spawned). */
  async commitDate(sha: string): Promise<string | undefined> {
    const raw = (await this.reader.read(sha, false))?.toString('utf8');
    const m = raw && /^author .* (\d+) [+-]\d{4}$/m.exec(raw);
    return m ? new Date(Number(m[1]) * 1000).toISOString() : undefined;
  }

  /** Lists every file path at `head` under `prefix` (recursively). */
  async listFiles(prefix?: string, commit = this.headSha): Promise<string[]> {
    const args = ['ls-tree', '-r', '--name-only', commit];
    if (prefix) args.push('--', prefix);
    const out = await this.wd().raw(args);
    return out.split('\n').filter(Boolean);
  }

  /**
   * Commits touching `rel`, newest first, reachable from `head`.
   * @param count - at most this many
   */
  async log(
    rel: string,
    count: number,
    commit = this.headSha,
  ): Promise<LoggedCommit[]> {
    const out = await this.wd().raw([
      'log',
      `-n${count}`,
      '--format=%H%x1f%aI%x1f%an%x1f%ae%x1f%B%x1e',
      commit,
      '--',
      rel,
    ]);
    return out
      .split('\x1e')
      .map(s => s.replace(/^\n/, ''))
      .filter(s => s.trim())
      .map(rec => {
        const [sha, date, authorName, authorEmail, message] = rec.split('\x1f');
        return {
          sha,
          date,
          authorName,
          authorEmail,
          message,
          trailers: parseTrailers(message),
        };
      });
  }

  /**
   * Walks the history from `commit` once (one `git log --name-only` process)
   * and reports, for each of `paths`, the newest commit that touched it.
   * Stops as soon as every path was seen.
   */
  async newestCommitsTouching(
    paths: Set<string>,
    onFound: (path: string, commit: LoggedCommit) => void,
    commit = this.headSha,
  ): Promise<void> {
    if (!paths.size) return;
    const left = new Set(paths);
    const proc = spawn(
      'git',
      [
        'log',
        '--format=%x1e%H%x1f%aI%x1f%an%x1f%ae%x1f%B%x1f',
        '--name-only',
        commit,
      ],
      { cwd: this.options.workdir, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rl = readline.createInterface({ input: proc.stdout });
    let current: LoggedCommit | undefined;
    let header = '';
    let inHeader = false;
    const finishHeader = () => {
      const [sha, date, authorName, authorEmail, message] = header
        .slice(1)
        .split('\x1f');
      current = {
        sha,
        date,
        authorName,
        authorEmail,
        message,
        trailers: parseTrailers(message ?? ''),
      };
      inHeader = false;
    };
    for await (const line of rl) {
      if (line.startsWith('\x1e')) {
        header = line;
        inHeader = true;
        if (line.split(US).length > 5) finishHeader();
        continue;
      }
      if (inHeader) {
        header += `\n${line}`;
        if (header.split(US).length > 5) finishHeader();
        continue;
      }
      if (current && line && left.has(line)) {
        left.delete(line);
        onFound(line, current);
        if (!left.size) break;
      }
    }
    rl.close();
    proc.kill();
  }

  /** Number of commits reachable from `head`. */
  async commitCount(): Promise<number> {
    const out = await this.wd().raw(['rev-list', '--count', this.headSha]);
    return Number(out.trim());
  }

  /** Whether the working tree has uncommitted changes (for tests and health). */
  async isClean(): Promise<boolean> {
    const out = await this.wd().raw(['status', '--porcelain']);
    return out.trim() === '';
  }

  /** Waits for queued writes, then stops the reader process. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.queue.length) {
      await new Promise(r => setTimeout(r, 20));
    }
    this.reader.close();
  }
}

/** Parses `Key: value` lines of the last paragraph of a commit message. */
export function parseTrailers(message: string): Record<string, string> {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const out: Record<string, string> = {};
  for (const line of last.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function sanitize(s: string) {
  return s.replace(/[<>\n\r]/g, '').trim();
}

function firstLine(error: unknown): string {
  const msg = String((error as Error)?.message ?? error);
  const lines = msg
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^hint:/.test(l));
  return redact(
    lines.find(l => /fatal|error|rejected|declined/i.test(l)) ??
      lines[0] ??
      'unknown error',
  );
}

/** Removes credentials from URLs in a message. */
export function redact(s: string): string {
  return s.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
}
