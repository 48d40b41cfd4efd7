import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { CatFileBatch } from './CatFileBatch';
import { parseTrailers, runGit } from './exec';
import { LoggedCommit } from './types';

/** ASCII unit separator, between the fields of `git log` output. */
const US = '\x1f';
/** ASCII record separator, between the commits of `git log` output. */
const RS = '\x1e';
/** `git log --format` of {@link parseLogRecord}: sha, author date, name, email, message. */
const LOG_FORMAT = '%H%x1f%aI%x1f%an%x1f%ae%x1f%B';

/** Parses one `git log` record of {@link LOG_FORMAT} (fields separated by US). */
function parseLogRecord(record: string): LoggedCommit {
  const [sha, date, authorName, authorEmail, message] = record.split(US);
  return {
    sha,
    date,
    authorName,
    authorEmail,
    message,
    trailers: parseTrailers(message ?? ''),
  };
}

/**
 * Reads the config repo at fixed commits: files and trees through one long-running
 * `git cat-file --batch` (no process per read), history through `git log`. Every
 * method takes the commit to read; nothing here writes.
 */
export class RepoReader {
  private readonly batch: CatFileBatch;

  constructor(private readonly gitDir: string) {
    this.batch = new CatFileBatch(gitDir);
  }

  /** Reads a file at `commit`; undefined when missing. */
  readFile(rel: string, commit: string): Promise<string | undefined> {
    return this.batch.readText(`${commit}:${rel}`);
  }

  /** The entries (names) of a folder at `commit`, from its raw tree object; empty when missing. */
  async treeEntries(commit: string, dir: string): Promise<string[]> {
    const raw = await this.batch.read(`${commit}:${dir}`, false);
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

  /** RFC 3339 author date of a commit (read through cat-file, no process spawned). */
  async commitDate(sha: string): Promise<string | undefined> {
    const raw = (await this.batch.read(sha, false))?.toString('utf8');
    const m = raw && /^author .* (\d+) [+-]\d{4}$/m.exec(raw);
    return m ? new Date(Number(m[1]) * 1000).toISOString() : undefined;
  }

  /** Every file path at `commit` under `prefix` (recursively). */
  async listFiles(commit: string, prefix?: string): Promise<string[]> {
    const args = ['ls-tree', '-r', '--name-only', commit];
    if (prefix) args.push('--', prefix);
    const out = await runGit(args, { cwd: this.gitDir });
    return out.split('\n').filter(Boolean);
  }

  /** At most `count` commits touching `rel`, newest first, reachable from `commit`. */
  async log(
    rel: string,
    count: number,
    commit: string,
  ): Promise<LoggedCommit[]> {
    const out = await runGit(
      ['log', `-n${count}`, `--format=${LOG_FORMAT}%x1e`, commit, '--', rel],
      { cwd: this.gitDir },
    );
    return out
      .split(RS)
      .map(s => s.replace(/^\n/, ''))
      .filter(s => s.trim())
      .map(parseLogRecord);
  }

  /**
   * Walks the history from `commit` once (one `git log --name-only` process) and
   * reports, for each of `paths`, the newest commit that touched it. Stops as soon
   * as every path was seen.
   */
  async newestCommitsTouching(
    paths: Set<string>,
    onFound: (path: string, commit: LoggedCommit) => void,
    commit: string,
  ): Promise<void> {
    if (!paths.size) return;
    const left = new Set(paths);
    const proc = spawn(
      'git',
      ['log', `--format=%x1e${LOG_FORMAT}%x1f`, '--name-only', commit],
      { cwd: this.gitDir, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rl = readline.createInterface({ input: proc.stdout });
    let current: LoggedCommit | undefined;
    let header = '';
    let inHeader = false;
    const takeHeader = () => {
      if (header.split(US).length > 5) {
        current = parseLogRecord(header.slice(1));
        inHeader = false;
      }
    };
    for await (const line of rl) {
      if (line.startsWith(RS)) {
        header = line;
        inHeader = true;
        takeHeader();
        continue;
      }
      if (inHeader) {
        header += `\n${line}`;
        takeHeader();
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

  /** Number of commits reachable from `commit`. */
  async commitCount(commit: string): Promise<number> {
    const out = await runGit(['rev-list', '--count', commit], {
      cwd: this.gitDir,
    });
    return Number(out.trim());
  }

  /** Starts a fresh cat-file process for the next reads (after a repack); reads in flight finish. */
  recycle(): void {
    this.batch.recycle();
  }

  /** Stops the cat-file process (reads in flight are answered first). */
  close(): void {
    this.batch.close();
  }
}
