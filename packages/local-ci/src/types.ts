/** Where a CI run is: queued, running, or finished with success or failure. */
export type CiRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * One CI run of one pushed commit: the repository's own `ci/run.sh` executed in a fresh
 * clone checked out at `sha`.
 */
export interface CiRun {
  /** Run id: `<repository>-<n>` with n counting from 1 per server data folder. */
  id: string;
  /** Repository name: the bare repository's folder name without `.git` (the service). */
  repository: string;
  /** The pushed ref, e.g. `refs/heads/main`. */
  ref: string;
  /** The branch of `ref` (`main`). */
  branch: string;
  /** The pushed commit (40 hex). */
  sha: string;
  status: CiRunStatus;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Wall time of the script in milliseconds, once finished. */
  durationMs?: number;
  /** Exit code of `ci/run.sh` (absent while it runs; -1 when it could not start). */
  exitCode?: number;
  /** Why it failed, in one line (exit code, missing script, interrupted by a restart). */
  error?: string;
  /** Failed runs: the log lines that say what failed (at most 40), see `failingLines`. */
  failingLines?: string[];
  /** Absolute URL of the plain-text log, `<publicUrl>/runs/<id>/log`. */
  logUrl: string;
}

/** The body of `POST /runs`: what a post-receive hook reports for one updated ref. */
export interface CiRunRequest {
  /** Absolute path of the bare repository (the hook's `$GIT_DIR`), inside the repos folder. */
  repository: string;
  /** The updated ref, `refs/heads/<branch>`; tags and deletions are not built. */
  ref: string;
  /** The new commit (40 hex). */
  sha: string;
}
