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
  /** Repository-relative paths the operation changed (informational; the changes are tracked). */
  paths?: string[];
}

/**
 * Handed to a write operation: the tree of the current head plus the changes
 * of earlier operations of the same batch, and the operation's own changes.
 */
export interface WriteContext {
  /** Commit the batch starts from (the freshly fetched remote head). */
  head: string;
  /** Reads a file; undefined when missing. */
  readFile(rel: string): Promise<string | undefined>;
  /** Writes a file. */
  writeFile(rel: string, content: string): Promise<void>;
  /** Removes a file or folder (no error when missing). */
  remove(rel: string): Promise<void>;
  /** Lists the entries of a folder (empty when missing). */
  list(rel: string): Promise<string[]>;
}

/** One change of a write: a file written (`content`) or a path removed (`content: null`). */
interface Change {
  path: string;
  content: string | null;
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
 * The GitOps config repository, through the system `git` (simple-git and
 * plumbing): a clone under the data folder, writes serialized through one
 * queue (and a cross-process lock), one commit per operation, pushed with
 * retry on non-fast-forward.
 *
 * A batch of queued operations costs three git processes whatever its size:
 * `fetch`, one `fast-import` that writes every operation's commit on top of
 * the fetched head (only the changed paths; no checkout, no index), and
 * `push`. Reads go to a fixed commit (`head`) through `git cat-file --batch`.
 *
 * Errors: a remote that cannot be reached or refuses the push makes the write
 * fail with `ServiceUnavailableError` (HTTP 503); the local branch is then
 * reset to the last fetched remote state (nothing unpushed stays behind), so
 * the next write starts clean.
 */
export class ConfigRepo {
  private readonly reader: CatFileBatch;
  private readonly queue: QueuedWrite[] = [];
  private running = false;
  private headSha = '';
  private readonly listeners: Array<(head: string, external: boolean) => void> =
    [];
  private closed = false;
  private gitDir = '';
  private localRemote?: string;
  private batches = 0;

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
      const bare = simpleGit(url);
      await bare.raw(['init', '--bare', '-q', '-b', branch]);
      // Keep pushes as packs and repack geometrically (maintenance()) instead of a
      // full `gc --auto` after some push, which would stall releases for seconds.
      await bare.raw(['config', 'receive.autogc', 'false']);
      await bare.raw(['config', 'transfer.unpackLimit', '1']);
      await bare.raw(['config', 'gc.auto', '0']);
    }
    this.localRemote = this.isLocalPath(url) ? url : undefined;
    if (
      !existsSync(path.join(workdir, '.git')) &&
      !existsSync(path.join(workdir, 'HEAD'))
    ) {
      await fs.rm(workdir, { recursive: true, force: true });
      await fs.mkdir(path.dirname(workdir), { recursive: true });
      try {
        await this.withAuth(simpleGit()).raw([
          ...this.authArgs(),
          'clone',
          '-q',
          '--bare',
          url,
          workdir,
        ]);
      } catch (error) {
        throw new ServiceUnavailableError(
          `config repo ${redact(url)} cannot be cloned: ${firstLine(error)}`,
        );
      }
    }
    this.gitDir = existsSync(path.join(workdir, '.git'))
      ? path.join(workdir, '.git')
      : workdir;
    const g = this.wd();
    await g.raw(['config', 'user.name', this.options.committerName]);
    await g.raw(['config', 'user.email', this.options.committerEmail]);
    await g.raw(['config', 'core.commitGraph', 'true']);
    await g.raw(['config', 'fetch.writeCommitGraph', 'false']);
    // Repacking is done by the release manager itself (see maintenance()).
    await g.raw(['config', 'gc.auto', '0']);
    await g.raw(['remote', 'set-url', 'origin', url]);
    await this.sync().catch(error => {
      if (!/has no branch/.test(String(error?.message))) throw error;
    });
    if (!this.headSha) {
      // An empty remote: create the first commit.
      const readme = [
        '# Config repository',
        '',
        'Written by the Slipway release manager. Do not edit by hand.',
        '',
        '- `<environment>/releases/<namespace>/<service>/`: what runs where (manifests, `artifact.json`, `kustomization.yaml`)',
        '- `policies/<service>.json`: auto-release and branch-restriction policies',
        '',
      ].join('\n');
      const [sha] = await this.fastImport(undefined, [
        {
          message: 'Initialize config repository\n',
          author: {
            name: this.options.committerName,
            email: this.options.committerEmail,
          },
          changes: [{ path: 'README.md', content: readme }],
        },
      ]);
      try {
        await g.raw([
          ...this.authArgs(),
          'push',
          '-q',
          'origin',
          `${sha}:refs/heads/${branch}`,
        ]);
      } catch (error) {
        throw new ServiceUnavailableError(
          `config repo ${redact(url)} refused the first commit: ${firstLine(
            error,
          )}`,
        );
      }
      await this.sync();
    }
    // Changed-path Bloom filters keep path-limited `git log` fast on long histories.
    await this.writeCommitGraph();
  }

  /**
   * Writes commits with one `git fast-import` process: each on top of the
   * previous one, the first on `parent` (a root commit when undefined).
   * @returns the new commit shas, in order
   */
  private async fastImport(
    parent: string | undefined,
    commits: Array<{ message: string; author: Actor; changes: Change[] }>,
  ): Promise<string[]> {
    const { branch } = this.options;
    const marksFile = path.join(
      this.gitDir,
      `slipway-marks-${process.pid}-${Date.now()}`,
    );
    const ref = `refs/heads/${branch}`;
    const parts: Buffer[] = [];
    const text = (t: string) => parts.push(Buffer.from(t, 'utf8'));
    const data = (t: string) => {
      const b = Buffer.from(t, 'utf8');
      parts.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
    };
    const now = Math.floor(Date.now() / 1000);
    const who = (a: Actor) =>
      `${sanitize(a.name)} <${sanitize(a.email)}> ${now} +0000`;
    if (!parent) text(`reset ${ref}\n\n`);
    commits.forEach((c, i) => {
      text(`commit ${ref}\nmark :${i + 1}\n`);
      text(`author ${who(c.author)}\n`);
      text(
        `committer ${who({
          name: this.options.committerName,
          email: this.options.committerEmail,
        })}\n`,
      );
      data(c.message);
      if (i === 0 && parent) text(`from ${parent}\n`);
      for (const ch of c.changes) {
        if (/[\n\r"]/.test(ch.path)) throw new Error(`invalid path ${ch.path}`);
        if (ch.content === null) text(`D ${ch.path}\n`);
        else {
          text(`M 100644 inline ${ch.path}\n`);
          data(ch.content);
        }
      }
      text('\n');
    });
    text('done\n');
    await new Promise<void>((resolve, reject) => {
      const proc = spawn(
        'git',
        [
          'fast-import',
          '--quiet',
          '--done',
          '--force',
          `--export-marks=${marksFile}`,
        ],
        {
          cwd: this.gitDir,
          stdio: ['pipe', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      proc.stderr.on('data', d => {
        stderr += d;
      });
      proc.on('error', reject);
      proc.on('exit', code =>
        code === 0
          ? resolve()
          : reject(
              new Error(`git fast-import failed (${code}): ${stderr.trim()}`),
            ),
      );
      proc.stdin.on('error', () => undefined);
      proc.stdin.end(Buffer.concat(parts));
    });
    const marks = await fs.readFile(marksFile, 'utf8');
    await fs.rm(marksFile, { force: true });
    const byMark = new Map<string, string>();
    for (const line of marks.split('\n')) {
      const [m, sha] = line.split(' ');
      if (m && sha) byMark.set(m, sha);
    }
    return commits.map((_, i) => byMark.get(`:${i + 1}`)!);
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
        await fs.readFile(path.join(this.gitDir, ref), 'utf8')
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
   * Fetches the remote and, when other writers moved it, moves `head` to it. Used by the idle poller and before every write batch.
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
      if (/couldn't find remote ref/i.test(String((error as Error)?.message))) {
        throw new ServiceUnavailableError(
          `config repo ${redact(url)} has no branch ${branch}`,
        );
      }
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
    if (remote !== this.headSha) this.setHead(remote, !!this.headSha);
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
      const batchChanges: Change[] = [];
      const commits: Array<{
        w: QueuedWrite;
        message: string;
        author: Actor;
        changes: Change[];
      }> = [];
      for (const w of batch) {
        const own: Change[] = [];
        try {
          const { result, commit } = await w.op(
            this.context(base, batchChanges, own),
          );
          const effective = commit
            ? await this.effectiveChanges(base, batchChanges, own)
            : [];
          if (!commit || !effective.length) {
            outcomes.set(w, { result });
            continue;
          }
          batchChanges.push(...own);
          commits.push({
            w,
            message: commit.message,
            author: commit.author,
            changes: own,
          });
          outcomes.set(w, { result });
        } catch (error) {
          // Only this operation fails; its changes are dropped.
          failures.set(w, error);
        }
      }
      if (commits.length) {
        let shas: string[];
        try {
          shas = await this.fastImport(base, commits);
        } catch (error) {
          for (const c of commits) {
            outcomes.delete(c.w);
            failures.set(c.w, error);
          }
          shas = [];
        }
        if (shas.length) {
          const tip = shas[shas.length - 1];
          try {
            await g.raw([
              ...this.authArgs(),
              'push',
              '-q',
              '--porcelain',
              'origin',
              `${tip}:refs/heads/${branch}`,
            ]);
          } catch (error) {
            // Nothing unpushed stays behind: the local branch goes back to the remote state.
            await g
              .raw(['update-ref', `refs/heads/${branch}`, base])
              .catch(() => undefined);
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
          // The remote has it now: keep the remote-tracking ref in step.
          await g
            .raw(['update-ref', `refs/remotes/origin/${branch}`, tip])
            .catch(() => undefined);
          commits.forEach((c, i) => {
            outcomes.get(c.w)!.commit = shas[i];
          });
          this.setHead(tip, false);
          this.batches++;
        }
      }
      for (const w of batch) {
        if (failures.has(w)) w.reject(failures.get(w));
        else w.resolve(outcomes.get(w)!);
      }
      if (this.batches % 50 === 0 && commits.length) await this.maintenance();
      return;
    }
  }

  /**
   * Repacks the many small packs `fast-import` leaves (one per batch) and
   * refreshes the commit-graph, every 50 batches.
   */
  private async maintenance() {
    const g = this.wd();
    await g.raw(['repack', '-d', '-q', '--geometric=2']).catch(() => undefined);
    await g
      .raw([
        'commit-graph',
        'write',
        '--reachable',
        '--changed-paths',
        '--split',
      ])
      .catch(() => undefined);
    if (this.localRemote && existsSync(this.localRemote)) {
      // The embedded bare repo (a path): the same incremental repack.
      await simpleGit(this.localRemote)
        .raw(['repack', '-d', '-q', '--geometric=2'])
        .catch(() => undefined);
    }
    // The reader may hold deleted packs open: start a fresh one.
    this.reader.recycle();
  }

  /** Resolves a path through the change layers (newest first), then the base tree. */
  private async resolve(
    base: string,
    layers: Change[][],
    rel: string,
  ): Promise<string | undefined> {
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      for (let i = layer.length - 1; i >= 0; i--) {
        const c = layer[i];
        if (c.path === rel) return c.content ?? undefined;
        if (c.content === null && rel.startsWith(`${c.path}/`))
          return undefined;
      }
    }
    return this.reader.readText(`${base}:${rel}`);
  }

  /** The entries (names) of a folder at `base`, from its raw tree object. */
  private async treeEntries(base: string, dir: string): Promise<string[]> {
    const raw = await this.reader.read(`${base}:${dir}`, false);
    if (!raw) return [];
    const names: string[] = [];
    let i = 0;
    // Raw tree: "<mode> <name>\0<20-byte id>" repeated; a blob read gives no NULs.
    while (i < raw.length) {
      const sp = raw.indexOf(0x20, i);
      const nul = raw.indexOf(0, sp);
      if (sp < 0 || nul < 0) return [];
      names.push(raw.subarray(sp + 1, nul).toString('utf8'));
      i = nul + 21;
    }
    return names;
  }

  /** Drops changes that leave the tree as it was, so an operation without effect makes no commit. */
  private async effectiveChanges(
    base: string,
    before: Change[],
    own: Change[],
  ): Promise<Change[]> {
    const out: Change[] = [];
    for (const c of own) {
      const current = await this.resolve(base, [before], c.path);
      if (c.content === null) {
        const isDir =
          (await this.listLayered(base, [before], c.path)).length > 0;
        if (current !== undefined || isDir) out.push(c);
      } else if (current !== c.content) {
        out.push(c);
      }
    }
    return out;
  }

  private async listLayered(
    base: string,
    layers: Change[][],
    dir: string,
  ): Promise<string[]> {
    const prefix = `${dir}/`;
    const names = new Set(await this.treeEntries(base, dir));
    for (const layer of layers) {
      for (const c of layer) {
        if (c.content === null) {
          if (c.path === dir || dir.startsWith(`${c.path}/`)) names.clear();
          else if (
            c.path.startsWith(prefix) &&
            !c.path.slice(prefix.length).includes('/')
          ) {
            names.delete(c.path.slice(prefix.length));
          }
        } else if (c.path.startsWith(prefix)) {
          names.add(c.path.slice(prefix.length).split('/')[0]);
        }
      }
    }
    return [...names].sort();
  }

  private checkPath(rel: string): string {
    const norm = path.posix.normalize(rel);
    if (
      norm !== rel ||
      rel.startsWith('/') ||
      rel
        .split('/')
        .some(
          seg => seg === '..' || seg === '.' || seg === '' || seg === '.git',
        )
    ) {
      throw new Error(`path escapes the config repo: ${rel}`);
    }
    return rel;
  }

  private context(base: string, before: Change[], own: Change[]): WriteContext {
    return {
      head: base,
      readFile: async rel =>
        this.resolve(base, [before, own], this.checkPath(rel)),
      writeFile: async (rel, content) => {
        own.push({ path: this.checkPath(rel), content });
      },
      remove: async rel => {
        own.push({ path: this.checkPath(rel), content: null });
      },
      list: async rel =>
        this.listLayered(base, [before, own], this.checkPath(rel)),
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

  /** Whether the local branch holds commits the remote does not have (never, after a write returns). */
  async hasUnpushedCommits(): Promise<boolean> {
    const { branch } = this.options;
    const local = await this.readRef(`refs/heads/${branch}`);
    const remote = await this.readRef(`refs/remotes/origin/${branch}`);
    if (!local) return false;
    if (local === remote) return false;
    const out = await this.wd().raw([
      'rev-list',
      '--count',
      `${remote}..${local}`,
    ]);
    return Number(out.trim()) > 0;
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
