import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import { runAllowFailure } from '../exec';
import { LocalCluster, startLocalCluster } from '../cluster';
import { LABELS } from '../names';
import { Podman } from '../podman/Podman';
import { portOf } from '../server';
import { Logger } from '../Reconciler';
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

const logger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const id = Math.random().toString(36).slice(2, 7);
const roots: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-cluster-'));
  roots.push(d);
  return d;
};
let cluster: LocalCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});
afterAll(() => {
  for (const d of roots) fs.rmSync(d, { recursive: true, force: true });
});

async function get(urlPath: string, init?: RequestInit) {
  const res = await fetch(
    `http://127.0.0.1:${portOf(cluster!.server)}${urlPath}`,
    init,
  );
  return { status: res.status, body: await res.json() };
}

describe('startLocalCluster', () => {
  it('without podman serves /healthz and says why in /status', async () => {
    const root = tmp();
    cluster = await startLocalCluster(
      loadConfig({ SLIPWAY_DATA: root, LOCAL_CLUSTER_PORT: '0' }),
      logger,
      { podmanBinary: path.join(root, 'no-such-podman') },
    );
    expect(cluster.reconciler).toBeUndefined();
    expect(await get('/healthz')).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await get('/status')).toEqual({
      status: 200,
      body: {
        available: false,
        reason: 'podman not installed: apt-get install podman runc',
      },
    });
    expect((await get('/reconcile', { method: 'POST' })).status).toBe(503);
    // It still writes the containers.conf podman will need.
    expect(
      fs.readFileSync(path.join(root, 'podman', 'containers.conf'), 'utf8'),
    ).toMatch(/default_ulimits = \[\][\s\S]*runtime = "runc"/);
  });

  it('applies a commit as soon as it lands in the bare repo, and answers /reconcile', async () => {
    const root = tmp();
    const avail = await podmanAvailable(
      path.join(root, 'podman', 'containers.conf'),
    );
    if (!avail.ok) {
      log(`podman not usable here (${avail.reason}): skipping the loop test`);
      return;
    }
    await buildTestImage(
      TEST_IMAGE,
      path.join(root, 'podman', 'containers.conf'),
    );
    const repo = new TestConfigRepo(root);
    await repo.init();
    const receiver = await fluxReceiver('tok');
    const env = `l${id}`;
    const from = 30000 + Math.floor(Math.random() * 190) * 50 + 10000;
    cluster = await startLocalCluster(
      loadConfig({
        SLIPWAY_DATA: root,
        LOCAL_CLUSTER_PORT: '0',
        LOCAL_CLUSTER_CONFIG_REPO: repo.bare,
        LOCAL_CLUSTER_NAME: `c${id}`,
        LOCAL_CLUSTER_INTERVAL_MS: '60000', // only the refs watch can see the commit in time
        LOCAL_CLUSTER_PORT_RANGE: `${from}-${from + 9}`,
        RELEASE_MANAGER_URL: receiver.url,
        RELEASE_MANAGER_TOKEN: 'tok',
      }),
      logger,
    );
    const podman = new Podman({
      containersConf: path.join(root, 'podman', 'containers.conf'),
      workDir: path.join(root, 'podman-test'),
    });
    try {
      await new Promise(res => setTimeout(res, 1000)); // first pass over the empty repo
      repo.write(
        `${env}/releases/ns/api/deploy.yaml`,
        deployment({
          name: 'api',
          namespace: 'ns',
          image: TEST_IMAGE,
          message: 'loop',
        }),
      );
      const committed = Date.now();
      const sha = await repo.commit('release api');
      let pods: any[] = [];
      let seenMs: number | undefined;
      for (let i = 0; i < 450 && pods[0]?.status !== 'Running'; i++) {
        await new Promise(res => setTimeout(res, 200));
        const body = (await get('/status')).body;
        if (!seenMs && body.revision === `main@sha1:${sha}`) {
          seenMs = Date.now() - committed;
        }
        pods = body.environments?.[env]?.api?.pods ?? [];
      }
      log(
        `commit seen after ${seenMs} ms, pod running after ${
          Date.now() - committed
        } ms (refs watch; the poll interval is 60 s)`,
      );
      expect(seenMs).toBeLessThan(30_000);
      expect(pods).toHaveLength(1);
      expect((await httpGet(pods[0].hostPort)).text).toBe('hello loop\n');
      const r = await get('/reconcile?wait=true', { method: 'POST' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        available: true,
        revision: `main@sha1:${sha}`,
        environments: { [env]: { api: { result: 'applied' } } },
      });
      expect(receiver.events.map(e => e.body.severity)).toEqual(['info']);
      expect(
        fs.existsSync(path.join(root, 'local-cluster', 'file_sd', 'pods.json')),
      ).toBe(true);
    } finally {
      // Stop first: a running cluster would put the pods back.
      await cluster?.stop();
      cluster = undefined;
      await podman.removePods(
        (await podman.pods({ [LABELS.cluster]: `c${id}` })).map(p => p.name),
        0,
      );
      await runAllowFailure(
        'podman',
        ['network', 'rm', '-f', `slipway-${env}`],
        {
          env: {
            CONTAINERS_CONF: path.join(root, 'podman', 'containers.conf'),
          },
        },
      );
      await receiver.close();
    }
  });
});
