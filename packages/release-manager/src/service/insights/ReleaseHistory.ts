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
/** sha, author time (epoch seconds), the trailers (one `Key: value` a line). */
const FORMAT = '%x1e%H%x1f%at%x1f%(trailers:only,unfold)';

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
 * Every release, promotion and rollback in the config repo's history, in memory,
 * per service and environment in commit order (oldest first).
 *
 * Built with one streamed `git log` of the whole history (only the trailers are
 * formatted, so 100k commits cost about a second), then kept up to date
 * incrementally: when the repo's head moves, only `git log <old>..<new>` is read.
 * When the old head is no longer an ancestor (history rewritten), it is rebuilt.
 */
export class ReleaseHistory {
  private readonly series = new Map<string, ReleaseRecord[]>();
  private head = '';
  private syncing?: Promise<void>;

  constructor(private readonly source: HistorySource) {}

  /** Brings the index up to the repo's current head (one `git log` of the new commits). */
  async sync(): Promise<void> {
    while (this.head !== this.source.head) {
      if (!this.syncing) {
        this.syncing = this.catchUp(this.source.head).finally(() => {
          this.syncing = undefined;
        });
      }
      await this.syncing;
    }
  }

  /** Releases of `service` in `environment`, oldest first (the array is shared: do not change it). */
  releases(service: string, environment: string): readonly ReleaseRecord[] {
    return this.series.get(`${service}\0${environment}`) ?? [];
  }

  /** Services with at least one release, in any environment. */
  services(): Set<string> {
    const out = new Set<string>();
    for (const k of this.series.keys()) out.add(k.slice(0, k.indexOf('\0')));
    return out;
  }

  private async catchUp(target: string): Promise<void> {
    if (!target) return;
    let range = target;
    if (this.head) {
      const ancestor = await runGit(
        ['merge-base', '--is-ancestor', this.head, target],
        { cwd: this.source.workdir },
      ).then(
        () => true,
        () => false,
      );
      if (ancestor) range = `${this.head}..${target}`;
      else this.series.clear();
    }
    const found = await this.read(range);
    // git log is newest first: append oldest first.
    for (let i = found.length - 1; i >= 0; i--) {
      const r = found[i];
      const key = `${r.service}\0${r.environment}`;
      let list = this.series.get(key);
      if (!list) {
        list = [];
        this.series.set(key, list);
      }
      list.push(r);
    }
    this.head = target;
  }

  /** Streams `git log <range>` and keeps the release commits (newest first). */
  private async read(range: string): Promise<ReleaseRecord[]> {
    const proc = spawn('git', ['log', `--format=${FORMAT}`, range], {
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
    let trailers = '';
    const flush = () => {
      if (!sha) return;
      const r = toRecord(sha, at, trailers);
      if (r) out.push(r);
      sha = '';
    };
    const rl = readline.createInterface({ input: proc.stdout });
    for await (const line of rl) {
      if (line.startsWith(RS)) {
        flush();
        const [s, a, first] = line.slice(1).split(US);
        sha = s;
        at = a;
        trailers = first ?? '';
      } else if (sha) {
        trailers += `\n${line}`;
      }
    }
    flush();
    const code = await exited;
    if (code !== 0) {
      throw new Error(
        `git log ${range} failed (${code}): ${Buffer.concat(stderr)
          .toString('utf8')
          .trim()}`,
      );
    }
    return out;
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
