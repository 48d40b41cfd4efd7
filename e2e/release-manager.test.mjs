// Release manager: a service's Releases tab against the release manager that
// scripts/start.d/20-release-manager.sh starts (with the example fleet's releases). Deploys an artifact to staging
// through the confirmation dialog (and checks the new release commit), shows that a
// feature-branch artifact is refused for prod with the policy's message, opens the prod
// confirmation dialog, and rolls prod back. Prints the time from confirming a release to
// the page showing it. The fleet's bad artifacts are left alone here (fleet-*.test.mjs
// deploy them on purpose); crash loops and owner notifications from real pods are in
// fleet-rollout.journey.mjs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withPage, open, closeBrowser, SCREENSHOTS } from './lib.mjs';
import { BAD_IDS } from './fleet.mjs';

after(closeBrowser);

const SERVICE = process.env.E2E_RM_SERVICE ?? 'ledger';
const RELEASES = `/catalog/default/component/${SERVICE}/releases`;
/** Release manager (for reading the release commits back). */
const RM_URL = process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100';
const RM_TOKEN = process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token';

async function latestRelease(environment) {
  const res = await fetch(
    `${RM_URL}/describe/release/${SERVICE}/${environment}?count=1`,
    { headers: { authorization: `Bearer ${RM_TOKEN}` } },
  );
  assert.equal(res.status, 200);
  return (await res.json()).releases?.[0];
}

/** The row of `environment` in the Environments table. */
const envRow = (page, environment) =>
  page
    .locator('tr', {
      has: page.locator('strong', { hasText: new RegExp(`^${environment}$`) }),
    })
    .first();

/** The artifact id of the first enabled "Deploy <id> to <env>" button whose artifact is on main. */
async function deployableArtifact(page, environment, { branch = 'main' } = {}) {
  const rows = page.locator('tr', {
    has: page.locator(`button[aria-label$=" to ${environment}"]`),
  });
  const count = await rows.count();
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    const cells = await row.locator('td').allInnerTexts();
    // the Commit column: the branch, then sha · author
    if (cells[1]?.trim().split('\n')[0].trim() !== branch) continue;
    const button = row.locator(`button[aria-label$=" to ${environment}"]`);
    if (await button.isEnabled()) {
      const label = await button.getAttribute('aria-label');
      const id = label.slice('Deploy '.length, -` to ${environment}`.length);
      if (!BAD_IDS.has(id)) return id;
    }
  }
  return undefined;
}

test('deploy an artifact to staging through the dialog and see the new release', () =>
  withPage('release-manager-deploy', async page => {
    await open(page, RELEASES);
    await page.getByText('Latest artifacts').waitFor();
    // the owner check (guest is in the owning team) enables the buttons
    await page
      .locator('button[aria-label$=" to staging"]:not([disabled])')
      .first()
      .waitFor();
    // the portal scrolls inside its own container: a tall viewport shows the whole tab
    await page.setViewportSize({ width: 1440, height: 2300 });
    await page.screenshot({ path: join(SCREENSHOTS, 'release-manager-tab.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    const before = await latestRelease('staging');
    const artifactId = await deployableArtifact(page, 'staging');
    assert.ok(artifactId, 'an artifact on main that does not run in staging yet');

    await page.getByRole('button', { name: `Deploy ${artifactId} to staging` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Deploy to staging' }).waitFor();
    await dialog.getByText(artifactId).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'release-manager-dialog-staging.png') });

    const clicked = Date.now();
    await dialog.getByRole('button', { name: 'Deploy to staging' }).click();
    await envRow(page, 'staging').getByText(artifactId).waitFor({ timeout: 30_000 });
    const shownMs = Date.now() - clicked;
    console.log(`release-manager e2e: confirm → new release on the page: ${shownMs} ms`);

    const after = await latestRelease('staging');
    assert.equal(after.artifact.id, artifactId);
    assert.notEqual(after.commit, before?.commit, 'a new release commit');
    assert.equal(after.releasedByName, 'Guest Developer');
    // and the commit is in the config repo of the embedded default
    const repo = join(process.env.SLIPWAY_DATA ?? '.data', 'release-manager', 'config-repo.git');
    if (existsSync(repo) && after.commit) {
      const subject = execFileSync('git', ['log', '-1', '--format=%H %an', after.commit], {
        cwd: repo,
        encoding: 'utf8',
      });
      assert.match(subject, new RegExp(`^${after.commit} Guest Developer`));
    }
  }));

test('a feature-branch artifact is refused for prod with the policy, and prod asks first', () =>
  withPage('release-manager-prod', async page => {
    await open(page, RELEASES);
    await page.getByText('Latest artifacts').waitFor();
    await page
      .locator('button[aria-label$=" to dev"]:not([disabled])')
      .first()
      .waitFor();

    // a feature-branch artifact: its prod button is disabled, and says which policy
    const featureRow = page
      .locator('tr', { has: page.locator('button[aria-label$=" to prod"]') })
      .filter({ hasText: /feature\// })
      .first();
    const prodButton = featureRow.locator('button[aria-label$=" to prod"]');
    assert.equal(await prodButton.isDisabled(), true);
    await prodButton.locator('..').hover();
    await page
      .getByText(/Branch restriction .*: prod only accepts branches matching/)
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'release-manager-restricted.png') });
    await page.mouse.move(0, 0);

    // a main artifact to prod: the confirmation dialog warns about production
    const artifactId = await deployableArtifact(page, 'prod');
    assert.ok(artifactId, 'an artifact on main that does not run in prod yet');
    await page.getByRole('button', { name: `Deploy ${artifactId} to prod` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('This changes what runs in production.').waitFor();
    await dialog.getByText(/^From$/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'release-manager-dialog-prod.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }));

test('roll back prod and see it', () =>
  withPage('release-manager-rollback', async page => {
    await open(page, RELEASES);
    await page.getByText('Latest artifacts').waitFor();
    const row = envRow(page, 'prod');
    const rollback = row.getByRole('button', { name: 'Roll back' });
    await page.locator('button[aria-label$=" to dev"]:not([disabled])').first().waitFor();
    const before = await latestRelease('prod');
    await rollback.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Roll back to prod' }).waitFor();
    await dialog.getByRole('button', { name: 'Roll back to prod' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText(/Rollback/).waitFor({ timeout: 30_000 });
    const after = await latestRelease('prod');
    assert.equal(after.intent, 'Rollback');
    assert.notEqual(after.artifact.id, before.artifact.id);
    await row.getByText(after.artifact.id).waitFor();
  }));

test('the overview shows the release status card', () =>
  withPage('release-manager-card', async page => {
    await open(page, `/catalog/default/component/${SERVICE}`);
    const card = page.locator('[class*="MuiCard-root"]', {
      has: page.locator('[class*="MuiCardHeader-title"]', { hasText: /^Releases$/ }),
    });
    await card.getByText('staging').first().waitFor();
    await card.getByText('prod').first().waitFor();
    await card.screenshot({ path: join(SCREENSHOTS, 'release-manager-card.png') });
  }));
