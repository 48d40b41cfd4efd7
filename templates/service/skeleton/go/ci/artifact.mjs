// Writes the artifact spec (the release manager's artifact.json, Lunar's artifact.Spec) of
// this CI run: called by ci/run.sh after the test, the image build and the rendering.
//   node ci/artifact.mjs <out dir>
// Reads <out dir>/test.log (test counts), <out dir>/manifests/<env>/*.yaml (the plan sha)
// and the environment ci/run.sh sets: SERVICE, SHA, BRANCH, IMAGE, TAG, T_START, T_TEST_MS,
// T_BUILD_MS, T_RENDER_MS, CONTAINER_VERSION, KUSTOMIZE_VERSION, PUSHED, CI_JOB_URL,
// CI_REPOSITORY_URL, CI_PROVIDER. Prints the artifact id.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const out = process.argv[2];
const env = process.env;
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();

/** Test counts from node:test (TAP "# pass 4" or spec "ℹ pass 4") or `go test -v` output. */
function testCounts(log) {
  const count = word => {
    const m = log.match(new RegExp(`^\\s*[#ℹ] ${word} (\\d+)\\s*$`, 'm'));
    return m ? Number(m[1]) : undefined;
  };
  if (count('pass') !== undefined) {
    return { passed: count('pass'), failed: count('fail') ?? 0, skipped: (count('skipped') ?? 0) + (count('todo') ?? 0) };
  }
  const go = word => (log.match(new RegExp(`^\\s*--- ${word}: `, 'gm')) ?? []).length;
  return { passed: go('PASS'), failed: go('FAIL'), skipped: go('SKIP') };
}

/** The release manager's artifact id rule: `<branch>-<appSha10>-<planSha10>`. */
function artifactId(branch, appSha, planSha) {
  const trim = s => s.replace(/^[-._]+|[-._]+$/g, '');
  const b = trim(trim(branch.replace(/[^A-Za-z0-9._]+/g, '-').replace(/\.{2,}/g, '.')).slice(0, 178));
  return `${b}-${appSha.slice(0, 10)}-${planSha.slice(0, 10)}`;
}

const manifestsDir = path.join(out, 'manifests');
const plan = createHash('sha1');
for (const e of fs.readdirSync(manifestsDir).sort()) {
  for (const f of fs.readdirSync(path.join(manifestsDir, e)).sort()) {
    plan.update(`${e}/${f}\n`).update(fs.readFileSync(path.join(manifestsDir, e, f)));
  }
}
const planSha = plan.digest('hex');
const catalogInfo = fs.readFileSync('catalog-info.yaml', 'utf8');
const namespace = catalogInfo.match(/slipway\.dev\/release-manager-namespace:\s*(\S+)/)?.[1];
const squad = catalogInfo.match(/^\s*owner:\s*(?:group:)?(?:[\w-]+\/)?([\w-]+)\s*$/m)?.[1];
const [authorName, authorEmail, committerName, committerEmail, message] = git(
  'log', '-1', '--format=%an%x00%ae%x00%cn%x00%ce%x00%s', env.SHA,
).split('\0');
const image = { image: env.IMAGE, tag: env.TAG, dockerVersion: env.CONTAINER_VERSION };
const id = artifactId(env.BRANCH, env.SHA, planSha);
const spec = {
  id,
  service: env.SERVICE,
  ...(namespace ? { namespace } : {}),
  ...(squad ? { squad } : {}),
  application: {
    branch: env.BRANCH,
    sha: env.SHA,
    authorName,
    authorEmail,
    committerName,
    committerEmail,
    message,
    name: env.SERVICE,
    ...(env.CI_REPOSITORY_URL ? { url: env.CI_REPOSITORY_URL } : {}),
    provider: env.CI_PROVIDER ?? 'slipway-local-ci',
  },
  ci: {
    ...(env.CI_JOB_URL ? { jobUrl: env.CI_JOB_URL } : {}),
    start: new Date(Number(env.T_START)).toISOString(),
    end: new Date().toISOString(),
  },
  stages: [
    {
      id: 'test',
      name: 'Test',
      data: {
        ...(env.CI_JOB_URL ? { url: env.CI_JOB_URL } : {}),
        results: testCounts(fs.readFileSync(path.join(out, 'test.log'), 'utf8')),
        durationMs: Number(env.T_TEST_MS),
      },
    },
    { id: 'build', name: 'Build', data: { ...image, durationMs: Number(env.T_BUILD_MS) } },
    ...(env.PUSHED === '1' ? [{ id: 'push', name: 'Push', data: image }] : []),
    {
      id: 'render',
      name: 'Render manifests (kustomize)',
      data: {
        environments: fs.readdirSync(manifestsDir).sort(),
        kustomize: env.KUSTOMIZE_VERSION,
        planSha,
        durationMs: Number(env.T_RENDER_MS),
      },
    },
  ],
};
fs.writeFileSync(path.join(out, 'artifact.json'), `${JSON.stringify(spec, null, 2)}\n`);
console.log(id);
