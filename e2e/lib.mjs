// Shared helpers for the end-to-end tests (node:test + playwright-core + Debian's chromium).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Base URL of the portal frontend; `PORTAL_URL` overrides http://localhost:3000. */
export const PORTAL_URL = process.env.PORTAL_URL ?? 'http://localhost:3000';
/** Base URL of the portal backend; `BACKEND_URL` overrides http://localhost:7007. */
export const BACKEND_URL = process.env.BACKEND_URL ?? 'http://localhost:7007';
/** Folder the screenshots are written to (git-ignored). */
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

let browserPromise;
/** One headless Chromium per test file (Debian's /usr/bin/chromium, or `CHROMIUM_PATH`). */
export function browser() {
  browserPromise ??= chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return browserPromise;
}

/** Closes the shared browser; call it in `after()`. */
export async function closeBrowser() {
  if (browserPromise) await (await browserPromise).close();
  browserPromise = undefined;
}

/**
 * Opens a new signed-in page (guest sign-in, 1440x900), runs `fn(page)`, and always saves a
 * full-page screenshot to `e2e/screenshots/<name>.png`, also when `fn` throws.
 */
let storageState;
export async function withPage(name, fn) {
  const b = await browser();
  // After the first sign-in, new pages reuse its storage (the chosen provider and the
  // refresh cookie), so the app signs them in by itself.
  const context = await b.newContext({
    viewport: { width: 1440, height: 900 },
    storageState,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  try {
    await signIn(page);
    storageState = await context.storageState();
    return await fn(page);
  } finally {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => {});
    await context.close();
  }
}

/** Signs in with the guest provider (the embedded default) if the sign-in page shows. */
export async function signIn(page) {
  await page.goto(`${PORTAL_URL}/`);
  const enter = page.getByRole('button', { name: /^enter$/i });
  const signedIn = page.locator('nav a[href="/home"], nav a[href="/catalog"]').first();
  await Promise.race([
    enter.waitFor({ timeout: 120_000 }),
    signedIn.waitFor({ timeout: 120_000 }),
  ]);
  if (await enter.isVisible().catch(() => false)) {
    await enter.click();
    await signedIn.waitFor({ timeout: 120_000 });
  }
}

/** Navigates to a portal path (e.g. `/catalog/default/component/ledger`) and waits for the network to settle. */
export async function open(page, path) {
  await page.goto(`${PORTAL_URL}${path}`);
  await page.waitForLoadState('networkidle').catch(() => {});
}
