// Delivery insights in the running portal: the e2e releases one of ledger's main
// artifacts to staging (through the release manager's API, as CI or hamctl would), then
//  - the home page's "Since yesterday in your team" card shows that release (the guest
//    belongs to payments, which owns ledger) among the fleet's;
//  - the payments Group page shows the drift and DORA cards, with ledger waiting for prod;
//  - "Promote to prod" in the drift card opens the release dialog, and after confirming,
//    ledger leaves the waiting list.
// Screenshots: docs/plugins/img/insights-*.png.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPage, open, closeBrowser } from './lib.mjs';
import { BAD_IDS } from './fleet.mjs';

after(closeBrowser);

const SERVICE = process.env.E2E_INSIGHTS_SERVICE ?? 'ledger';
const GROUP = process.env.E2E_INSIGHTS_GROUP ?? 'payments';
const RM_URL = process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100';
const RM_TOKEN = process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token';
const DOCS = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'docs',
  'plugins',
  'img',
);

async function rm(path, body) {
  const res = await fetch(`${RM_URL}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${RM_TOKEN}`,
      'content-type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

let released;

test('a release made now shows in the home page feed', async () => {
  // A main artifact prod never ran, released to staging now: it will wait for prod.
  const { artifacts } = await rm(`/describe/artifact/${SERVICE}?count=20`);
  const prod = await rm(`/describe/release/${SERVICE}/prod?count=100`);
  const inProd = new Set(prod.releases.map(r => r.artifact.id));
  const status = await rm(`/status?service=${SERVICE}`);
  const candidate = artifacts.find(
    a =>
      a.application.branch === 'main' &&
      !BAD_IDS.has(a.id) &&
      !inProd.has(a.id) &&
      a.id !== status.staging?.tag,
  );
  assert.ok(candidate, `no main artifact of ${SERVICE} that prod never ran`);
  await rm('/release', {
    service: SERVICE,
    environment: 'staging',
    artifactId: candidate.id,
    committerName: 'E2E Insights',
    committerEmail: 'e2e@example.com',
    intent: { type: 'ReleaseArtifact' },
  });
  released = candidate.id;

  await withPage('insights-home', async page => {
    await open(page, '/');
    const card = page
      .locator('[class*="MuiCard-root"]', { hasText: 'Since yesterday in your team' })
      .first();
    const group = card.getByTestId(`feed-${SERVICE}`);
    await group.waitFor({ timeout: 120_000 });
    await group.getByText('Released · staging').first().waitFor();
    assert.match(
      await group.innerText(),
      new RegExp(`${released} released to staging by E2E Insights`),
    );
    const link = group
      .getByRole('link', { name: 'Released · staging' })
      .first();
    assert.equal(
      await link.getAttribute('href'),
      `/catalog/default/component/${SERVICE}/releases`,
    );
    await card.screenshot({ path: join(DOCS, 'insights-home.png') });
  });
});

test('the Group page shows drift and DORA, and a promotion from the drift view moves the service out of the waiting list', async () => {
  assert.ok(released, 'the first test released an artifact to staging');
  await withPage('insights-group', async page => {
    await open(page, `/catalog/default/group/${GROUP}`);
    const dora = page
      .locator('[class*="MuiCard-root"]', { hasText: 'DORA keys' })
      .first();
    await dora
      .getByTestId('dora-Deployment frequency')
      .waitFor({ timeout: 120_000 });
    for (const key of [
      'Lead time for changes',
      'Change failure rate',
      'Time to restore',
    ])
      await dora.getByTestId(`dora-${key}`).waitFor();
    await dora.getByRole('img', { name: 'weekly trend' }).waitFor();
    await dora.screenshot({ path: join(DOCS, 'insights-dora.png') });

    const drift = page
      .locator('[class*="MuiCard-root"]', { hasText: 'Environment drift' })
      .first();
    const row = drift.getByTestId(`waiting-${SERVICE}`);
    await row.waitFor({ timeout: 120_000 });
    await drift.screenshot({ path: join(DOCS, 'insights-drift.png') });

    await row.getByRole('button', { name: 'Promote to prod' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Promote to prod' }).waitFor();
    await dialog.screenshot({
      path: join(DOCS, 'insights-promote-dialog.png'),
    });
    await dialog.getByRole('button', { name: 'Promote to prod' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 120_000 });
    await row.waitFor({ state: 'detached', timeout: 120_000 });
    const status = await rm(`/status?service=${SERVICE}`);
    assert.equal(status.prod?.tag, released);
  });
});
