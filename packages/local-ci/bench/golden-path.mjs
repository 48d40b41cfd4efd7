/* eslint-disable no-console */
// Golden-path benchmark through CI (issue 13): submits the `service` template through the
// scaffolder REST API (`POST /api/scaffolder/v2/tasks`, as the guest user) and measures,
// in seconds from the submit:
//   - artifact: the first artifact uploaded by the new service's CI (release manager
//     `GET /describe/artifact/<name>`),
//   - prod:     the production release committed (`GET /status`: prod has a tag),
//   - ready:    the production pods ready (prod's rollout `succeeded`, n/n available, as the
//               release daemon reports it from the local cluster's podman pods),
//   - task:     the scaffolder task finished,
// and the split of CI's time: test, image build, render, upload (from the CI run's log,
// `ci: test N ms, build N ms, render N ms` and `uploaded ... in N ms`), plus release
// (prod - artifact) and rollout (ready - prod).
//
// Usage (against a running portal, release manager, local CI and local cluster):
//   node packages/local-ci/bench/golden-path.mjs [--runs 3] [--runtime node|go]
// Env: BACKEND_URL (http://localhost:7007), RELEASE_MANAGER_URL (http://localhost:7100),
// RELEASE_MANAGER_TOKEN (slipway-dev-token), LOCAL_CI_URL (http://localhost:7400).
const backend = process.env.BACKEND_URL ?? 'http://localhost:7007';
const rmUrl = process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100';
const rmToken = process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token';
const ciUrl = process.env.LOCAL_CI_URL ?? 'http://localhost:7400';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', '1'));
const runtime = arg('runtime', 'node');
const readyTimeoutS = Number(arg('ready-timeout', '180'));

async function json(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}
const rm = path =>
  fetch(`${rmUrl}${path}`, { headers: { authorization: `Bearer ${rmToken}` } }).then(r => (r.ok ? r.json() : undefined));

/** The CI split of the run of `name`: from its log lines. */
async function ciSplit(name) {
  const { runs: ciRuns } = await json(`${ciUrl}/runs?repository=${name}`);
  const run = ciRuns[ciRuns.length - 1];
  if (!run) return undefined;
  const log = await (await fetch(`${ciUrl}/runs/${run.id}/log`)).text();
  const m = log.match(/ci: test (\d+) ms, build (\d+) ms, render (\d+) ms/);
  const u = log.match(/ci: uploaded \S+ in (\d+) ms/);
  return {
    run: run.id,
    totalS: run.durationMs / 1000,
    testS: m ? Number(m[1]) / 1000 : undefined,
    buildS: m ? Number(m[2]) / 1000 : undefined,
    renderS: m ? Number(m[3]) / 1000 : undefined,
    uploadS: u ? Number(u[1]) / 1000 : undefined,
    queuedS: (Date.parse(run.startedAt) - Date.parse(run.createdAt)) / 1000,
  };
}

async function once(token, name) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const start = performance.now();
  const at = () => (performance.now() - start) / 1000;
  const { id } = await json(`${backend}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      templateRef: 'template:default/service',
      values: {
        name,
        owner: 'group:default/payments',
        description: 'Benchmark service (golden path through CI)',
        system: 'system:default/payments',
        runtime,
      },
    }),
  });
  const t = {};
  let task;
  for (;;) {
    if (!t.task) {
      // the portal backend may be restarting (development mode reloads on source changes)
      const latest = await json(`${backend}/api/scaffolder/v2/tasks/${id}`, { headers }).catch(() => undefined);
      if (latest) task = latest;
      if (['completed', 'failed', 'cancelled'].includes(task?.status)) {
        t.task = at();
        if (task.status !== 'completed') {
          const events = await json(`${backend}/api/scaffolder/v2/tasks/${id}/events`, { headers });
          const last = events.filter(e => e.body?.message).slice(-8).map(e => e.body.message).join('\n');
          throw new Error(`task ${id} ${task.status}:\n${last}`);
        }
      }
    }
    if (!t.artifact && (await rm(`/describe/artifact/${name}?count=1`))?.artifacts?.length) t.artifact = at();
    const prod = (await rm(`/status?service=${name}`))?.environments?.find(e => e.name === 'prod');
    if (!t.prod && prod?.tag) t.prod = at();
    const r = prod?.rollout;
    if (!t.ready && prod?.tag && r?.artifactId === prod.tag && r.phase === 'succeeded' && r.availableReplicas >= r.desiredReplicas) {
      t.ready = at();
    }
    if (t.task && t.ready) break;
    if (t.task && at() - t.prod > readyTimeoutS) break;
    await new Promise(res => setTimeout(res, 250));
  }
  return { t, ci: await ciSplit(name) };
}

const s = v => (v === undefined ? '–' : `${v.toFixed(1)} s`);
async function main() {
  const guest = await json(`${backend}/api/auth/guest/refresh`, { headers: { 'x-requested-with': 'XMLHttpRequest' } });
  const token = guest.backstageIdentity.token;
  console.log(`golden path through CI (${runtime}) against ${backend}, ${runs} run(s)`);
  for (let i = 0; i < runs; i++) {
    const name = `bench-ci-${Date.now().toString(36)}`;
    const { t, ci } = await once(token, name);
    console.log(
      `${name}: submit → artifact uploaded by CI ${s(t.artifact)}, prod release committed ${s(t.prod)}, prod pods ready ${s(t.ready)}, task done ${s(t.task)}`,
    );
    if (ci) {
      console.log(
        `  CI ${ci.run}: queued ${s(ci.queuedS)}, test ${s(ci.testS)}, image build ${s(ci.buildS)}, render ${s(ci.renderS)}, upload ${s(ci.uploadS)} (run ${s(ci.totalS)}); release ${s(t.prod - t.artifact)}; rollout ${s(t.ready - t.prod)}`,
      );
    }
  }
}

main().catch(e => {
  console.error(e.message ?? e);
  process.exit(1);
});
