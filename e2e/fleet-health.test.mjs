// Health lights driven by the running example fleet: after a fresh start every example
// service's light, and each of its default signals (error ratio and p99 latency from the
// pods' /metrics, CPU and readiness from the release daemon's exported podman state),
// has data within minutes. (The red light of a bad release: fleet-error-ratio.journey.mjs.)
import { test, after } from 'node:test';
import { join } from 'node:path';
import { withPage, closeBrowser, SCREENSHOTS } from './lib.mjs';
import { openSignedIn, signalLight, until } from './fleet.mjs';

after(closeBrowser);

const SERVICES = [
  'payment-gateway',
  'ledger',
  'card-service',
  'loan-applications',
  'credit-scoring',
  'customer-profile',
  'notification-service',
  'identity-service',
];
const SIGNALS = ['Request error ratio', 'Latency (p99)', 'Saturation (CPU of limit)', 'Pods ready'];

/** Rows are found by their entity link (the table shows titles). */
const rowOf = (page, name) =>
  page.locator('tr', { has: page.locator(`a[href$="/component/${name}"]`) }).first();

test('every example service shows a light driven by real signals', { timeout: 900_000 }, () =>
  withPage('fleet-health-catalog', async page => {
    // the portal scrolls inside its own container: a tall viewport shows every row
    await page.setViewportSize({ width: 1440, height: 1300 });
    const started = Date.now();
    let lights = {};
    await until(
      'a green or amber light (not grey) for every example service in the catalog',
      async () => {
        await openSignedIn(
          page,
          '/catalog?filters[kind]=component&filters[user]=all',
          page.getByRole('columnheader', { name: 'Health' }),
        );
        lights = {};
        for (const name of SERVICES) {
          lights[name] = await rowOf(page, name)
            .locator('[data-light]')
            .first()
            .getAttribute('data-light', { timeout: 20_000 })
            .catch(() => 'none');
        }
        return Object.values(lights).every(l => l !== 'grey' && l !== 'none');
      },
      600_000,
      10_000,
    ).catch(e => {
      throw new Error(`${e.message}: ${JSON.stringify(lights)}`);
    });
    console.log(
      `fleet e2e: every service lit after ${((Date.now() - started) / 1000).toFixed(0)} s of this test: ${JSON.stringify(lights)}`,
    );

    // and each signal of each service has data (a grey signal says why; none should be grey)
    const grey = [];
    for (const name of SERVICES) {
      await until(
        `${name}: every signal has data`,
        async () => {
          await openSignedIn(
            page,
            `/catalog/default/component/${name}`,
            page.getByText('Service health').first(),
          );
          const missing = [];
          for (const signal of SIGNALS) {
            const light = await signalLight(page, signal).catch(() => 'none');
            if (light === 'grey' || light === 'none') missing.push(`${signal}: ${light}`);
          }
          if (missing.length) {
            grey.length = 0;
            grey.push(`${name}: ${missing.join(', ')}`);
            return false;
          }
          return true;
        },
        180_000,
        15_000,
      ).catch(e => {
        throw new Error(`${e.message}: ${grey.join('; ')}`);
      });
    }
    await page.setViewportSize({ width: 1440, height: 1600 });
    await openSignedIn(
      page,
      '/catalog/default/component/payment-gateway',
      page.getByText('Request error ratio', { exact: true }),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-health-card.png') });
    await page.setViewportSize({ width: 1440, height: 1300 });
    await openSignedIn(
      page,
      '/catalog?filters[kind]=component&filters[user]=all',
      page.getByRole('columnheader', { name: 'Health' }),
    );
    await rowOf(page, 'ledger').locator('[data-light]').first().waitFor();
  }));
