// The GitOps loop on the embedded default, through the Releases tab: deploying an
// artifact to staging runs real pods (the local cluster on podman) whose rollout the
// release daemon reports ("ready n/n"); the crash-looping artifact of the example fleet
// shows its container's real last log lines and notifies the owners; rolling back cures
// it. Nothing here posts a webhook itself: every state comes from running code.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withPage, closeBrowser, SCREENSHOTS } from './lib.mjs';
import {
  BAD,
  envRow,
  envStatus,
  freshArtifact,
  openReleases,
  openSignedIn,
  deployThroughUi,
  rollBackThroughUi,
  waitForRollout,
  podmanContainers,
  settled,
  until,
} from './fleet.mjs';

after(closeBrowser);

/** Waits until podman runs `replicas` containers of `artifactId` (and none of another artifact). */
async function podsConverge(service, environment, artifactId, replicas, timeoutMs = 240_000) {
  return until(
    `${replicas} running pods of ${service} ${artifactId} in ${environment}`,
    () => {
      const all = podmanContainers(service, environment);
      const mine = all.filter(
        c => c.Labels['slipway.dev/artifact-id'] === artifactId && c.State === 'running',
      );
      return mine.length === replicas && all.length === replicas ? mine : undefined;
    },
    timeoutMs,
    3000,
  );
}

test('deploy to staging from the Releases tab: ready n/n from real pods with the new image', { timeout: 900_000 }, () =>
  withPage('fleet-deploy-ready', async page => {
    const service = 'payment-gateway';
    const artifactId = await freshArtifact(service, 'staging');
    assert.ok(artifactId, `a good main artifact of ${service} never released to staging`);
    // the fleet's own staging pods must have settled first (fresh start: pods are still coming)
    const { replicas } = await settled(service, 'staging');
    await openReleases(page, service);
    const clicked = await deployThroughUi(page, artifactId, 'staging');
    const shown = await waitForRollout(page, service, 'staging', artifactId, `ready ${replicas}/${replicas}`, {
      since: clicked,
    });
    console.log(
      `fleet e2e: ${service} ${artifactId} → staging: Deploy confirmed → tab shows ready ${replicas}/${replicas} in ${(shown.ms / 1000).toFixed(1)} s (${shown.reloads} reloads)`,
    );
    await page.setViewportSize({ width: 1440, height: 1400 });
    await envRow(page, 'staging').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-deploy-ready-tab.png') });

    // the state came from the daemon (deploy webhook with counts), not from Flux alone
    const after = await envStatus(service, 'staging');
    assert.equal(after.tag, artifactId);
    assert.equal(after.rollout.phase, 'succeeded');
    assert.equal(after.rollout.availableReplicas, replicas);
    assert.equal(after.rollout.desiredReplicas, replicas);
    // and podman runs that many pods of the new image
    const pods = await podsConverge(service, 'staging', artifactId, replicas);
    const appSha = artifactId.split('-').at(-2);
    for (const c of pods) {
      assert.equal(c.Image, `localhost/slipway/${service}:${appSha}`, c.Names[0]);
    }
    console.log(`fleet e2e: podman: ${pods.map(c => `${c.Names[0]} ${c.Image}`).join(', ')}`);
  }));

test('the crash-looping artifact shows its real last log lines, notifies the owners, and a rollback cures it', { timeout: 900_000 }, () =>
  withPage('fleet-crash-loop', async page => {
    const { service, id, logs } = BAD.crash;
    const before = await settled(service, 'staging');
    const { replicas } = before;
    await openReleases(page, service);
    const clicked = await deployThroughUi(page, id, 'staging');
    const failed = await waitForRollout(page, service, 'staging', id, /failed: CrashLoopBackOff/, {
      since: clicked,
    });
    console.log(
      `fleet e2e: ${service} ${id} → staging: crash-looping shown after ${(failed.ms / 1000).toFixed(1)} s (${failed.reloads} reloads)`,
    );
    // the failing pods with the container's real last log lines
    await page.getByText(`staging: ${id} is failing`).waitFor();
    const pre = page.locator('pre[aria-label^="last log lines of"]').first();
    await pre.waitFor();
    const shownLogs = await pre.innerText();
    for (const line of logs) assert.ok(shownLogs.includes(line), `log line "${line}" in:\n${shownLogs}`);
    // the same lines as podman's own log of that container
    const crashed = podmanContainers(service, 'staging', { all: true }).filter(
      c => c.Labels['slipway.dev/artifact-id'] === id,
    );
    assert.ok(crashed.length > 0, 'podman has the crashed container');
    await page.setViewportSize({ width: 1440, height: 1600 });
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-crash-loop-tab.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    // the owners (platform; the guest is a member) get a notification with the log lines
    const title = `${service}: release of ${id} to staging is failing`;
    const notified = Date.now();
    await until(
      'the owners notification',
      async () => {
        await openSignedIn(page, '/notifications', page.getByText(title).first());
        return true;
      },
      180_000,
      5000,
    );
    console.log(`fleet e2e: notification shown ${((Date.now() - notified) / 1000).toFixed(1)} s after the tab showed the crash loop`);
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-crash-loop-notification.png') });

    // roll back: ready again, from pods of the previous artifact
    await openReleases(page, service);
    const rolledBack = await rollBackThroughUi(page, 'staging');
    const ready = await waitForRollout(page, service, 'staging', before.tag, `ready ${replicas}/${replicas}`, {
      since: rolledBack,
    });
    console.log(
      `fleet e2e: rollback of ${service} staging → ready ${replicas}/${replicas} after ${(ready.ms / 1000).toFixed(1)} s (${ready.reloads} reloads)`,
    );
    await podsConverge(service, 'staging', before.tag, replicas);
    await page.getByText(`staging: ${id} is failing`).waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1440, height: 1400 });
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-crash-loop-rolled-back.png') });
  }));
