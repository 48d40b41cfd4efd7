import { ConfigReader } from '@backstage/config';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { NotFoundError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockContext } from '../__testUtils__/mockContext';
import { createPublishTargetAction, publishTarget } from './publishTarget';
import { createWaitForCiAction } from './waitForCi';

const server = setupServer();
registerMswTestHooks(server);

const sha = 'd'.repeat(40);
const api = 'https://api.github.com/repos/slipway-dev/fraud-check';
const config = new ConfigReader({
  integrations: { github: [{ host: 'github.com', token: 'ghp_test' }] },
  slipway: { scaffolder: { publish: { target: 'github', githubOwner: 'slipway-dev' } } },
});

/** A release manager that has the artifact of `sha` once `uploaded` is set. */
function releaseManagerWith(state: { uploaded: boolean }): ReleaseManagerService {
  return {
    describeArtifacts: async () => {
      if (!state.uploaded) throw new NotFoundError('no artifacts of fraud-check');
      return {
        service: 'fraud-check',
        artifacts: [
          {
            id: `main-${sha.slice(0, 10)}-abcdefabcd`,
            service: 'fraud-check',
            application: { branch: 'main', sha } as any,
            ci: { jobUrl: 'https://github.com/slipway-dev/fraud-check/actions/runs/42' },
            stages: [
              { id: 'test', data: { results: { passed: 4, failed: 0, skipped: 0 } } },
              { id: 'build', data: { image: 'ghcr.io/slipway-dev/fraud-check', tag: sha } },
            ],
          },
        ],
      };
    },
  } as unknown as ReleaseManagerService;
}

const run = (status: string, conclusion: string | null) => ({
  workflow_runs: [
    {
      id: 42,
      name: 'ci',
      path: '.github/workflows/ci.yaml',
      status,
      conclusion,
      html_url: 'https://github.com/slipway-dev/fraud-check/actions/runs/42',
    },
  ],
});

describe('slipway:ci:wait with GitHub Actions (msw against the GitHub REST API)', () => {
  it('follows the workflow run of the commit until the artifact it uploaded is there', async () => {
    const state = { uploaded: false };
    const seen: string[] = [];
    let polls = 0;
    server.use(
      http.get(`${api}/actions/runs`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(`${request.headers.get('authorization')} ${url.searchParams.get('head_sha')}`);
        polls++;
        if (polls === 1) return HttpResponse.json({ workflow_runs: [] });
        if (polls === 2) return HttpResponse.json(run('queued', null));
        if (polls === 3) return HttpResponse.json(run('in_progress', null));
        state.uploaded = true;
        return HttpResponse.json(run('completed', 'success'));
      }),
    );
    const ctx = mockContext({
      input: { service: 'fraud-check', sha, provider: 'github', repoUrl: 'github.com?owner=slipway-dev&repo=fraud-check' },
    });
    const info = jest.spyOn(ctx.logger, 'info');
    await createWaitForCiAction({ config, releaseManager: releaseManagerWith(state), pollIntervalMs: 10 }).handler(ctx);
    expect(seen[0]).toBe(`Bearer ghp_test ${sha}`);
    const outputs = Object.fromEntries(ctx.output.mock.calls);
    expect(outputs).toMatchObject({
      artifactId: `main-${sha.slice(0, 10)}-abcdefabcd`,
      image: `ghcr.io/slipway-dev/fraud-check:${sha}`,
      ciUrl: 'https://github.com/slipway-dev/fraud-check/actions/runs/42',
      testsPassed: 4,
    });
    const logged = info.mock.calls.map(c => String(c[0]));
    expect(logged).toEqual(
      expect.arrayContaining([
        'CI run queued: https://github.com/slipway-dev/fraud-check/actions/runs/42',
        'CI run running: https://github.com/slipway-dev/fraud-check/actions/runs/42',
      ]),
    );
  });

  it('fails with the failed job, step and log lines of a failed workflow run', async () => {
    server.use(
      http.get(`${api}/actions/runs`, () => HttpResponse.json(run('completed', 'failure'))),
      http.get(`${api}/actions/runs/42/jobs`, () =>
        HttpResponse.json({
          jobs: [
            {
              id: 7,
              name: 'ci',
              conclusion: 'failure',
              steps: [
                { name: 'Set up job', conclusion: 'success' },
                { name: 'ci/run.sh (test, build, render, upload)', conclusion: 'failure' },
              ],
            },
          ],
        }),
      ),
      // GET .../jobs/{id}/logs answers 302 to the log file; msw serves the file itself
      http.get(`${api}/actions/jobs/7/logs`, () =>
        HttpResponse.text(
          [
            '2026-12-02T10:00:00.0000000Z == test',
            '2026-12-02T10:00:01.0000000Z ok 1 - GET /healthz answers ok',
            '2026-12-02T10:00:01.1000000Z not ok 2 - GET /hello greets by name',
            '2026-12-02T10:00:01.2000000Z   expected: Hello, Jane!',
            '2026-12-02T10:00:02.0000000Z ci: FAILED: tests (ci/test.sh exited with 1)',
            '2026-12-02T10:00:02.1000000Z ##[error]Process completed with exit code 1.',
          ].join('\n'),
        ),
      ),
    );
    const state = { uploaded: false };
    const error: Error = await createWaitForCiAction({ config, releaseManager: releaseManagerWith(state), pollIntervalMs: 10 })
      .handler(
        mockContext({
          input: { service: 'fraud-check', sha, provider: 'github', repoUrl: 'github.com?owner=slipway-dev&repo=fraud-check' },
        }),
      )
      .then(
        () => Promise.reject(new Error('expected the step to fail')),
        (e: Error) => e,
      );
    expect(error.message).toMatch(/^CI failed for fraud-check dddddddddd \(workflow run ci concluded failure\); nothing was released\./);
    expect(error.message).toContain('job ci failed at step ci/run.sh (test, build, render, upload)');
    expect(error.message).toContain('  not ok 2 - GET /hello greets by name');
    expect(error.message).toContain('  expected: Hello, Jane!');
    expect(error.message).not.toContain('2026-12-02T10');
    expect(error.message).toContain('Full log: https://github.com/slipway-dev/fraud-check/actions/runs/42.');
  });

  it('says so when the workflow succeeded but uploaded no artifact of the commit', async () => {
    server.use(http.get(`${api}/actions/runs`, () => HttpResponse.json(run('completed', 'success'))));
    await expect(
      createWaitForCiAction({
        config,
        releaseManager: releaseManagerWith({ uploaded: false }),
        pollIntervalMs: 10,
        uploadGraceMs: 100,
      }).handler(
        mockContext({
          input: { service: 'fraud-check', sha, provider: 'github', repoUrl: 'github.com?owner=slipway-dev&repo=fraud-check' },
        }),
      ),
    ).rejects.toThrow(/^CI succeeded for fraud-check dddddddddd but uploaded no artifact of it on branch main/);
  });

  it('retries through GitHub errors and gives up at the timeout', async () => {
    let calls = 0;
    server.use(
      http.get(`${api}/actions/runs`, () => {
        calls++;
        return HttpResponse.json({ message: 'Server Error' }, { status: 502 });
      }),
    );
    const ctx = mockContext({
      input: { service: 'fraud-check', sha, provider: 'github', repoUrl: 'github.com?owner=slipway-dev&repo=fraud-check', timeoutSeconds: 1 },
    });
    const warn = jest.spyOn(ctx.logger, 'warn');
    await expect(
      createWaitForCiAction({
        config,
        releaseManager: releaseManagerWith({ uploaded: false }),
        pollIntervalMs: 50,
        noRunTimeoutMs: 60_000,
      }).handler(ctx),
    ).rejects.toThrow(/^Gave up waiting for CI of fraud-check dddddddddd after 1 s \(last state: no run\)/);
    expect(calls).toBeGreaterThan(2);
    // the same error is logged once, not once per poll
    expect(warn.mock.calls.filter(c => /GitHub answered 502/.test(String(c[0])))).toHaveLength(1);
  });
});

describe('slipway:publish:target', () => {
  it('selects GitHub from the config, with the repoUrl publish:github takes', async () => {
    const ctx = mockContext({ input: { name: 'fraud-check' } });
    await createPublishTargetAction({ config }).handler(ctx);
    expect(Object.fromEntries(ctx.output.mock.calls)).toEqual({
      target: 'github',
      isGithub: true,
      repoUrl: 'github.com?owner=slipway-dev&repo=fraud-check',
    });
  });

  it('defaults to the local path and refuses an incomplete GitHub setting', async () => {
    const ctx = mockContext({ input: { name: 'fraud-check' } });
    await createPublishTargetAction({ config: new ConfigReader({}) }).handler(ctx);
    expect(Object.fromEntries(ctx.output.mock.calls)).toEqual({ target: 'local', isGithub: false });
    expect(() =>
      publishTarget(new ConfigReader({ slipway: { scaffolder: { publish: { target: 'github' } } } })),
    ).toThrow(/githubOwner is required/);
    expect(() =>
      publishTarget(new ConfigReader({ slipway: { scaffolder: { publish: { target: 'gitlab' } } } })),
    ).toThrow(/must be local or github, not "gitlab"/);
  });
});
