import fs from 'node:fs';
import path from 'node:path';
import { CiRun } from './types';

/**
 * The runs of a local CI and their logs, kept under `dataDir`: `runs/<id>.json` (the
 * {@link CiRun}) and `logs/<id>.log` (the script's output). Everything is read once at
 * start; runs a previous process left `queued` or `running` are marked failed
 * ("interrupted by a restart of the local CI") so that nobody waits for them.
 */
export class RunStore {
  private readonly runs = new Map<string, CiRun>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly dataDir: string) {
    fs.mkdirSync(path.join(dataDir, 'runs'), { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
    for (const file of fs.readdirSync(path.join(dataDir, 'runs'))) {
      if (!file.endsWith('.json')) continue;
      try {
        const run = JSON.parse(
          fs.readFileSync(path.join(dataDir, 'runs', file), 'utf8'),
        ) as CiRun;
        this.remember(run);
        if (run.status === 'queued' || run.status === 'running') {
          this.save({
            ...run,
            status: 'failed',
            finishedAt: new Date().toISOString(),
            error: 'interrupted by a restart of the local CI',
          });
        }
      } catch {
        // a half-written file of a crashed process: skip it
      }
    }
  }

  private remember(run: CiRun) {
    this.runs.set(run.id, run);
    const n = Number(run.id.slice(run.repository.length + 1));
    if (Number.isFinite(n)) {
      this.counters.set(
        run.repository,
        Math.max(n, this.counters.get(run.repository) ?? 0),
      );
    }
  }

  /** The next run id of `repository`: `<repository>-<n>`. */
  nextId(repository: string): string {
    const n = (this.counters.get(repository) ?? 0) + 1;
    this.counters.set(repository, n);
    return `${repository}-${n}`;
  }

  /** Stores `run` (replacing the run with the same id) and returns it. */
  save(run: CiRun): CiRun {
    this.remember(run);
    const file = path.join(this.dataDir, 'runs', `${run.id}.json`);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(run, null, 2));
    fs.renameSync(`${file}.tmp`, file);
    return run;
  }

  get(id: string): CiRun | undefined {
    return this.runs.get(id);
  }

  /**
   * Runs, newest first, optionally only of one repository and/or commit (`sha` may be a
   * prefix of at least 7 characters).
   */
  list(filter: { repository?: string; sha?: string } = {}): CiRun[] {
    return [...this.runs.values()]
      .filter(r => !filter.repository || r.repository === filter.repository)
      .filter(r => !filter.sha || r.sha.startsWith(filter.sha))
      .sort(
        (a, b) =>
          b.createdAt.localeCompare(a.createdAt) ||
          b.id.localeCompare(a.id, undefined, { numeric: true }),
      );
  }

  /** Absolute path of the log of run `id`. */
  logPath(id: string): string {
    return path.join(this.dataDir, 'logs', `${id}.log`);
  }

  /** The log of run `id` ('' when it has none yet). */
  readLog(id: string): string {
    try {
      return fs.readFileSync(this.logPath(id), 'utf8');
    } catch {
      return '';
    }
  }
}
