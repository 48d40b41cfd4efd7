import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createLocalCi, LocalCi } from '@slipway/local-ci';
import {
  createReleaseManagerService,
  readReleaseManagerConnection,
} from '@slipway/plugin-release-manager-node';
import { startReleaseManager } from '@slipway/release-manager';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { mockContext } from '../__testUtils__/mockContext';
import { createPublishLocalGitAction } from './localGit';
import { createWaitForCiAction } from './waitForCi';

// real git pushes, a real local CI running scripts, a real release manager
jest.setTimeout(120_000);

const rmCli = path.resolve(__dirname, '../../../../packages/release-manager/bin/slipway-release-manager');

/**
 * A CI entry point as the skeletons have it, minus podman: runs the "tests" (TAP), and when
 * they pass uploads an artifact of the pushed commit with the release-manager CLI.
 */
const ciScript = (failing: boolean) => `#!/bin/sh
set -eu
echo "== test"
echo "TAP version 13"
echo "ok 1 - GET /healthz answers ok"
${failing ? 'echo "not ok 2 - GET /hello greets by name"\necho "  expected: Hello, Jane!"\necho "  actual: Hello, world!"\necho "# pass 1"\necho "# fail 1"\necho "ci: FAILED: tests"\nexit 1' : 'echo "# pass 1"\necho "# fail 0"'}
echo "== upload"
SHA10=$(echo "$CI_COMMIT_SHA" | cut -c1-10)
mkdir -p out/manifests/dev out/manifests/staging out/manifests/prod
for env in dev staging prod; do
  printf 'apiVersion: apps/v1\\nkind: Deployment\\nmetadata: { name: %s }\\nspec:\\n  template: { spec: { containers: [{ name: app, image: "localhost/slipway/%s:%s" }] } }\\n' "$SERVICE" "$SERVICE" "$CI_COMMIT_SHA" > out/manifests/$env/40-$SERVICE.yaml
done
cat > out/artifact.json <<JSON
{"id": "$CI_BRANCH-$SHA10-0123456789", "service": "$SERVICE", "namespace": "payments",
 "application": {"branch": "$CI_BRANCH", "sha": "$CI_COMMIT_SHA", "authorName": "Jane", "authorEmail": "jane@example.com",
   "committerName": "Jane", "committerEmail": "jane@example.com", "message": "m", "name": "$SERVICE", "provider": "slipway-local-ci"},
 "ci": {"jobUrl": "$CI_JOB_URL"},
 "stages": [{"id": "test", "data": {"results": {"passed": 1, "failed": 0, "skipped": 0}}},
            {"id": "build", "data": {"image": "localhost/slipway/$SERVICE", "tag": "$CI_COMMIT_SHA"}}]}
JSON
node "${rmCli}" artifact push --spec out/artifact.json --manifests out/manifests
`;

describe('slipway:ci:wait with the local CI', () => {
  const data = createMockDirectory();
  const workspace = createMockDirectory();
  let rm: { url: string; stop(): Promise<void> };
  let ci: LocalCi;
  let config: ConfigReader;

  beforeAll(async () => {
    data.clear();
    rm = await startReleaseManager({ dataDir: data.resolve('rm'), port: 0, token: 'test-token' });
    fs.mkdirSync(data.resolve('repos'), { recursive: true });
    ci = createLocalCi({
      dataDir: data.resolve('ci'),
      reposDir: data.resolve('repos'),
      publicUrl: 'http://ci.test',
      env: { ...process.env, RELEASE_MANAGER_URL: rm.url, RELEASE_MANAGER_TOKEN: 'test-token' },
    });
    await new Promise<void>(r => ci.server.listen(0, '127.0.0.1', () => r()));
    config = new ConfigReader({
      releaseManager: { baseUrl: rm.url, token: 'test-token' },
      slipway: {
        scaffolder: {
          localGit: { baseDir: data.resolve('repos') },
          localCi: { baseUrl: `http://127.0.0.1:${(ci.server.address() as AddressInfo).port}` },
        },
      },
    });
  });
  afterAll(async () => {
    await ci?.idle();
    await new Promise(r => ci?.server.close(r));
    await rm?.stop();
  });

  /** Publishes a repository whose CI passes or fails, as the template's publish step does. */
  async function publish(name: string, failing: boolean): Promise<string> {
    workspace.setContent({
      'catalog-info.yaml': `kind: Component\nmetadata:\n  name: ${name}\n`,
      'ci/run.sh': ciScript(failing),
    });
    const ctx = mockContext({ input: { name }, workspacePath: workspace.path });
    await createPublishLocalGitAction({ config, catalog: catalogServiceMock() }).handler(ctx);
    return ctx.output.mock.calls.find((c: any[]) => c[0] === 'commitHash')[1];
  }

  const waitAction = () =>
    createWaitForCiAction({
      config,
      releaseManager: createReleaseManagerService(readReleaseManagerConnection(config)),
      pollIntervalMs: 200,
      noRunTimeoutMs: 30_000,
    });

  it('the push of publish:local-git runs CI through its hook; the step outputs the artifact CI uploaded', async () => {
    const sha = await publish('fraud-check', false);
    const ctx = mockContext({ input: { service: 'fraud-check', sha } });
    const info = jest.spyOn(ctx.logger, 'info');
    await waitAction().handler(ctx);

    const outputs = Object.fromEntries(ctx.output.mock.calls);
    expect(outputs.artifactId).toBe(`main-${sha.slice(0, 10)}-0123456789`);
    expect(outputs.image).toBe(`localhost/slipway/fraud-check:${sha}`);
    expect(outputs.tag).toBe(sha);
    expect(outputs.testsPassed).toBe(1);
    expect(outputs.ciUrl).toBe('http://ci.test/runs/fraud-check-1/log');
    // the CI's log lines are copied into the scaffolder log as they come
    const logged = info.mock.calls.map(c => String(c[0]));
    expect(logged).toEqual(expect.arrayContaining(['ci │ ok 1 - GET /healthz answers ok', 'ci │ == upload']));
    expect(logged.some((l: string) => /^Artifact main-.* uploaded by CI after .* s: image localhost\/slipway\/fraud-check:/.test(l))).toBe(true);

    // re-running the step is safe: it finds the same artifact at once
    const again = mockContext({ input: { service: 'fraud-check', sha } });
    await waitAction().handler(again);
    expect(again.output).toHaveBeenCalledWith('artifactId', outputs.artifactId);
  });

  it('fails with the failing lines of the CI log when the tests fail, and nothing is uploaded', async () => {
    const sha = await publish('broken-svc', true);
    const ctx = mockContext({ input: { service: 'broken-svc', sha } });
    const error: Error = await waitAction()
      .handler(ctx)
      .then(
        () => Promise.reject(new Error('expected the step to fail')),
        (e: Error) => e,
      );
    expect(error.message).toMatch(/^CI failed for broken-svc [0-9a-f]{10} \(ci\/run.sh exited with 1\); nothing was released\./);
    expect(error.message).toContain('not ok 2 - GET /hello greets by name');
    expect(error.message).toContain('expected: Hello, Jane!');
    expect(error.message).toContain('Full log: http://ci.test/runs/broken-svc-1/log');
    expect(error.message).not.toContain('ok 1 - GET /healthz');
    await expect(
      createReleaseManagerService(readReleaseManagerConnection(config)).describeArtifacts('broken-svc'),
    ).rejects.toThrow();
    // the repository stays for the developer to fix
    expect(fs.existsSync(data.resolve('repos/broken-svc.git/HEAD'))).toBe(true);
  });

  it('gives up with a clear message when the CI has no run for the commit', async () => {
    const action = createWaitForCiAction({
      config,
      releaseManager: createReleaseManagerService(readReleaseManagerConnection(config)),
      pollIntervalMs: 100,
      noRunTimeoutMs: 500,
    });
    await expect(
      action.handler(mockContext({ input: { service: 'never-pushed', sha: 'c'.repeat(40) } })),
    ).rejects.toThrow(/^local CI \(http:\/\/127.0.0.1:\d+\) has no run for never-pushed cccccccccc after \d+ s: is it running\?/);
  });

  it('refuses bad input', async () => {
    await expect(
      waitAction().handler(mockContext({ input: { service: 'Bad_Name', sha: 'c'.repeat(40) } })),
    ).rejects.toThrow(/service "Bad_Name" is not a DNS-1123 label/);
    await expect(
      waitAction().handler(
        mockContext({ input: { service: 'ok', sha: 'c'.repeat(40), provider: 'github' } }),
      ),
    ).rejects.toThrow(/repoUrl is required when provider is github/);
  });
});
