import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigSource } from '../git/ConfigSource';
import { LABELS, MANAGED_BY } from '../names';
import { Podman } from '../podman/Podman';
import { PortAllocator } from '../ports';
import { Logger, Reconciler } from '../Reconciler';
import { run } from '../exec';
import {
  buildTestImage,
  deployment,
  fluxReceiver,
  httpGet,
  log,
  podmanAvailable,
  TEST_IMAGE,
  TestConfigRepo,
} from '../__testUtils__/podmanFixture';

const id = Math.random().toString(36).slice(2, 7);
const CLUSTER = `t${id}`;
const ENV = `e${id}`;
const NS = 'payments';
const TOKEN = 'test-daemon-token';
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-reconciler-'));
const conf = path.join(root, 'containers.conf');
const dataDir = path.join(root, 'data');
const portFrom = 30000 + Math.floor(Math.random() * 190) * 50;

let skip: string | undefined;
let repo: TestConfigRepo;
let receiver: Awaited<ReturnType<typeof fluxReceiver>>;
let podman: Podman;
const logs: string[] = [];
const logger: Logger = {
  info: m => logs.push(`info ${m}`),
  warn: m => logs.push(`warn ${m}`),
  error: m => logs.push(`error ${m}`),
};

function reconciler(now?: () => number) {
  return new Reconciler({
    now,
    clusterName: CLUSTER,
    branch: 'main',
    source: new ConfigSource(
      repo.bare,
      'main',
      path.join(dataDir, 'config-repo'),
    ),
    podman,
    ports: new PortAllocator(path.join(dataDir, 'ports.json'), {
      from: portFrom,
      to: portFrom + 49,
    }),
    stateFile: path.join(dataDir, 'state.json'),
    fileSdPath: path.join(dataDir, 'file_sd', 'pods.json'),
    reporter: { url: receiver.url, token: TOKEN },
    intervalMs: 60_000,
    logger,
  });
}

const folder = (svc: string) => `${ENV}/releases/${NS}/${svc}`;

async function clusterPods() {
  return (await podman.pods({ [LABELS.cluster]: CLUSTER })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
}

beforeAll(async () => {
  const avail = await podmanAvailable(conf);
  if (!avail.ok) {
    skip = `podman not usable here (${avail.reason}): skipping the reconciler tests`;
    log(skip);
    return;
  }
  podman = new Podman({
    containersConf: conf,
    workDir: path.join(root, 'podman'),
  });
  const started = Date.now();
  await buildTestImage(TEST_IMAGE, conf);
  log(`test image ${TEST_IMAGE} ready in ${Date.now() - started} ms`);
  repo = new TestConfigRepo(root);
  await repo.init();
  receiver = await fluxReceiver(TOKEN);
});

afterAll(async () => {
  if (skip) return;
  await podman.removePods(
    (await clusterPods()).map(p => p.name),
    0,
  );
  await run('podman', ['network', 'rm', '-f', `slipway-${ENV}`], {
    env: { CONTAINERS_CONF: conf },
  }).catch(() => {});
  await receiver?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('Reconciler (real podman)', () => {
  it('applies a 3-replica Deployment as 3 pods on 127.0.0.1 host ports, and reports it', async () => {
    if (skip) return;
    repo.write(
      `${folder('web')}/40-deployment.yaml`,
      deployment({
        name: 'web',
        namespace: NS,
        image: TEST_IMAGE,
        replicas: 3,
      }),
    );
    repo.write(
      `${folder('web')}/50-service.yaml`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n`,
    );
    repo.write(
      `${folder('web')}/artifact.json`,
      JSON.stringify({ id: 'main-abc-def', service: 'web' }),
    );
    const sha = await repo.commit('release web');
    const r = reconciler();
    const started = Date.now();
    const summary = await r.reconcileOnce();
    log(`apply of a 3-replica Deployment: ${Date.now() - started} ms`);
    expect(summary.failed).toEqual([]);
    expect(summary.created).toHaveLength(3);

    const pods = await clusterPods();
    expect(pods.map(p => p.name)).toEqual([
      `slw-${CLUSTER}-${ENV}-${NS}-web-0`,
      `slw-${CLUSTER}-${ENV}-${NS}-web-1`,
      `slw-${CLUSTER}-${ENV}-${NS}-web-2`,
    ]);
    const ports = pods.map(p => Number(p.labels[LABELS.hostPort]));
    expect(new Set(ports).size).toBe(3);
    for (const [i, p] of pods.entries()) {
      expect(p.labels).toMatchObject({
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.cluster]: CLUSTER,
        [LABELS.environment]: ENV,
        [LABELS.namespace]: NS,
        [LABELS.service]: 'web',
        [LABELS.deployment]: 'web',
        [LABELS.artifactId]: 'main-abc-def',
        [LABELS.replicas]: '3',
        [LABELS.replica]: String(i),
        [LABELS.readinessPath]: '/',
      });
      expect(ports[i]).toBeGreaterThanOrEqual(portFrom);
      expect((await httpGet(ports[i])).text).toBe('hello world\n');
    }

    const sd = JSON.parse(
      fs.readFileSync(path.join(dataDir, 'file_sd', 'pods.json'), 'utf8'),
    );
    expect(sd).toEqual(
      pods.map((p, i) => ({
        targets: [`127.0.0.1:${ports[i]}`],
        labels: {
          service: 'web',
          environment: ENV,
          namespace: NS,
          pod: p.name,
        },
      })),
    );

    expect(receiver.events).toHaveLength(1);
    expect(receiver.events[0]).toMatchObject({
      environment: ENV,
      auth: `Bearer ${TOKEN}`,
      body: {
        involvedObject: { kind: 'Kustomization', name: 'web', namespace: NS },
        severity: 'info',
        reason: 'ReconciliationSucceeded',
        message: `Applied revision: main@sha1:${sha}`,
        metadata: { revision: `main@sha1:${sha}` },
        reportingController: 'kustomize-controller',
      },
    });
    expect(r.status().environments[ENV].web).toMatchObject({
      result: 'applied',
      appliedRevision: `main@sha1:${sha}`,
    });
  });

  it('is idempotent: a second pass and a restarted reconciler change nothing', async () => {
    if (skip) return;
    const before = await clusterPods();
    const again = await reconciler().reconcileOnce();
    expect(again).toMatchObject({
      created: [],
      removed: [],
      restarted: [],
      failed: [],
    });
    const fresh = reconciler();
    expect(await fresh.reconcileOnce()).toMatchObject({
      created: [],
      removed: [],
      failed: [],
    });
    expect(await fresh.reconcileOnce()).toMatchObject({
      created: [],
      removed: [],
      failed: [],
    });
    const after = await clusterPods();
    expect(after.map(p => p.id)).toEqual(before.map(p => p.id));
    expect(receiver.events).toHaveLength(1); // nothing new to report
  });

  it('replaces pods whose manifest changed, keeping their host ports, and scales down', async () => {
    if (skip) return;
    const before = await clusterPods();
    repo.write(
      `${folder('web')}/40-deployment.yaml`,
      deployment({
        name: 'web',
        namespace: NS,
        image: TEST_IMAGE,
        replicas: 2,
        message: 'again',
      }),
    );
    await repo.commit('web: new message, 2 replicas');
    const summary = await reconciler().reconcileOnce();
    expect(summary.created).toHaveLength(2);
    expect(summary.removed).toEqual([`slw-${CLUSTER}-${ENV}-${NS}-web-2`]);
    const after = await clusterPods();
    expect(after).toHaveLength(2);
    for (const [i, p] of after.entries()) {
      expect(p.labels[LABELS.hostPort]).toBe(before[i].labels[LABELS.hostPort]);
      expect(p.labels[LABELS.generation]).not.toBe(
        before[i].labels[LABELS.generation],
      );
      expect((await httpGet(Number(p.labels[LABELS.hostPort]))).text).toBe(
        'hello again\n',
      );
    }
    expect(receiver.events.at(-1)!.body.severity).toBe('info');
  });

  it('reports bad folders as errors and still applies the good ones', async () => {
    if (skip) return;
    const n = receiver.events.length;
    repo.write(
      `${folder('broken')}/deploy.yaml`,
      'kind: Deployment\nmetadata: [oops\n',
    );
    repo.write(
      `${folder('ghost')}/deploy.yaml`,
      deployment({
        name: 'ghost',
        namespace: NS,
        image: 'localhost/slipway-lc-test/absent:nope',
      }),
    );
    repo.write(`${ENV}/secret.yaml`, 'kind: Secret\n');
    repo.symlink('../../../secret.yaml', `${folder('escape')}/deploy.yaml`);
    repo.write(
      `${folder('climb')}/kustomization.yaml`,
      'resources:\n  - ../web/40-deployment.yaml\n',
    );
    repo.write(
      `${folder('fine')}/deploy.yaml`,
      deployment({ name: 'fine', namespace: NS, image: TEST_IMAGE }),
    );
    await repo.commit('bad input');
    const summary = await reconciler().reconcileOnce();
    expect(summary.created).toEqual([`slw-${CLUSTER}-${ENV}-${NS}-fine-0`]);
    expect(summary.failed.sort()).toEqual(
      ['broken', 'climb', 'escape', 'ghost'].map(folder),
    );
    const events = receiver.events.slice(n);
    const bySvc = Object.fromEntries(
      events.map(e => [e.body.involvedObject.name, e.body]),
    );
    expect(bySvc.fine).toMatchObject({ severity: 'info' });
    expect(bySvc.broken).toMatchObject({
      severity: 'error',
      reason: 'BuildFailed',
    });
    expect(bySvc.broken.message).toMatch(
      new RegExp(
        `^invalid YAML in ${folder('broken')}/deploy.yaml at line \\d+: \\S`,
      ),
    );
    expect(bySvc.ghost).toMatchObject({ severity: 'error' });
    expect(bySvc.ghost.message).toMatch(
      /^image localhost\/slipway-lc-test\/absent:nope not found locally/,
    );
    expect(bySvc.escape.message).toMatch(/deploy\.yaml escapes its folder/);
    expect(bySvc.climb.message).toMatch(
      /kustomization\.yaml escapes its folder: it references '\.\.\/web\/40-deployment\.yaml'/,
    );
    // Unchanged failures are not reported twice.
    await reconciler().reconcileOnce();
    expect(receiver.events.length).toBe(n + events.length);
  });

  it('restarts a crashed container with back-off', async () => {
    if (skip) return;
    repo.write(
      `${folder('crashy')}/deploy.yaml`,
      deployment({
        name: 'crashy',
        namespace: NS,
        image: TEST_IMAGE,
        crash: true,
      }),
    );
    await repo.commit('crashy');
    let clock = Date.now();
    const r = reconciler(() => clock);
    const name = `slw-${CLUSTER}-${ENV}-${NS}-crashy-0`;
    const exited = async () => {
      for (let i = 0; i < 100; i++) {
        const [p] = await podman.pods({
          [LABELS.cluster]: CLUSTER,
          [LABELS.service]: 'crashy',
        });
        if (p?.containers[0]?.status === 'exited') return;
        await new Promise(res => setTimeout(res, 200));
      }
      throw new Error(`${name} did not exit`);
    };
    expect((await r.reconcileOnce()).created).toEqual([name]);
    await exited();
    expect((await r.reconcileOnce()).restarted).toEqual([]); // first seen down
    clock += 1000; // first restart after 1 s
    expect((await r.reconcileOnce()).restarted).toEqual([name]);
    expect(r.status().environments[ENV].crashy.pods[0].containers).toEqual([
      { name: 'crashy', status: expect.any(String), restarts: 1 },
    ]);
    await exited();
    expect((await r.reconcileOnce()).restarted).toEqual([]);
    clock += 9000; // the second waits 10 s
    expect((await r.reconcileOnce()).restarted).toEqual([]);
    clock += 1000;
    expect((await r.reconcileOnce()).restarted).toEqual([name]);
  });

  it('prunes only its own pods whose folder is gone', async () => {
    if (skip) return;
    // A pod of another cluster, labelled like ours, must survive.
    const foreign = `slw-x${id}-foreign-0`;
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: ${foreign}
  labels:
    ${LABELS.managedBy}: ${MANAGED_BY}
    ${LABELS.cluster}: x${id}
    ${LABELS.environment}: ${ENV}
spec:
  restartPolicy: Never
  containers:
    - name: web
      image: ${TEST_IMAGE}
      imagePullPolicy: Never
`;
    await podman.playPod(manifest, foreign, 'podman');
    try {
      repo.remove(folder('crashy'));
      repo.remove(folder('fine'));
      await repo.commit('remove crashy and fine');
      const r = reconciler();
      // A trigger (or a newer revision) ends a running pass early: nothing is pruned then.
      const pass = r.reconcileOnce();
      void r.trigger();
      expect(await pass).toMatchObject({
        interrupted: true,
        created: [],
        removed: [],
      });
      expect((await clusterPods()).map(p => p.name)).toContain(
        `slw-${CLUSTER}-${ENV}-${NS}-fine-0`,
      );
      const summary = await r.reconcileOnce();
      expect(summary.interrupted).toBeUndefined();
      expect(summary.removed.sort()).toEqual([
        `slw-${CLUSTER}-${ENV}-${NS}-crashy-0`,
        `slw-${CLUSTER}-${ENV}-${NS}-fine-0`,
      ]);
      expect((await clusterPods()).map(p => p.name)).toEqual([
        `slw-${CLUSTER}-${ENV}-${NS}-web-0`,
        `slw-${CLUSTER}-${ENV}-${NS}-web-1`,
      ]);
      expect(
        (await podman.pods({ [LABELS.cluster]: `x${id}` })).map(p => p.name),
      ).toEqual([foreign]);
      const ports = JSON.parse(
        fs.readFileSync(path.join(dataDir, 'ports.json'), 'utf8'),
      );
      // Ports of pruned replicas are freed; 'ghost' (image missing) keeps its own.
      expect(
        [...new Set(Object.keys(ports).map(k => k.split('/')[2]))].sort(),
      ).toEqual(['ghost', 'web']);
    } finally {
      await podman.removePod(foreign, 0);
    }
  });
});
