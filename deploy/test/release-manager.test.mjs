import fs from 'node:fs';
import path from 'node:path';
import { render, schemaError, DEPLOY } from './render.mjs';

const ROOT = path.resolve(DEPLOY, '..');

/** The RELEASE_MANAGER_* variables the release manager reads (its config loader). */
const KNOWN_ENV = new Set(
  fs
    .readFileSync(
      path.join(ROOT, 'packages/release-manager/src/config.ts'),
      'utf8',
    )
    .match(/RELEASE_MANAGER_[A-Z0-9_]+/g),
);

const find = (objs, kind, name) =>
  objs.find(o => o.kind === kind && (!name || o.metadata.name === name));

/** Every kustomization under deploy/ (the release daemon's too), e.g. `release-manager/base`. */
const KUSTOMIZATIONS = fs
  .readdirSync(DEPLOY, { recursive: true })
  .filter(f => path.basename(f) === 'kustomization.yaml')
  .filter(f => !f.split(path.sep).includes('node_modules'))
  .map(f => [path.dirname(f)])
  .sort();

it('finds the kustomizations', () => {
  expect(KUSTOMIZATIONS).toEqual(
    expect.arrayContaining([
      ['release-manager/base'],
      ['release-manager/flux'],
      ['release-manager/overlays/example'],
    ]),
  );
});

describe.each(KUSTOMIZATIONS)('kubectl kustomize deploy/%s', dir => {
  it('renders objects that all validate against the Kubernetes and Flux schemas', async () => {
    const objs = render(dir);
    expect(objs.length).toBeGreaterThan(1);
    const errors = [];
    // one at a time: jest's ES module linker fails on concurrent first imports
    for (const obj of objs) errors.push(await schemaError(obj));
    expect(errors.filter(Boolean)).toEqual([]);
  });
});

describe('the example overlay', () => {
  const objs = render('release-manager/overlays/example');
  const deployment = find(objs, 'Deployment', 'release-manager');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map(e => [e.name, e]));
  const configMap = find(objs, 'ConfigMap');

  it('runs 2 replicas of the overlay image as a non-root user, with resource requests', () => {
    expect(deployment.metadata.namespace).toBe('slipway');
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('ghcr.io/acme/slipway-release-manager:0.1.0');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(container.resources.requests).toEqual(
      expect.objectContaining({
        cpu: expect.any(String),
        memory: expect.any(String),
      }),
    );
  });

  it('probes /healthz on the container port the Service targets', () => {
    const port = container.ports.find(p => p.name === 'http');
    expect(port.containerPort).toBe(7100);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      expect(container[probe].httpGet).toEqual({
        path: '/healthz',
        port: 'http',
      });
    }
    const service = find(objs, 'Service', 'release-manager');
    expect(service.spec.ports[0].targetPort).toBe('http');
    // the Service's selector picks the Deployment's pods
    const labels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) {
      expect(labels[k]).toBe(v);
    }
  });

  it('takes PostgreSQL, the tokens and the git credentials from Secrets, never from literals', () => {
    const secretRef = name => env[name]?.valueFrom?.secretKeyRef;
    expect(secretRef('RELEASE_MANAGER_DATABASE_URL')).toMatchObject({
      name: 'release-manager-database',
      key: 'url',
    });
    for (const [name, key] of [
      ['RELEASE_MANAGER_TOKEN', 'api-token'],
      ['RELEASE_MANAGER_DAEMON_TOKEN', 'daemon-token'],
      ['RELEASE_MANAGER_ARTIFACT_TOKEN', 'artifact-token'],
    ]) {
      expect(secretRef(name)).toMatchObject({
        name: 'release-manager-tokens',
        key,
      });
      expect(secretRef(name).optional).toBeUndefined(); // required: no token, no start
    }
    expect(secretRef('RELEASE_MANAGER_CONFIG_REPO_PASSWORD')).toMatchObject({
      name: 'release-manager-git',
    });
    const sshVolume = pod.volumes.find(
      v => v.secret?.secretName === 'release-manager-git',
    );
    const mount = container.volumeMounts.find(m => m.name === sshVolume.name);
    expect(env.RELEASE_MANAGER_CONFIG_REPO_SSH_KEY.value).toBe(
      `${mount.mountPath}/ssh-privatekey`,
    );
    // no Secret objects are shipped, and no token or password sits in the ConfigMap
    expect(objs.filter(o => o.kind === 'Secret')).toEqual([]);
    expect(Object.keys(configMap.data).join()).not.toMatch(
      /TOKEN|PASSWORD|SECRET/,
    );
  });

  it('sets only variables the release manager reads, and the env refers to the rendered ConfigMap', () => {
    const names = [
      ...container.env.map(e => e.name),
      ...Object.keys(configMap.data),
    ].filter(n => n.startsWith('RELEASE_MANAGER_'));
    expect(names.filter(n => !KNOWN_ENV.has(n))).toEqual([]);
    expect(container.envFrom[0].configMapRef.name).toBe(
      configMap.metadata.name,
    );
    expect(configMap.data.RELEASE_MANAGER_CONFIG_REPO_URL).toMatch(/^ssh:\/\//);
    // two replicas share artifacts only through a bucket
    expect(configMap.data.RELEASE_MANAGER_ARTIFACTS_TYPE).toBe('s3');
  });

  it("has Flux's Provider post to /webhook/flux/prod of the release manager Service, and the Alert use it", () => {
    const provider = find(objs, 'Provider', 'release-manager');
    const alert = find(objs, 'Alert', 'release-manager');
    expect(provider.metadata.namespace).toBe('flux-system');
    expect(alert.metadata.namespace).toBe('flux-system');
    expect(provider.spec.type).toBe('generic-hmac');
    expect(provider.spec.address).toBe(
      'http://release-manager.slipway.svc.cluster.local:7100/webhook/flux/prod',
    );
    expect(alert.spec.providerRef.name).toBe(provider.metadata.name);
    expect(alert.spec.eventSources).toContainEqual({
      kind: 'Kustomization',
      name: '*',
    });
    expect(
      env.RELEASE_MANAGER_FLUX_HMAC_SECRET.valueFrom.secretKeyRef.name,
    ).toBe('release-manager-flux');
  });
});

describe('the schema check', () => {
  it('rejects objects the API server would reject', async () => {
    const objs = render('release-manager/base');
    const bad = structuredClone(find(objs, 'Deployment'));
    bad.spec.replicas = 'two';
    bad.spec.template.spec.containers[0].ports[0].containerPort = '7100';
    expect(await schemaError(bad)).toMatch(/replicas|containerPort/);
    const provider = structuredClone(
      find(render('release-manager/flux'), 'Provider'),
    );
    provider.spec.type = 'carrier-pigeon';
    expect(await schemaError(provider)).toMatch(/type/);
  });
});
