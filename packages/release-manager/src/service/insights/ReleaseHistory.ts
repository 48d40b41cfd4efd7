import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { runGit } from '../../git/exec';
import { IntentType } from '../../http/types';

/**
 * One release commit of the config repo, read back from its trailers (see
 * `releaseMessage` in `../releases/messages.ts`).
 */
export interface ReleaseRecord {
  /** Sha of the release commit. */
  commit: string;
  /** Release time: the commit's author time, epoch milliseconds. */
  at: number;
  service: string;
  environment: string;
  namespace: string;
  artifactId: string;
  intent: IntentType;
  /** `Intent-From-Environment` of a promotion. */
  fromEnvironment?: string;
  /** `Intent-Previous-Artifact-ID` of a rollback: the artifact rolled back from. */
  previousArtifactId?: string;
  releasedByName?: string;
  releasedByEmail?: string;
  /**
   * Position in the history (larger is newer), set when the record is loaded: orders
   * releases whose commits carry the same author time (git keeps whole seconds).
   */
  seq?: number;
}

/** The git operations {@link ReleaseHistory} needs: the head and a folder to run git in. */
export interface HistorySource {
  /** The commit reads are served from. */
  readonly head: string;
  /** A folder git runs in (the work tree or the bare repository). */
  readonly workdir: string;
}

const US = '\x1f';
const RS = '\x1e';
/** sha, author time (epoch seconds), parents, the trailers (one `Key: value` a line). */
const FORMAT = '%x1e%H%x1f%at%x1f%P%x1f%(trailers:only,unfold)';

/** Parses the trailers block of {@link FORMAT} into a release record; undefined for other commits. */
function toRecord(sha: string, at: string, trailers: string) {
  const t: Record<string, string> = {};
  for (const line of trailers.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) t[line.slice(0, i)] = line.slice(i + 2);
  }
  if (!t.Service || !t.Environment || !t['Artifact-ID']) return undefined;
  const by = /^(.*) <([^>]*)>$/.exec(t['Released-By'] ?? '');
  const r: ReleaseRecord = {
    commit: sha,
    at: Number(at) * 1000,
    service: t.Service,
    environment: t.Environment,
    namespace: t.Namespace || t.Environment,
    artifactId: t['Artifact-ID'],
    intent: (t.Intent as IntentType) || 'ReleaseArtifact',
  };
  if (t['Intent-From-Environment'])
    r.fromEnvironment = t['Intent-From-Environment'];
  if (t['Intent-Previous-Artifact-ID'])
    r.previousArtifactId = t['Intent-Previous-Artifact-ID'];
  if (by) {
    r.releasedByName = by[1];
    r.releasedByEmail = by[2];
  }
  return r;
}

/**
 * The releases, promotions and rollbacks of the config repo's history, in memory, per
 * service and environment in commit order (oldest first), loaded as far back as
 * asked for.
 *
 * `sync(since)` reads only what is missing, each time with one streamed `git log`
 * (only the trailers are formatted): new commits since the last head
 * (`git log <old>..<new>`), and older ones back to `since` (`git log --since`
 * from the parent of the oldest commit read, which stops walking at `since`). So a
 * 30-day question on a 100k-commit, one-year repo reads about a twelfth of it.
 * When the old head is no longer an ancestor of the new one (history rewritten),
 * everything is read again. Commit times are the committer's (what `--since` uses).
 */
export class ReleaseHistory {
  /** Largest and smallest {@link ReleaseRecord.seq} given so far. */
  private maxSeq = 0;
  private minSeq = 1;
  private series = new Map<string, ReleaseRecord[]>();
  private head = '';
  /** Oldest commit read (any commit); its parent is where reading further back starts. */
  private tail = '';
  /** Releases at or after this time (epoch ms) are loaded; Infinity before the first read. */
  private loadedSince = Infinity;
  /** The root commit was reached: everything is loaded. */
  private complete = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly source: HistorySource) {}

  /**
   * Loads the history up to the repo's current head and back to `since` (epoch ms;
   * default: all of it).
   */
  sync(since = -Infinity): Promise<void> {
    const run = this.queue.then(() => this.load(since));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Releases of `service` in `environment`, oldest first (the array is shared: do not change it). */
  releases(service: string, environment: string): readonly ReleaseRecord[] {
    return this.series.get(`${service}\0${environment}`) ?? [];
  }

  /** Epoch ms from which the history is loaded (-Infinity: all of it). */
  get since(): number {
    return this.complete ? -Infinity : this.loadedSince;
  }

  private async load(since: number): Promise<void> {
    const target = this.source.head;
    if (!target) return;
    if (!this.head) {
      await this.readBack(target, since);
      this.head = target;
      return;
    }
    if (this.head !== target) {
      const ancestor = await runGit(
        ['merge-base', '--is-ancestor', this.head, target],
        { cwd: this.source.workdir },
      ).then(
        () => true,
        () => false,
      );
      if (!ancestor) {
        const keep = Math.min(since, this.loadedSince);
        this.series = new Map();
        this.tail = '';
        this.complete = false;
        this.loadedSince = Infinity;
        this.head = '';
        await this.readBack(target, keep);
        this.head = target;
        return;
      }
      const { records } = await this.read([`${this.head}..${target}`]);
      this.add(records, 'append');
      this.head = target;
    }
    if (since < this.loadedSince && !this.complete) {
      await this.readBack(this.tail ? `${this.tail}^` : this.head, since);
    }
  }

  /** Reads from `start` back to `since` and prepends what it finds. */
  private async readBack(start: string, since: number): Promise<void> {
    const args = Number.isFinite(since)
      ? [`--since=${Math.floor(since / 1000)}`, start]
      : [start];
    const { records, oldest, reachedRoot } = await this.read(args).catch(
      err => {
        // `<root>^` does not exist: nothing older.
        if (
          start.endsWith('^') &&
          /unknown revision|bad revision|ambiguous argument/.test(String(err))
        )
          return { records: [], oldest: '', reachedRoot: true };
        throw err;
      },
    );
    this.add(records, 'prepend');
    if (oldest) this.tail = oldest;
    if (reachedRoot || !Number.isFinite(since)) this.complete = true;
    this.loadedSince = Math.min(this.loadedSince, since);
  }

  /** Adds records (newest first, as git log gives them) at the end or the start of each series. */
  private add(found: ReleaseRecord[], where: 'append' | 'prepend') {
    // Newer records get larger positions: appended ones above all loaded, prepended
    // (older) ones below.
    if (where === 'append') {
      for (let i = found.length - 1; i >= 0; i--) found[i].seq = ++this.maxSeq;
    } else {
      for (const r of found) r.seq = --this.minSeq;
    }
    const bySeries = new Map<string, ReleaseRecord[]>();
    for (let i = found.length - 1; i >= 0; i--) {
      const r = found[i];
      const key = `${r.service}\0${r.environment}`;
      let list = bySeries.get(key);
      if (!list) bySeries.set(key, (list = []));
      list.push(r);
    }
    for (const [key, list] of bySeries) {
      const have = this.series.get(key) ?? [];
      this.series.set(
        key,
        where === 'append' ? have.concat(list) : list.concat(have),
      );
    }
  }

  /**
   * Streams `git log <args>` and keeps the release commits (newest first); also
   * says which commit came last (the oldest) and whether it was a root commit.
   */
  private async read(args: string[]): Promise<{
    records: ReleaseRecord[];
    oldest: string;
    reachedRoot: boolean;
  }> {
    const proc = spawn('git', ['log', `--format=${FORMAT}`, ...args], {
      cwd: this.source.workdir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: Buffer[] = [];
    proc.stderr.on('data', d => stderr.push(d));
    const exited = new Promise<number>(resolve =>
      proc.on('close', code => resolve(code ?? 1)),
    );
    const out: ReleaseRecord[] = [];
    let sha = '';
    let at = '';
    let parents = '';
    let trailers = '';
    let oldest = '';
    let oldestParents = '';
    const flush = () => {
      if (!sha) return;
      const r = toRecord(sha, at, trailers);
      if (r) out.push(r);
      oldest = sha;
      oldestParents = parents;
      sha = '';
    };
    const rl = readline.createInterface({ input: proc.stdout });
    for await (const line of rl) {
      if (line.startsWith(RS)) {
        flush();
        const [s, a, p, first] = line.slice(1).split(US);
        sha = s;
        at = a;
        parents = p;
        trailers = first ?? '';
      } else if (sha) {
        trailers += `\n${line}`;
      }
    }
    flush();
    const code = await exited;
    if (code !== 0) {
      throw new Error(
        `git log ${args.join(' ')} failed (${code}): ${Buffer.concat(stderr)
          .toString('utf8')
          .trim()}`,
      );
    }
    return {
      records: out,
      oldest,
      reachedRoot: Boolean(oldest) && !oldestParents,
    };
  }
}

/**
 * Index of the first release at or after `t` (epoch ms) in `list` (ordered by time),
 * by binary search; `list.length` when none.
 */
export function firstAtOrAfter(
  list: readonly ReleaseRecord[],
  t: number,
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
