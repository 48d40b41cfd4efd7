// Service health: lights in the catalog table (one batch call), a service's health card
// with its signals, and the home-page card. Needs the local Prometheus of
// scripts/start.d/30-prometheus.sh for the release manager's live green light. The
// example fleet's lights (real signals, red on a bad release) are in fleet-health.test.mjs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withPage, open, closeBrowser, SCREENSHOTS } from './lib.mjs';

after(closeBrowser);

/** Reloads `path` until `check(page)` passes (Prometheus needs a few scrapes; results are cached 30 s). */
async function eventually(page, path, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await open(page, path);
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await page.waitForTimeout(5000);
    }
  }
}

/** The InfoCard whose header is `title` (MUI class names carry a generated suffix). */
const cardTitled = (page, title) =>
  page.locator('[class*="MuiCard-root"]', {
    has: page.locator('[class*="MuiCardHeader-title"]', { hasText: title }),
  });

// Rows are found by their entity link (the table shows titles, e.g. "Release manager").
const rowOf = (page, name) =>
  page
    .locator('tr', { has: page.locator(`a[href$="/component/${name}"]`) })
    .first();

test('the catalog shows a health light per service, from one batch call', () =>
  withPage('service-health-catalog', async page => {
    // the portal scrolls inside its own container: a tall viewport shows every row
    await page.setViewportSize({ width: 1440, height: 1300 });
    const batches = [];
    page.on('request', req => {
      if (req.url().includes('/api/service-health/health/batch'))
        batches.push(req);
    });
    const path = '/catalog?filters[kind]=component&filters[user]=all';
    await eventually(page, path, async () => {
      batches.length = 0;
      await page.getByRole('columnheader', { name: 'Health' }).waitFor();
      // the release manager's own metrics are live: green
      await rowOf(page, 'release-manager')
        .locator('[data-light="green"]')
        .waitFor({ timeout: 10_000 });
    });
    // every example service has a light (e2e/fleet-health.test.mjs waits for them to have data)
    await rowOf(page, 'card-service').locator('[data-light]').waitFor();
    // a website is not a service: a dash, no light
    await rowOf(page, 'slipway-portal')
      .getByLabel('No health signals')
      .waitFor();
    const lights = await page.locator('tbody [data-light]').count();
    assert.ok(lights >= 9, `expected a light per service, saw ${lights}`);
    assert.equal(batches.length, 1, 'all rows are fetched in one batch call');
    const refs = JSON.parse(batches[0].postData()).entityRefs;
    assert.ok(refs.includes('component:default/ledger'), refs.join());
  }));

test("a service's card shows its signals, values and thresholds", () =>
  withPage('service-health-card', async page => {
    await page.setViewportSize({ width: 1440, height: 1600 });
    await eventually(
      page,
      '/catalog/default/component/release-manager',
      async () => {
        await page.getByText('Service health').first().waitFor();
        await page
          .getByText('Healthy', { exact: true })
          .waitFor({ timeout: 10_000 });
      },
    );
    for (const signal of [
      'HTTP 5xx ratio (5m)',
      'Up (Prometheus scrape)',
      'Failed releases (1h)',
    ]) {
      await page.getByText(signal, { exact: true }).waitFor();
    }
    await page.getByText('100 %', { exact: true }).waitFor();
    await page.getByText('amber ≤ 99 %', { exact: true }).waitFor();
    await page.getByText('red ≤ 50 %', { exact: true }).waitFor();
    const card = cardTitled(page, 'Service health');
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({
      path: join(SCREENSHOTS, 'service-health-card-only.png'),
    });
  }));

test("the home page shows the lights of the user's team's services", () =>
  withPage('service-health-home', async page => {
    await page.setViewportSize({ width: 1440, height: 1400 });
    await open(page, '/home');
    await page.getByText("My team's service health").waitFor();
    const card = cardTitled(page, "My team's service health");
    await card.locator('a[href$="/component/card-service"]').waitFor();
    await card.locator('[data-light]').first().waitFor();
  }));
