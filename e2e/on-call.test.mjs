// On-call: a service's page shows who is on call (embedded schedule from app-config.yaml),
// an incident can be triggered (form + confirmation), is listed, and can be resolved;
// the home page lists who is on call for the guest's teams.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withPage, open, closeBrowser, SCREENSHOTS } from './lib.mjs';

after(closeBrowser);

const PAYMENTS = /Astrid Nilsson|Guest Developer|Mikkel Jensen|Jonas Eriksson/;

// The card around a card title (MUI class names carry a suffix in development builds).
function cardTitled(page, title) {
  return page
    .getByText(title, { exact: true })
    .first()
    .locator('xpath=ancestor::div[contains(@class, "MuiCard-root")][1]');
}

function onCallCard(page) {
  return cardTitled(page, 'On call');
}

test("a service's page shows who is on call now and next", () =>
  withPage('on-call-service', async page => {
    await open(page, '/catalog/default/component/ledger');
    const card = onCallCard(page);
    await card.waitFor();
    const level1 = card.getByTestId('on-call-level-1');
    await level1.getByText('Level 1 · Primary').waitFor();
    const text = await level1.innerText();
    assert.match(text, PAYMENTS, `level 1 names a payments member: ${text}`);
    assert.match(text, /@slipway\.dev/);
    assert.match(text, /until in \d+ (day|hour|minute)s?/);
    assert.match(text, /Next: /);
    await card.getByTestId('on-call-level-2').getByText('Level 2 · Secondary').waitFor();
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(SCREENSHOTS, 'on-call-card.png') });
  }));

test('trigger an incident, see it listed, resolve it', () =>
  withPage('on-call-incident', async page => {
    const title = `E2E: ledger returns 500 (${Date.now()})`;
    await open(page, '/catalog/default/component/ledger');
    const card = onCallCard(page);
    await card.getByTestId('on-call-level-1').waitFor();
    await card.getByRole('button', { name: 'Trigger incident' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.getByText('Trigger an incident for Ledger').waitFor();
    await dialog.getByRole('textbox', { name: /Title/ }).fill(title);
    await dialog.getByRole('textbox', { name: 'Description' }).fill('Started at 09:12 after the deploy; card payments fail.');
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText(/will be paged\./).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'on-call-confirm.png') });
    await dialog.getByRole('button', { name: 'Trigger incident' }).click();
    await dialog.waitFor({ state: 'detached' });

    await card.getByText(/^Incident triggered; .* is on call \(level 1\)\.$/).waitFor();
    const listed = card.getByText(title, { exact: true });
    await listed.waitFor();
    await card.getByText(/Triggered .* by/).first().waitFor();
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(SCREENSHOTS, 'on-call-triggered.png') });

    // still there after a reload: it is stored by the backend
    await open(page, '/catalog/default/component/ledger');
    await onCallCard(page).getByText(title, { exact: true }).waitFor();

    await onCallCard(page).getByRole('button', { name: `Acknowledge ${title}` }).click();
    await onCallCard(page).getByText(/acknowledged by/).first().waitFor();
    await onCallCard(page).getByRole('button', { name: `Resolve ${title}` }).click();
    await onCallCard(page).getByText(title, { exact: true }).waitFor({ state: 'detached' });
  }));

test('the home page lists who is on call for the guest teams', () =>
  withPage('on-call-home', async page => {
    await open(page, '/home');
    const card = cardTitled(page, 'On call for your teams');
    await card.waitFor();
    // guest is in payments and platform
    await card.getByRole('link', { name: 'Payment gateway' }).first().waitFor();
    await card.getByRole('link', { name: 'Identity service' }).first().waitFor();
    const text = await card.innerText();
    assert.match(text, PAYMENTS);
    assert.doesNotMatch(text, /Loan applications/i);
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(SCREENSHOTS, 'on-call-home-card.png') });
  }));
