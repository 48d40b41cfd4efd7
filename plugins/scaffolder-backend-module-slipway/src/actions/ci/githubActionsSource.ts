import { failingLines } from '@slipway/local-ci';
import { CiProgress, CiSource } from './types';

interface WorkflowRun {
  id: number;
  name?: string;
  path?: string;
  status: string;
  conclusion: string | null;
  html_url: string;
}

interface Job {
  id: number;
  name: string;
  conclusion: string | null;
  steps?: Array<{ name: string; conclusion: string | null }>;
}

/**
 * GitHub Actions as a {@link CiSource}, through the REST API: the newest run of the
 * workflow `workflowFile` for `sha` (`GET /repos/{owner}/{repo}/actions/runs?head_sha=`);
 * when it failed, its failed jobs and steps (`GET .../actions/runs/{id}/jobs`) and the
 * failing lines of each failed job's log (`GET .../actions/jobs/{id}/logs`).
 *
 * @param apiBaseUrl - e.g. `https://api.github.com`
 * @param token - a token that may read the repository's Actions
 */
export function githubActionsSource(options: {
  apiBaseUrl: string;
  token?: string;
  owner: string;
  repo: string;
  sha: string;
  workflowFile?: string;
  fetch?: typeof fetch;
}): CiSource {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.apiBaseUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`;
  const workflow = options.workflowFile ?? 'ci.yaml';
  const request = async (path: string) => {
    const res = await doFetch(`${base}${path}`, {
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) {
      throw new Error(`GitHub answered ${res.status} to GET ${base}${path}: ${(await res.text()).slice(0, 200)}`);
    }
    return res;
  };
  return {
    name: `GitHub Actions (${options.owner}/${options.repo}, ${workflow})`,
    async poll(): Promise<CiProgress> {
      const { workflow_runs: runs } = (await (
        await request(`/actions/runs?head_sha=${options.sha}&per_page=20`)
      ).json()) as { workflow_runs: WorkflowRun[] };
      const run = runs.find(r => !r.path || r.path.endsWith(`/${workflow}`));
      if (!run) return { state: 'none', newLogLines: [] };
      if (run.status !== 'completed') {
        return { state: run.status === 'in_progress' ? 'running' : 'queued', url: run.html_url, newLogLines: [] };
      }
      if (run.conclusion === 'success') {
        return { state: 'succeeded', url: run.html_url, newLogLines: [] };
      }
      const { jobs } = (await (await request(`/actions/runs/${run.id}/jobs`)).json()) as { jobs: Job[] };
      const lines: string[] = [];
      for (const job of jobs.filter(j => j.conclusion === 'failure')) {
        const steps = (job.steps ?? []).filter(s => s.conclusion === 'failure').map(s => s.name);
        lines.push(`job ${job.name} failed${steps.length ? ` at step ${steps.join(', ')}` : ''}`);
        const log = await request(`/actions/jobs/${job.id}/logs`)
          .then(r => r.text())
          .catch(() => '');
        // GitHub prefixes every log line with an ISO timestamp
        lines.push(...failingLines(log.replace(/^\S+Z /gm, ''), 30));
      }
      return {
        state: 'failed',
        url: run.html_url,
        newLogLines: [],
        failingLines: lines,
        error: `workflow run ${run.name ?? run.id} concluded ${run.conclusion}`,
      };
    },
  };
}
