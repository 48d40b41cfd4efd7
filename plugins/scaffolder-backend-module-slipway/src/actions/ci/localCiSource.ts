import type { CiRun } from '@slipway/local-ci';
import { CiProgress, CiSource } from './types';

/**
 * The local CI (`packages/local-ci`) as a {@link CiSource}: the newest run of
 * `repository` at `sha` (`GET /runs?repository=&sha=`), and on each poll the lines its log
 * (`GET /runs/{id}/log`) gained since the last one.
 *
 * @param baseUrl - the local CI, e.g. `http://localhost:7400`
 */
export function localCiSource(options: {
  baseUrl: string;
  repository: string;
  sha: string;
  fetch?: typeof fetch;
}): CiSource {
  const doFetch = options.fetch ?? fetch;
  let runId: string | undefined;
  let seen = 0;
  const get = async (path: string) => {
    const res = await doFetch(`${options.baseUrl}${path}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      throw new Error(`local CI answered ${res.status} to GET ${path}: ${(await res.text()).slice(0, 200)}`);
    }
    return res;
  };
  return {
    name: `local CI (${options.baseUrl})`,
    async poll(): Promise<CiProgress> {
      const q = new URLSearchParams({ repository: options.repository, sha: options.sha });
      const { runs } = (await (await get(`/runs?${q}`)).json()) as { runs: CiRun[] };
      const run = runs[0];
      if (!run) return { state: 'none', newLogLines: [] };
      if (run.id !== runId) {
        runId = run.id;
        seen = 0;
      }
      const lines = (await (await get(`/runs/${encodeURIComponent(run.id)}/log`)).text()).split('\n');
      // the last element is a partial line (or '' after a newline): print it next time
      const complete = lines.slice(0, -1);
      const newLogLines = complete.slice(seen);
      seen = complete.length;
      if (run.status === 'succeeded' || run.status === 'failed') {
        const rest = lines[lines.length - 1];
        if (rest) newLogLines.push(rest);
      }
      return {
        state: run.status,
        url: run.logUrl,
        newLogLines,
        ...(run.status === 'failed'
          ? { failingLines: run.failingLines ?? [], error: run.error }
          : {}),
      };
    },
  };
}
