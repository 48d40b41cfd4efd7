// Deploying ledger's 8 %-5xx artifact of the example fleet to staging from the Releases
// tab turns ledger's error-ratio light red, from the pods' real http_requests_total,
// within the signal's 5-minute window; rolling back turns it green again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withPage, closeBrowser, SCREENSHOTS } from './lib.mjs';
import {
  BAD,
  openReleases,
  deployThroughUi,
  rollBackThroughUi,
  waitForRollout,
  openSignedIn,
  settled,
  signalLight,
  errorRatios,
  errorLightBecomes,
} from './fleet.mjs';

after(closeBrowser);

test("ledger's 8 %-5xx artifact in staging turns its error-ratio light red; a rollback turns it green", { timeout: 1_800_000 }, () =>
  withPage('fleet-error-ratio', async page => {
    const { service, id } = BAD.errors;
    const before = await settled(service, 'staging');
    await page.setViewportSize({ width: 1440, height: 1600 });
    await openSignedIn(
      page,
      `/catalog/default/component/${service}`,
      page.getByText('Service health').first(),
    );
    assert.equal(await signalLight(page, 'Request error ratio'), 'green', 'green before');

    await openReleases(page, service);
    const deployed = await deployThroughUi(page, id, 'staging');
    await waitForRollout(page, service, 'staging', id, /ready \d+\/\d+/, { since: deployed });
    // the signal's window is 5 minutes; allow it plus scrapes, cache and a busy machine
    const red = await errorLightBecomes(page, service, 'red', deployed, 900_000);
    console.log(
      `fleet e2e: ${service} error-ratio light red ${red.toFixed(0)} s after Deploy (${await errorRatios(service)})`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-error-ratio-red.png') });

    await openReleases(page, service);
    const rolledBack = await rollBackThroughUi(page, 'staging');
    await waitForRollout(page, service, 'staging', before.tag, /ready \d+\/\d+/, { since: rolledBack });
    const green = await errorLightBecomes(page, service, 'green', rolledBack, 900_000);
    console.log(
      `fleet e2e: ${service} error-ratio light green ${green.toFixed(0)} s after Roll back (${await errorRatios(service)})`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-error-ratio-green-again.png') });
  }));
