// Benchmark: time from clicking Deploy (confirming the dialog) on a service's Releases tab
// to the tab showing "ready n/n" reported by the release daemon from real pods, p50 of
// 5 runs, against a portal that already runs (scripts/start or e2e/run.sh).
// Each run deploys a good artifact that never ran in that environment (so the state can
// only come from new pods), on the services the guest may release (payments, platform).
// Usage: node e2e/bench-deploy.mjs [runs=5]   (SLIPWAY_DATA for podman's containers.conf)
import { withPage, closeBrowser } from './lib.mjs';
import {
  freshArtifact,
  settled,
  openReleases,
  deployThroughUi,
  waitForRollout,
} from './fleet.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const TARGETS = [
  ['payment-gateway', 'staging'],
  ['ledger', 'staging'],
  ['card-service', 'staging'],
  ['identity-service', 'staging'],
  ['payment-gateway', 'dev'],
  ['ledger', 'dev'],
  ['card-service', 'dev'],
  ['identity-service', 'dev'],
  ['payment-gateway', 'prod'],
  ['ledger', 'prod'],
  ['card-service', 'prod'],
  ['identity-service', 'prod'],
];

const results = [];
try {
  for (const [service, environment] of TARGETS) {
    if (results.length >= RUNS) break;
    const artifactId = await freshArtifact(service, environment);
    if (!artifactId) continue;
    const { replicas: n } = await settled(service, environment, 600_000);
    const r = await withPage(`bench-deploy-${results.length + 1}`, async page => {
      await openReleases(page, service);
      const clicked = await deployThroughUi(page, artifactId, environment);
      return waitForRollout(page, service, environment, artifactId, `ready ${n}/${n}`, {
        since: clicked,
        liveMs: 120_000,
      });
    });
    results.push({ service, environment, artifactId, replicas: n, ...r });
    console.log(
      `run ${results.length}: ${service} ${artifactId} → ${environment}: ready ${n}/${n} after ${(r.ms / 1000).toFixed(1)} s (${r.reloads} reloads)`,
    );
  }
} finally {
  await closeBrowser();
}
if (results.length === 0) {
  console.log('no artifact left that never ran in its environment; use a fresh portal');
  process.exit(1);
}
const sorted = results.map(r => r.ms).sort((a, b) => a - b);
const p50 = sorted[Math.floor((sorted.length - 1) / 2)];
console.log(
  `Deploy → "ready n/n" on the tab, ${results.length} runs: ${sorted.map(ms => (ms / 1000).toFixed(1)).join(', ')} s; p50 ${(p50 / 1000).toFixed(1)} s; reloads needed: ${results.reduce((a, r) => a + r.reloads, 0)}`,
);
