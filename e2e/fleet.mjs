// Helpers for the journeys through the running example fleet (packages/example-fleet):
// the release manager's API (to read back what the UI did), the Releases tab (deploy and
// roll back through the confirmation dialog, wait for a rollout state), and podman (the
// pods the local cluster runs, selected by their slipway.dev/* labels).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { open, signIn } from './lib.mjs';

/** Release manager of the embedded default (scripts/start.d/20-release-manager.sh). */
export const RM_URL = process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100';
const RM_TOKEN = process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token';

/** The bad artifacts of docs/plugins/example-fleet.md ("Bad artifacts on purpose"). */
export const BAD = {
  errors: { service: 'ledger', id: 'main-357273263c-cf0abb3a19' },
  crash: {
    service: 'identity-service',
    id: 'feature-hsm-signing-keys-5c3b066d16-ab2caa3330',
    logs: [
      'ERROR config: required variable SIGNING_KEY_HSM_SLOT is not set (keys: hsm)',
      'FATAL exiting: invalid configuration',
    ],
  },
  slow: { service: 'card-service', id: 'main-4374ab08b9-d04c680b27' },
};
export const BAD_IDS = new Set(Object.values(BAD).map(b => b.id));

/** GET a release manager path with the token; returns the JSON body (asserts 200). */
export async function rm(path) {
  const res = await fetch(`${RM_URL}${path}`, {
    headers: { authorization: `Bearer ${RM_TOKEN}` },
  });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

/** POST a JSON body to a release manager path with the token; returns the JSON body (asserts 2xx). */
export async function rmPost(path, body) {
  const res = await fetch(`${RM_URL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${RM_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text || '{}');
}

/** `GET /status?service=` → the entry of `environment` (tag, rollout {phase, availableReplicas, desiredReplicas, errors}). */
export async function envStatus(service, environment) {
  const status = await rm(`/status?service=${service}`);
  return status.environments.find(e => e.name === environment);
}

/** Artifact ids ever released to `environment` of `service` (last 50 releases). */
export async function releasedIds(service, environment) {
  const { releases = [] } = await rm(
    `/describe/release/${service}/${environment}?count=50`,
  );
  return new Set(releases.map(r => r.artifact.id));
}

/**
 * An artifact of `service` on `main` that is good (not one of {@link BAD}) and has never
 * run in `environment`, so its rollout state can only come from new pods. Newest first.
 */
export async function freshArtifact(service, environment) {
  const { artifacts } = await rm(`/describe/artifact/${service}?count=30`);
  const seen = await releasedIds(service, environment);
  return artifacts.find(
    a => a.application.branch === 'main' && !BAD_IDS.has(a.id) && !seen.has(a.id),
  )?.id;
}

/** Polls `fn` every `everyMs` until it returns a truthy value; throws `what` after `timeoutMs`. */
export async function until(what, fn, timeoutMs, everyMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${last?.message ?? JSON.stringify(last)})`);
    }
    await new Promise(r => setTimeout(r, everyMs));
  }
}

/** Environment variables for podman: the containers.conf scripts/start writes under the data folder. */
function podmanEnv() {
  const data = process.env.SLIPWAY_DATA ?? join(process.cwd(), '.data');
  return {
    ...process.env,
    CONTAINERS_CONF:
      process.env.CONTAINERS_CONF ?? join(data, 'podman', 'containers.conf'),
  };
}

/**
 * The containers (not the pods' infra containers) the local cluster runs for `service`
 * in `environment`: `podman ps --format json` filtered on the slipway.dev labels.
 * Each: {Names, Image, State, Labels}.
 */
export function podmanContainers(service, environment, { all = false } = {}) {
  const args = [
    'ps',
    ...(all ? ['-a'] : []),
    '--format',
    'json',
    '--filter',
    'label=slipway.dev/managed-by=local-cluster',
    '--filter',
    `label=slipway.dev/service=${service}`,
    '--filter',
    `label=slipway.dev/environment=${environment}`,
  ];
  const out = execFileSync('podman', args, {
    env: podmanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return (JSON.parse(out || '[]') ?? []).filter(
    c => !c.IsInfra && c.Labels?.['slipway.dev/cluster'] !== 'manual',
  );
}

/** The URL of a service's Releases tab. */
export const releasesPath = service =>
  `/catalog/default/component/${service}/releases`;

/** The row of `environment` in the Environments table of the Releases tab. */
export const envRow = (page, environment) =>
  page
    .locator('tr', {
      has: page.locator('strong', { hasText: new RegExp(`^${environment}$`) }),
    })
    .first();

/**
 * Opens `path` and waits for `ready` (a locator); when a reload lands on the sign-in page
 * instead (the refresh-cookie sign-in can lose the race on a busy machine), signs in
 * again and reopens `path` once.
 */
export async function openSignedIn(page, path, ready) {
  await open(page, path);
  const enter = page.getByRole('button', { name: /^enter$/i });
  await Promise.race([
    ready.waitFor({ timeout: 90_000 }),
    enter.waitFor({ timeout: 90_000 }),
  ]).catch(() => {});
  if (await enter.isVisible().catch(() => false)) {
    await signIn(page);
    await open(page, path);
  }
  await ready.waitFor({ timeout: 90_000 });
}

/** Opens the Releases tab and waits until the owner check enabled the release buttons. */
export async function openReleases(page, service) {
  await openSignedIn(page, releasesPath(service), page.getByText('Latest artifacts'));
  await page
    .locator('button[aria-label^="Deploy "]:not([disabled])')
    .first()
    .waitFor();
}

/**
 * Clicks "Deploy <id> to <env>" in the artifacts table and confirms the dialog; returns
 * the time of the confirming click (ms since epoch). The tab must be open.
 */
export async function deployThroughUi(page, artifactId, environment) {
  await page
    .getByRole('button', { name: `Deploy ${artifactId} to ${environment}` })
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: `Deploy to ${environment}` }).waitFor();
  await dialog.getByText(artifactId).first().waitFor();
  const clicked = Date.now();
  await dialog.getByRole('button', { name: `Deploy to ${environment}` }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
  return clicked;
}

/** Clicks Roll back in the row of `environment` and confirms; returns the time of the confirming click. */
export async function rollBackThroughUi(page, environment) {
  await envRow(page, environment).getByRole('button', { name: 'Roll back' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: `Roll back to ${environment}` }).waitFor();
  const clicked = Date.now();
  await dialog.getByRole('button', { name: `Roll back to ${environment}` }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
  return clicked;
}

/**
 * Waits until the row of `environment` shows `artifactId` and a rollout text matching
 * `text` (e.g. /ready 2\/2/). First on the live tab as the user sees it (it refreshes
 * itself while a rollout is progressing) for `liveMs`; then reloads every 5 s until
 * `timeoutMs`. Returns {ms: time since `since`, reloads: how many reloads it took}.
 */
export async function waitForRollout(page, service, environment, artifactId, text, {
  since = Date.now(),
  liveMs = 60_000,
  timeoutMs = 300_000,
} = {}) {
  const row = () => envRow(page, environment);
  const shown = async ms => {
    try {
      await row().getByText(artifactId).first().waitFor({ timeout: ms });
      await row().getByText(text).first().waitFor({ timeout: ms });
      return true;
    } catch {
      return false;
    }
  };
  let reloads = 0;
  if (await shown(liveMs)) return { ms: Date.now() - since, reloads };
  const deadline = since + timeoutMs;
  while (Date.now() < deadline) {
    reloads += 1;
    await openReleases(page, service);
    if (await shown(5000)) return { ms: Date.now() - since, reloads };
  }
  const rowText = await row().innerText().catch(() => '?');
  throw new Error(
    `${service} ${environment}: ${artifactId} with ${text} not shown within ${timeoutMs / 1000} s; the row says: ${rowText.replace(/\s+/g, ' ')}`,
  );
}

/** Prometheus of the embedded default (scripts/start.d/30-prometheus.sh). */
export const PROMETHEUS_URL = process.env.PROMETHEUS_URL ?? 'http://localhost:9090';

/** The light (green/amber/red/grey) of `signal` on the service-health card of the open entity page. */
export async function signalLight(page, signal) {
  const row = page.locator('tr', { has: page.getByText(signal, { exact: true }) }).first();
  return row.locator('[data-light]').first().getAttribute('data-light', { timeout: 10_000 });
}

/** The error ratio of `service` per environment, in %, straight from Prometheus (for the log). */
export async function errorRatios(service) {
  const q = `100 * sum by (environment) (rate(http_requests_total{service="${service}",code=~"5.."}[5m])) / sum by (environment) (rate(http_requests_total{service="${service}"}[5m]))`;
  const res = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`).catch(() => undefined);
  if (!res?.ok) return 'prometheus unreachable';
  const body = await res.json();
  return body.data.result
    .map(r => `${r.metric.environment} ${Number(r.value[1]).toFixed(1)} %`)
    .join(', ');
}

/** Reloads the entity page until the error-ratio light is `light`; returns seconds since `since`. */
export async function errorLightBecomes(page, service, light, since, timeoutMs) {
  let last;
  await until(
    `${service}'s error-ratio light ${light}`,
    async () => {
      await openSignedIn(
        page,
        `/catalog/default/component/${service}`,
        page.getByText('Service health').first(),
      );
      last = await signalLight(page, 'Request error ratio').catch(() => 'none');
      return last === light;
    },
    timeoutMs,
    15_000,
  ).catch(async e => {
    throw new Error(`${e.message}; light ${last}; Prometheus says ${await errorRatios(service)}`);
  });
  return (Date.now() - since) / 1000;
}

/**
 * Waits until podman runs every replica of what `environment` of `service` is released
 * to (the pods of the released tag, as many as their slipway.dev/replicas label says, all
 * running, nothing else), so a journey starts from a settled environment. Asks podman,
 * not the rollout state, so it does not depend on what the daemon reported.
 * Returns {tag, replicas}.
 */
export async function settled(service, environment, timeoutMs = 420_000) {
  return until(
    `${service} ${environment}: the released artifact's pods all running`,
    async () => {
      const { tag } = await envStatus(service, environment);
      const all = podmanContainers(service, environment);
      const replicas = Number(all[0]?.Labels['slipway.dev/replicas']);
      const ok =
        replicas > 0 &&
        all.length === replicas &&
        all.every(c => c.State === 'running' && c.Labels['slipway.dev/artifact-id'] === tag);
      return ok ? { tag, replicas } : undefined;
    },
    timeoutMs,
    5000,
  );
}
