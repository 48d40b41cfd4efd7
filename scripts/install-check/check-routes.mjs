#!/usr/bin/env node
/**
 * Checks that the Slipway plugins installed in a fresh app answer on their routes, for
 * the annotated entity `component:default/slipway-check` (fixtures/slipway-check.yaml).
 * Signs in as guest (the fresh app's development sign-in) and uses that token.
 *
 * Usage: node check-routes.mjs <backend base URL>
 * Exits non-zero naming the route that did not answer as expected.
 */
const base = process.argv[2];
const entity = 'default/component/slipway-check';

async function json(path, init = {}) {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

function expectOk(name, { status, body }, test) {
  const ok = status === 200 && test(body);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: HTTP ${status}`);
  if (!ok) {
    console.error(JSON.stringify(body, null, 2).slice(0, 2000));
    process.exitCode = 1;
  }
}

const refresh = await json('/api/auth/guest/refresh', {
  headers: { 'x-requested-with': 'XMLHttpRequest' },
});
const token = refresh.body?.backstageIdentity?.token;
if (!token) {
  console.error(`guest sign-in failed: HTTP ${refresh.status}`, refresh.body);
  process.exit(1);
}
const auth = { headers: { authorization: `Bearer ${token}` } };

// The catalog reads the example entities shortly after start.
const deadline = Date.now() + 120_000;
for (;;) {
  const r = await json(
    '/api/catalog/entities/by-name/component/default/slipway-check',
    auth,
  );
  if (r.status === 200) break;
  if (Date.now() > deadline) {
    console.error('the catalog never had component:default/slipway-check');
    process.exit(1);
  }
  await new Promise(r2 => setTimeout(r2, 2000));
}

expectOk(
  'on-call: GET /api/on-call/entities/…/on-call',
  await json(`/api/on-call/entities/${entity}/on-call`, auth),
  b => b.levels?.[0]?.now?.[0]?.person?.ref === 'user:default/guest',
);
expectOk(
  'release manager: GET /api/release-manager/entities/…/status',
  await json(`/api/release-manager/entities/${entity}/status`, auth),
  b =>
    b.environments?.length === 3 &&
    b.environments[0].tag === 'main-1a2b3c4d5e-6f7a8b9c0d',
);
expectOk(
  'service health: GET /api/service-health/health/…',
  await json(`/api/service-health/health/${entity}`, auth),
  b =>
    b.entityRef === 'component:default/slipway-check' &&
    typeof b.light === 'string',
);
expectOk(
  'golden path: GET /api/scaffolder/v2/actions',
  await json('/api/scaffolder/v2/actions', auth),
  b =>
    ['publish:local-git', 'release-manager:release'].every(id =>
      b.some?.(a => a.id === id),
    ),
);
