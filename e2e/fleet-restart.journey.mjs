// After stopping and restarting scripts/start on the same data folder (e2e/restart.sh does
// that after the other journeys): the pods converge on the config repo again, and the
// rollout history and the owners' notifications made before the restart are intact.
// Skipped unless E2E_RESTARTED=1 (a fresh start has nothing to keep).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withPage, closeBrowser, SCREENSHOTS } from './lib.mjs';
import { BAD, rm, openSignedIn, podmanContainers, until } from './fleet.mjs';

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
const skip = process.env.E2E_RESTARTED !== '1' && 'only after e2e/restart.sh restarted the portal';

test('after a restart the pods converge on the config repo', { skip, timeout: 900_000 }, async () => {
  const started = Date.now();
  let pending = [];
  await until(
    'every environment of every service runs its released artifact, ready',
    async () => {
      pending = [];
      for (const service of SERVICES) {
        const status = await rm(`/status?service=${service}`);
        for (const env of status.environments) {
          const pods = podmanContainers(service, env.name).filter(
            c => c.State === 'running' && c.Labels['slipway.dev/artifact-id'] === env.tag,
          );
          const desired = Number(pods[0]?.Labels['slipway.dev/replicas'] ?? NaN);
          const r = env.rollout ?? {};
          if (!(pods.length > 0 && pods.length === desired && r.phase === 'succeeded')) {
            pending.push(`${service}/${env.name}: ${pods.length}/${desired} pods of ${env.tag}, rollout ${r.phase}`);
          }
        }
      }
      return pending.length === 0;
    },
    600_000,
    10_000,
  ).catch(e => {
    throw new Error(`${e.message}: ${pending.join('; ')}`);
  });
  console.log(`restart e2e: converged ${((Date.now() - started) / 1000).toFixed(0)} s after the portal answered`);
});

test('after a restart the rollout history and the notifications are intact', { skip, timeout: 600_000 }, () =>
  withPage('fleet-restart', async page => {
    const { service, id } = BAD.crash;
    const { releases } = await rm(`/describe/release/${service}/staging?count=20`);
    assert.ok(releases.some(r => r.artifact.id === id), 'the crash-looping release is in the history');
    assert.equal(releases[0].intent, 'Rollback', 'and the rollback after it');
    await openSignedIn(
      page,
      '/notifications',
      page.getByText(`${service}: release of ${id} to staging is failing`).first(),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-restart-notifications.png') });
    await openSignedIn(page, `/catalog/default/component/${service}/releases`, page.getByText('Latest artifacts'));
    await page.getByText(id).first().waitFor();
  }));
