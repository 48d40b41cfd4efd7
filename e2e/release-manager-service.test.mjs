// The release manager service on the embedded default (scripts/start.d/20-release-manager.sh):
// it answers on :7100, the example fleet (scripts/start.d/40-fleet.sh) released every
// example service and the release daemon reports their pods ready, and a release made
// through its API lands in the config repo and in the events feed. HTTP only: no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const RM_URL = process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100';
const TOKEN = process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token';

async function api(path, init = {}) {
  const res = await fetch(`${RM_URL}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  return { status: res.status, body: await res.json() };
}

test('the release manager answers and refuses requests without the token', async () => {
  const health = await fetch(`${RM_URL}/healthz`);
  assert.equal(health.status, 200);
  assert.match((await health.json()).head, /^[0-9a-f]{40}$/);
  const anon = await fetch(`${RM_URL}/status?service=payment-gateway`);
  assert.equal(anon.status, 401);
});

test('the example fleet gave every service releases, and the daemon reports their rollouts from real pods', { timeout: 900_000 }, async () => {
  const { body } = await api('/services');
  const names = [
    'payment-gateway',
    'ledger',
    'card-service',
    'loan-applications',
    'credit-scoring',
    'customer-profile',
    'notification-service',
    'identity-service',
  ];
  for (const name of names) {
    assert.ok(body.services.includes(name), name);
    const status = await api(`/status?service=${name}`);
    assert.equal(status.status, 200);
    assert.ok(status.body.prod.tag, `${name} runs in prod`);
  }
  // The fleet's pods come up one by one on a fresh start (minutes on a busy laptop):
  // wait until the release daemon reported every environment of every service ready,
  // with its replica counts (a Flux apply alone gives no counts).
  const deadline = Date.now() + 600_000;
  let pending;
  for (;;) {
    pending = [];
    for (const name of names) {
      const { body: status } = await api(`/status?service=${name}`);
      for (const env of status.environments) {
        const r = env.rollout ?? {};
        const ready =
          r.phase === 'succeeded' &&
          r.desiredReplicas > 0 &&
          r.availableReplicas === r.desiredReplicas &&
          r.artifactId === env.tag;
        if (!ready) pending.push(`${name}/${env.name}: ${r.phase} ${r.availableReplicas ?? '-'}/${r.desiredReplicas ?? '-'}`);
      }
    }
    if (pending.length === 0) {
      console.log(`release-manager-service e2e: every rollout reported ready at ${new Date().toISOString()}`);
      break;
    }
    assert.ok(Date.now() < deadline, `not reported ready within 10 min: ${pending.join(', ')}`);
    await new Promise(r => setTimeout(r, 10_000));
  }
  // the history the views need: ledger's prod was rolled back
  const history = await api('/describe/release/ledger/prod?count=10');
  assert.ok(history.body.releases.length >= 3);
  assert.ok(
    history.body.releases.some(r => r.intent === 'Rollback'),
    'a rollback in ledger prod',
  );
});

test('a promotion through the API is a commit and an event', async () => {
  const before = await api('/status?service=loan-applications');
  const since = new Date().toISOString();
  const res = await api('/release', {
    method: 'POST',
    body: JSON.stringify({
      service: 'loan-applications',
      environment: 'staging',
      intent: { type: 'Promote', promote: { fromEnvironment: 'dev' } },
      committerName: 'E2E Test',
      committerEmail: 'e2e@slipway.example',
    }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.releaseId, before.body.dev.tag);
  const after = await api('/status?service=loan-applications');
  assert.equal(after.body.staging.tag, before.body.dev.tag);
  if (res.body.commit) {
    assert.equal(after.body.staging.releaseCommit, res.body.commit);
    const events = await api(
      `/events?since=${encodeURIComponent(since)}&service=loan-applications`,
    );
    assert.equal(events.body.events[0].type, 'promote');
    assert.equal(events.body.events[0].actorName, 'E2E Test');
  }
  // A feature branch never reaches prod (the global restriction).
  const feature = (
    await api('/describe/artifact/loan-applications?count=10')
  ).body.artifacts.find(a => a.application.branch !== 'main');
  const refused = await api('/release', {
    method: 'POST',
    body: JSON.stringify({
      service: 'loan-applications',
      environment: 'prod',
      artifactId: feature.id,
      intent: { type: 'ReleaseArtifact' },
      committerName: 'E2E Test',
      committerEmail: 'e2e@slipway.example',
    }),
  });
  assert.equal(refused.status, 400);
  assert.match(refused.body.message, /global-branch-restriction-prod/);
});
