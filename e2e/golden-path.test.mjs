// The golden path: five fields at /create to a service in the catalog, released to prod.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, open, closeBrowser } from './lib.mjs';

after(closeBrowser);

/** Picks an option of a Backstage entity/owner picker (an MUI Autocomplete). */
async function pick(page, label, text) {
  const input = page.getByLabel(label, { exact: false }).first();
  await input.click();
  await input.fill(text);
  await page.getByRole('option', { name: new RegExp(text, 'i') }).first().click();
}

test('five fields to a service released to production, with its API', () =>
  withPage('golden-path', async page => {
    const name = `gp-${Date.now().toString(36)}`;
    await open(page, '/create/templates/default/service');
    await page.getByLabel('Name', { exact: false }).first().fill(name);
    await pick(page, 'Owner', 'payments');
    await page
      .getByLabel('Description', { exact: false })
      .first()
      .fill('Made by the golden-path end-to-end test');
    await pick(page, 'System', 'payments');
    await page.screenshot({ path: 'e2e/screenshots/golden-path-form.png' });
    await page.getByRole('button', { name: /^review$/i }).click();
    const started = Date.now();
    await page.getByRole('button', { name: /^create$/i }).click();

    // The task page: every step done, then the output links.
    await page
      .getByRole('button', { name: /open in catalog/i })
      .or(page.getByRole('link', { name: /open in catalog/i }))
      .first()
      .waitFor({ timeout: 180_000 });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`golden path: submit to output links in ${seconds} s`);
    await page.screenshot({ path: 'e2e/screenshots/golden-path-done.png', fullPage: true });

    // The new service's page: its production release and its API.
    await open(page, `/catalog/default/component/${name}`);
    await page.getByText(name).first().waitFor({ timeout: 120_000 });
    const prodRow = page.locator('tr', { hasText: /^\s*prod/i }).first();
    await prodRow.waitFor({ timeout: 60_000 });
    assert.match(await prodRow.innerText(), /main-/);
    await page.screenshot({ path: 'e2e/screenshots/golden-path-service.png', fullPage: true });
    await page.getByRole('tab', { name: 'API' }).click();
    await page
      .locator(`a[href$="/catalog/default/api/${name}-api"]`)
      .first()
      .waitFor({ timeout: 60_000 });
  }));
