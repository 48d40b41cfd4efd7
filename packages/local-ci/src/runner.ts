import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { failingLines } from './failingLines';
import { RunStore } from './store';
import { CiRun } from './types';

const exec = promisify(execFile);

/** The CI entry point every repository the template creates has (GitHub Actions calls it too). */
export const CI_ENTRY_POINT = 'ci/run.sh';

/** Options of {@link executeRun}. */
export interface ExecuteRunOptions {
  store: RunStore;
  /** Absolute path of the bare repository to clone. */
  repositoryPath: string;
  /** Folder for the clones (`<workRoot>/<run id>`), removed after each run. */
  workRoot: string;
  /** Environment of the script (PATH, RELEASE_MANAGER_URL, IMAGE, ...), before the CI_* variables. */
  env: NodeJS.ProcessEnv;
  /** The script is killed (its whole process group) after this long; default 600 000 ms. */
  timeoutMs?: number;
  /**
   * A lock file the script runs under, shared (`flock -s`): whoever prepares something
   * every run needs (the start script building a base image) holds it exclusively.
   */
  runLock?: string;
}

/**
 * Executes one run: clones the bare repository into a fresh folder, checks out `run.sha`
 * as branch `run.branch`, and runs `sh ci/run.sh` there with the CI variables
 * `CI=true`, `CI_RUN_ID`, `CI_COMMIT_SHA`, `CI_BRANCH`, `CI_JOB_URL` (the run's log URL)
 * and `SERVICE` (the repository name). stdout and stderr go to the run's log. The run is
 * saved as `running`, then `succeeded` (exit 0) or `failed` with the exit code, a
 * one-line error and the log's failing lines. Never throws: every failure is the run's.
 */
export async function executeRun(
  run: CiRun,
  options: ExecuteRunOptions,
): Promise<CiRun> {
  const { store } = options;
  const started = Date.now();
  let current = store.save({
    ...run,
    status: 'running',
    startedAt: new Date(started).toISOString(),
  });
  const logFile = store.logPath(run.id);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  const say = (line: string) => log.write(`${line}\n`);
  const dir = path.join(options.workRoot, run.id);
  const finish = async (exitCode: number, error?: string) => {
    await new Promise<void>(resolve => log.end(resolve));
    await fs.promises.rm(dir, { recursive: true, force: true });
    const finished = Date.now();
    current = store.save({
      ...current,
      status: exitCode === 0 ? 'succeeded' : 'failed',
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      exitCode,
      ...(exitCode === 0
        ? {}
        : { error, failingLines: failingLines(store.readLog(run.id)) }),
    });
    return current;
  };

  say(`local CI run ${run.id}: ${run.repository} ${run.branch} ${run.sha}`);
  try {
    await fs.promises.rm(dir, { recursive: true, force: true });
    await fs.promises.mkdir(options.workRoot, { recursive: true });
    await exec('git', ['clone', '--quiet', options.repositoryPath, dir]);
    await exec('git', ['-C', dir, 'checkout', '--quiet', '-B', run.branch, run.sha]);
  } catch (e) {
    const message = `cannot check out ${run.sha}: ${String((e as any).stderr || (e as Error).message).trim()}`;
    say(message);
    return finish(-1, message);
  }
  if (!fs.existsSync(path.join(dir, CI_ENTRY_POINT))) {
    const message = `${run.repository} has no ${CI_ENTRY_POINT} at ${run.sha.slice(0, 10)}: nothing to run`;
    say(message);
    return finish(-1, message);
  }
  say(`$ sh ${CI_ENTRY_POINT}`);

  const exitCode = await new Promise<number>(resolve => {
    const [command, ...args] = options.runLock
      ? ['flock', '-s', options.runLock, 'sh', CI_ENTRY_POINT]
      : ['sh', CI_ENTRY_POINT];
    const child = spawn(command, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...options.env,
        CI: 'true',
        CI_RUN_ID: run.id,
        CI_COMMIT_SHA: run.sha,
        CI_BRANCH: run.branch,
        CI_JOB_URL: run.logUrl,
        SERVICE: run.repository,
      },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const timer = setTimeout(() => {
      say(`local CI: ${CI_ENTRY_POINT} ran longer than ${options.timeoutMs ?? 600_000} ms; killed`);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs ?? 600_000);
    child.on('error', error => {
      clearTimeout(timer);
      say(`local CI: cannot start sh: ${error.message}`);
      resolve(-1);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : -1));
    });
  });
  say(`local CI: ${CI_ENTRY_POINT} exited with ${exitCode} after ${Date.now() - started} ms`);
  return finish(
    exitCode,
    exitCode === 0 ? undefined : `${CI_ENTRY_POINT} exited with ${exitCode}`,
  );
}
