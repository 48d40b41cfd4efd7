// Bad input never stops the local cluster or the release daemon: an artifact whose
// manifests are invalid YAML, reference an image that does not exist, or try to escape
// their folder is a failed rollout with a clear message on the Releases tab, and the
// environment recovers when a good artifact is deployed again. The artifacts are uploaded
// through the release manager's artifact API as CI would; deploys go through the tab.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { withPage, closeBrowser, SCREENSHOTS } from './lib.mjs';
import {
  deployThroughUi,
  envRow,
  envStatus,
  openReleases,
  rm,
  rmPost,
  settled,
  until,
  waitForRollout,
} from './fleet.mjs';

after(closeBrowser);

// Owned by payments, a team of the guest's, so the tab lets the guest deploy.
const SERVICE = 'card-service';
const ENV = 'dev';

/** A Deployment of SERVICE as YAML text, with `image`. */
const deploymentYaml = (namespace, id, image) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${SERVICE}
  namespace: ${namespace}
  annotations:
    slipway.dev/artifact-id: ${id}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: ${SERVICE}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ${SERVICE}}
    spec:
      containers:
        - name: ${SERVICE}
          image: ${image}
          ports: [{containerPort: 8080}]
`;

/** The bad artifacts: name, manifests for ENV (given the artifact id), the message the tab must show. */
const BAD_MANIFESTS = [
  {
    name: 'invalid-yaml',
    files: (ns, id) => ({
      'deployment.yaml': `${deploymentYaml(ns, id, 'localhost/slipway/x:1')}  - : [unclosed\n`,
    }),
    shows: /invalid YAML|YAML/i,
  },
  {
    name: 'missing-image',
    files: (ns, id) => ({
      'deployment.yaml': deploymentYaml(ns, id, `localhost/slipway/${SERVICE}:does-not-exist-${id.slice(-6)}`),
    }),
    shows: /does-not-exist.*(not|no such)|image.*(not|no such)/i,
  },
  {
    name: 'escape',
    files: () => ({
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../../../staging/releases\n',
    }),
    shows: /escapes its folder/i,
  },
];

/** Uploads a bad artifact of SERVICE on branch `e2e-<name>` as CI would; returns its id. */
async function uploadBad(bad, template) {
  const sha = randomBytes(20).toString('hex');
  const id = `e2e-${bad.name}-${sha.slice(0, 10)}-${template.id.slice(-10)}`;
  const namespace = template.namespace ?? ENV;
  await rmPost('/artifacts/create', {
    artifact: {
      ...template,
      id,
      application: { ...template.application, branch: `e2e-${bad.name}`, sha, message: `e2e: ${bad.name} manifests` },
      created: new Date().toISOString(),
    },
    manifests: { [ENV]: bad.files(namespace, id) },
  });
  return id;
}

test('bad manifests are failed rollouts with a clear message; a good deploy recovers', { timeout: 1_200_000 }, () =>
  withPage('fleet-bad-manifests', async page => {
    const good = await settled(SERVICE, ENV);
    const { artifacts } = await rm(`/describe/artifact/${SERVICE}?count=1`);
    const template = artifacts[0];
    for (const bad of BAD_MANIFESTS) {
      const id = await uploadBad(bad, template);
      await openReleases(page, SERVICE);
      const clicked = await deployThroughUi(page, id, ENV);
      const shown = await waitForRollout(page, SERVICE, ENV, id, /failed/, { since: clicked });
      const problems = page.getByText(`${ENV}: ${id} is failing`);
      await problems.waitFor({ timeout: 30_000 });
      const text = await page.locator('body').innerText();
      assert.match(text, bad.shows, `${bad.name}: the tab names the problem`);
      console.log(`fleet e2e: ${bad.name}: failed shown after ${(shown.ms / 1000).toFixed(1)} s`);
      await page.setViewportSize({ width: 1440, height: 1400 });
      await envRow(page, ENV).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `fleet-bad-manifests-${bad.name}.png`) });
      await page.setViewportSize({ width: 1440, height: 900 });
      // the local cluster and the daemon still answer
      for (const url of ['http://localhost:7200/status', 'http://localhost:7300/healthz']) {
        const res = await fetch(url).catch(e => ({ ok: false, status: e.message }));
        assert.ok(res.ok, `${url} answers after ${bad.name}: ${res.status}`);
      }
    }
    // a good deploy recovers: the environment runs the good artifact again, ready
    await openReleases(page, SERVICE);
    const clicked = await deployThroughUi(page, good.tag, ENV);
    await waitForRollout(page, SERVICE, ENV, good.tag, `ready ${good.replicas}/${good.replicas}`, { since: clicked });
    await until('dev runs the good artifact', async () => (await envStatus(SERVICE, ENV)).tag === good.tag, 60_000);
    await settled(SERVICE, ENV);
  }));
