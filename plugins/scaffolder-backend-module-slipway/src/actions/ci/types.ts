/** Where one commit's CI is, as `slipway:ci:wait` sees it on one poll. */
export interface CiProgress {
  /** `none`: the CI has no run for the commit (yet). */
  state: 'none' | 'queued' | 'running' | 'succeeded' | 'failed';
  /** Link to the run (its log on the local CI, the workflow run on GitHub). */
  url?: string;
  /** Log lines that appeared since the previous poll (local CI only). */
  newLogLines: string[];
  /** When `failed`: what failed, from the log (see `failingLines` of `@slipway/local-ci`). */
  failingLines?: string[];
  /** When `failed`: one line, e.g. `ci/run.sh exited with 1`. */
  error?: string;
}

/** A CI system that builds the commit `slipway:ci:wait` waits for. */
export interface CiSource {
  /** Human name for log lines, e.g. `local CI (http://localhost:7400)`. */
  readonly name: string;
  /** One look at the commit's newest run. Throws on transport errors (the caller retries). */
  poll(): Promise<CiProgress>;
}
