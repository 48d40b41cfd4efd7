// The golden path through CI (issue 13), in Chromium against the running portal:
// 1. five fields → "Wait for CI" finishes (the new repository's own ci/run.sh ran in the
//    local CI: test, podman build tagged with the sha, kubectl kustomize, artifact push) →
//    the service's prod runs the CI-built artifact (image tag = the commit sha);
// 2. a commit pushed from a temp clone of the new repository reaches dev by auto-release;
// 3. a template run whose tests fail stops at "Wait for CI" with the failing lines and
//    releases nothing (a copy of the template whose skeleton has a failing test,
//    registered for this test and removed after it).
// Needs the local CI (scripts/start.d/38-local-ci.sh) and, for pods, podman.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browser, signIn, open, closeBrowser, BACKEND_URL, PORTAL_URL, SCREENSHOTS } from './lib.mjs';
import { rm, envStatus, until, envRow, openSignedIn, releasesPath } from './fleet.mjs';

after(closeBrowser);

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const DATA = process.env.SLIPWAY_DATA ?? path.join(ROOT, '.data');
const LOCAL_CI_URL = process.env.LOCAL_CI_URL ?? 'http://localhost:7400';

/**
 * `withPage` of lib.mjs with 5-minute timeouts: the portal's development bundle takes more
 * than a minute to load in Chromium on a saturated 2-core machine.
 */
async function withPage(name, fn) {
  const context = await (await browser()).newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(300_000);
  try {
    await signIn(page);
    return await fn(page);
  } finally {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => {});
    await context.close();
  }
}

/** Picks an option of a Backstage entity/owner picker (an MUI Autocomplete). */
async function pick(page, label, text) {
  const input = page.getByLabel(label, { exact: false }).first();
  await input.click();
  await input.fill(text);
  await page.getByRole('option', { name: new RegExp(text, 'i') }).first().click();
}

/** Fills the five fields of template `template` and submits; returns the submit time. */
async function submit(page, template, name) {
  await open(page, `/create/templates/default/${template}`);
  await page.getByLabel('Name', { exact: false }).first().fill(name);
  await pick(page, 'Owner', 'payments');
  await page.getByLabel('Description', { exact: false }).first().fill('Made by the golden-path CI end-to-end test');
  await pick(page, 'System', 'payments');
  await page.getByRole('button', { name: /^review$/i }).click();
  const started = Date.now();
  await page.getByRole('button', { name: /^create$/i }).click();
  return started;
}

const git = (cwd, ...args) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'E2E Dev', GIT_AUTHOR_EMAIL: 'e2e@slipway.test', GIT_COMMITTER_NAME: 'E2E Dev', GIT_COMMITTER_EMAIL: 'e2e@slipway.test' },
  }).trim();

/**
 * Waits until the portal backend is ready and the frontend's bundle is built (in
 * development both restart or rebuild on source changes).
 */
async function backendReady() {
  await until(
    'the portal backend ready',
    async () => (await fetch(`${BACKEND_URL}/.backstage/health/v1/readiness`).catch(() => undefined))?.ok,
    300_000,
  );
  await until(
    'the portal frontend built',
    async () => (await fetch(PORTAL_URL, { signal: AbortSignal.timeout(120_000) }).catch(() => undefined))?.ok,
    300_000,
  );
}

/** A guest token for the backend API. */
async function guestToken() {
  const res = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
  return (await res.json()).backstageIdentity.token;
}

test('five fields → Wait for CI → prod runs the CI-built artifact; a push reaches dev', () =>
  backendReady().then(() => withPage('golden-path-ci', async page => {
    const name = `gpci-${Date.now().toString(36)}`;
    const started = await submit(page, 'service', name);

    // The task page: "Wait for CI" shows, then every step is done and the links show.
    await page.getByText('Wait for CI').first().waitFor({ timeout: 120_000 });
    await page
      .getByRole('button', { name: /open in catalog/i })
      .or(page.getByRole('link', { name: /open in catalog/i }))
      .first()
      .waitFor({ timeout: 600_000 });
    console.log(`golden path through CI: submit to output links in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await page.screenshot({ path: 'e2e/screenshots/golden-path-ci-done.png', fullPage: true });
    await page.getByRole('link', { name: /ci run/i }).first().waitFor();

    // The CI-built artifact: tag = the pushed sha, tests counted, built by the local CI.
    const bare = path.join(DATA, 'repos', `${name}.git`);
    const sha = git(bare, 'rev-parse', 'main');
    const prod = await envStatus(name, 'prod');
    assert.match(prod.tag, new RegExp(`^main-${sha.slice(0, 10)}-[0-9a-f]{10}$`));
    const { artifacts } = await rm(`/describe/artifact/${name}?count=5`);
    const artifact = artifacts.find(a => a.id === prod.tag);
    const stage = id => artifact.stages.find(s => s.id === id)?.data;
    assert.equal(stage('build').tag, sha);
    assert.equal(stage('build').image, `localhost/slipway/${name}`);
    assert.ok(stage('test').results.passed > 0, 'tests counted');
    assert.equal(stage('test').results.failed, 0);
    assert.match(artifact.ci.jobUrl, new RegExp(`^${LOCAL_CI_URL}/runs/${name}-1/log$`));
    const log = await (await fetch(artifact.ci.jobUrl)).text();
    assert.match(log, /== build localhost\/slipway\/.*:[0-9a-f]{40}/);

    // The service's page: prod runs that artifact; the pods come up (podman) when they can.
    await openSignedIn(page, releasesPath(name), envRow(page, 'prod'));
    await envRow(page, 'prod').getByText(prod.tag).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: 'e2e/screenshots/golden-path-ci-service.png', fullPage: true });
    const ready = await until(
      `${name} prod pods ready`,
      async () => {
        const r = (await envStatus(name, 'prod')).rollout;
        return r?.artifactId === prod.tag && r.phase === 'succeeded' ? r : undefined;
      },
      240_000,
    ).catch(e => e);
    console.log(ready instanceof Error ? `prod pods: ${ready.message}` : `prod pods ready (rollout ${ready.phase}${ready.desiredReplicas ? `, ${ready.availableReplicas}/${ready.desiredReplicas}` : ""}) after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // A developer clones the new service, changes a line and pushes: CI runs, auto-release takes it to dev.
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'gpci-clone-'));
    try {
      git(clone, 'clone', '--quiet', bare, 'svc');
      const dir = path.join(clone, 'svc');
      fs.appendFileSync(path.join(dir, 'README.md'), '\nA line from the end-to-end test.\n');
      git(dir, 'commit', '--quiet', '-am', 'Say hello in the README');
      const pushed = Date.now();
      const out = execFileSync('git', ['push', 'origin', 'main'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      void out;
      const newSha = git(dir, 'rev-parse', 'HEAD');
      const devTag = await until(
        `${name} dev auto-released to ${newSha.slice(0, 10)}`,
        async () => {
          const dev = await envStatus(name, 'dev');
          return dev?.tag?.startsWith(`main-${newSha.slice(0, 10)}-`) ? dev.tag : undefined;
        },
        300_000,
      );
      console.log(`push → dev auto-released in ${((Date.now() - pushed) / 1000).toFixed(1)} s`);
      await openSignedIn(page, releasesPath(name), envRow(page, 'dev'));
      await envRow(page, 'dev').getByText(devTag).first().waitFor({ timeout: 60_000 });
      // prod is untouched by the push
      await envRow(page, 'prod').getByText(prod.tag).first().waitFor();
      await page.screenshot({ path: 'e2e/screenshots/golden-path-ci-push.png', fullPage: true });
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  })));

test('a template run whose tests fail stops at Wait for CI with the failing lines and releases nothing', async () => {
  // A copy of the template whose node skeleton has a failing test, registered as a file location.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpci-broken-template-'));
  const templateName = `service-broken-${Date.now().toString(36)}`;
  fs.cpSync(path.join(ROOT, 'templates/service'), tmp, { recursive: true });
  const templateFile = path.join(tmp, 'template.yaml');
  fs.writeFileSync(
    templateFile,
    fs.readFileSync(templateFile, 'utf8').replace(/^  name: service$/m, `  name: ${templateName}`).replace(/^  title: .*$/m, '  title: Broken service (e2e)'),
  );
  fs.appendFileSync(
    path.join(tmp, 'skeleton/node/test/app.test.ts'),
    "\ntest('the greeting is polite', () => {\n  assert.equal('Hello, world!', 'Good day, world!');\n});\n",
  );
  await backendReady();
  const token = await guestToken();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const loc = await (
    await fetch(`${BACKEND_URL}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'file', target: templateFile }) })
  ).json();
  assert.ok(loc.location?.id, `registered the broken template: ${JSON.stringify(loc)}`);
  try {
    await backendReady();
    await withPage('golden-path-ci-failing', async page => {
      const name = `gpci-bad-${Date.now().toString(36)}`;
      await until(
        'the broken template in the catalog',
        async () => (await fetch(`${BACKEND_URL}/api/catalog/entities/by-name/template/default/${templateName}`, { headers })).ok,
        120_000,
      );
      await submit(page, templateName, name);
      // The step fails with the test's failing lines; the later steps never run.
      await page.getByText(/CI failed for/).first().waitFor({ timeout: 600_000 });
      await page.getByText(/not ok \d+ - the greeting is polite/).first().waitFor();
      await page.screenshot({ path: 'e2e/screenshots/golden-path-ci-failing.png', fullPage: true });
      // nothing released, no artifact; the repository stays for the developer to fix
      const res = await fetch(`${process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100'}/describe/artifact/${name}`, {
        headers: { authorization: `Bearer ${process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token'}` },
      });
      if (res.ok) assert.deepEqual((await res.json()).artifacts, []);
      const status = await fetch(`${process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100'}/status?service=${name}`, {
        headers: { authorization: `Bearer ${process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token'}` },
      });
      if (status.ok) assert.ok(!(await status.json()).environments.some(e => e.tag), 'released nothing');
      assert.ok(fs.existsSync(path.join(DATA, 'repos', `${name}.git`, 'HEAD')), 'the repository stays');
    });
  } finally {
    // remove the broken template again, also when the backend restarts meanwhile
    await until(
      'the broken template location removed',
      async () => {
        const res = await fetch(`${BACKEND_URL}/api/catalog/locations/${loc.location.id}`, { method: 'DELETE', headers });
        return res.ok || res.status === 404;
      },
      300_000,
    ).catch(e => console.log(e.message));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
