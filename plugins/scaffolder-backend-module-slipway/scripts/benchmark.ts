/* eslint-disable no-console */
/**
 * Golden-path benchmark: submits the `service` template through the scaffolder REST API
 * (`POST /api/scaffolder/v2/tasks`, as the guest user: token from
 * `GET /api/auth/guest/refresh`) and prints, in seconds from the submit:
 *  - when the release manager's `GET /status` first shows the artifact in prod (the
 *    production release committed to the config repo),
 *  - when the task finished, and each step's duration (from the task's event log).
 *
 * Usage (against a running portal and release manager):
 *   yarn benchmark [--runs 3] [--runtime node|go]
 * Env: BACKEND_URL (default http://localhost:7007), RELEASE_MANAGER_URL
 * (http://localhost:7100), RELEASE_MANAGER_TOKEN (slipway-dev-token).
 */
const backend = process.env.BACKEND_URL ?? 'http://localhost:7007';
const rmUrl = process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100';
const rmToken = process.env.RELEASE_MANAGER_TOKEN ?? 'slipway-dev-token';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', '3'));
const runtime = arg('runtime', 'node');

async function json(url: string, init?: RequestInit): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function once(token: string, name: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const start = performance.now();
  const { id } = await json(`${backend}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      templateRef: 'template:default/service',
      values: {
        name,
        owner: 'group:default/payments',
        description: 'Benchmark service',
        system: 'system:default/payments',
        runtime,
      },
    }),
  });
  let prodAt: number | undefined;
  let task: any;
  for (;;) {
    task = await json(`${backend}/api/scaffolder/v2/tasks/${id}`, { headers });
    if (prodAt === undefined) {
      const status = await fetch(`${rmUrl}/status?service=${name}`, {
        headers: { authorization: `Bearer ${rmToken}` },
      }).then(r => (r.ok ? r.json() : undefined));
      if (status?.environments?.find((e: any) => e.name === 'prod')?.tag) {
        prodAt = (performance.now() - start) / 1000;
      }
    }
    if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
    await new Promise(r => setTimeout(r, 100));
  }
  const doneAt = (performance.now() - start) / 1000;
  if (task.status !== 'completed') throw new Error(`task ${id} ${task.status}`);
  const events = await json(`${backend}/api/scaffolder/v2/tasks/${id}/events`, { headers });
  const steps: Record<string, { start?: number; end?: number }> = {};
  for (const e of events) {
    const stepId = e.body?.stepId;
    if (!stepId || !e.body?.status) continue;
    steps[stepId] ??= {};
    const t = Date.parse(e.createdAt);
    if (e.body.status === 'processing') steps[stepId].start = t;
    if (['completed', 'failed'].includes(e.body.status)) steps[stepId].end = t;
  }
  return { prodAt, doneAt, steps };
}

async function main() {
  const guest = await json(`${backend}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token = guest.backstageIdentity.token;
  console.log(`golden path (${runtime}) against ${backend}, ${runs} runs`);
  const prods: number[] = [];
  for (let i = 0; i < runs; i++) {
    const name = `bench-${Date.now().toString(36)}`;
    const r = await once(token, name);
    prods.push(r.prodAt ?? r.doneAt);
    const steps = Object.entries(r.steps)
      .map(([s, t]) => `${s} ${(((t.end ?? 0) - (t.start ?? 0)) / 1000).toFixed(2)}s`)
      .join(', ');
    console.log(
      `${name}: prod release committed at ${r.prodAt?.toFixed(2)} s, task done at ${r.doneAt.toFixed(2)} s (${steps})`,
    );
  }
  prods.sort((a, b) => a - b);
  console.log(
    `submit → prod release committed: min ${prods[0].toFixed(2)} s, median ${prods[Math.floor(prods.length / 2)].toFixed(2)} s, max ${prods[prods.length - 1].toFixed(2)} s (target < 60 s)`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
