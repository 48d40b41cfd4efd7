import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backoffSeconds, CrashBackoff } from '../CrashBackoff';
import { loadConfig } from '../config';
import { fileSdTargets } from '../fileSd';
import {
  loadFolder,
  ManifestError,
  parseObjects,
} from '../manifests/loadFolder';
import { desiredPods } from '../manifests/pods';
import { LABELS, podName } from '../names';
import { imagePresent } from '../podman/images';
import { PortAllocator } from '../ports';

describe('podName', () => {
  const base = {
    cluster: 'local',
    environment: 'staging',
    namespace: 'payments',
    service: 'ledger',
    deployment: 'ledger',
    replica: 2,
  };
  it('follows slw-<env>-<ns>-<svc>-<replica>', () => {
    expect(podName(base)).toBe('slw-staging-payments-ledger-2');
    expect(podName({ ...base, deployment: 'worker' })).toBe(
      'slw-staging-payments-ledger-worker-2',
    );
    expect(podName({ ...base, cluster: 'ci' })).toBe(
      'slw-ci-staging-payments-ledger-2',
    );
  });
  it('cuts long names to 63 characters, unique through a hash', () => {
    const a = podName({ ...base, service: 'a'.repeat(60) });
    const b = podName({ ...base, service: `${'a'.repeat(59)}b` });
    expect(a).toHaveLength(63);
    expect(a).toMatch(/^slw-staging-payments-a+-[0-9a-f]{8}-2$/);
    expect(a).not.toBe(b);
  });
});

describe('imagePresent', () => {
  const names = new Set([
    'localhost/slipway/web:abc',
    'docker.io/library/busybox:latest',
    'sha256:feed',
  ]);
  it.each([
    ['localhost/slipway/web:abc', true],
    ['slipway/web:abc', true],
    ['busybox', true],
    ['busybox:latest', true],
    ['registry.example/slipway/web:abc', false],
    ['localhost/slipway/web:other', false],
    ['x@sha256:feed', true],
  ])('%s → %s', (ref, want) => expect(imagePresent(ref, names)).toBe(want));
});

describe('CrashBackoff', () => {
  it('waits 1, 10, 20, … at most 300 s between restarts', () => {
    expect([0, 1, 2, 3, 9].map(backoffSeconds)).toEqual([1, 10, 20, 40, 300]);
    const b = new CrashBackoff();
    expect(b.due([{ id: 'c', status: 'exited' }], 0)).toEqual([]);
    expect(b.pending()).toBe(true);
    expect(b.due([{ id: 'c', status: 'exited' }], 1000)).toEqual(['c']);
    b.restarted('c');
    expect(b.due([{ id: 'c', status: 'exited' }], 2000)).toEqual([]);
    expect(b.due([{ id: 'c', status: 'exited' }], 11_999)).toEqual([]);
    expect(b.due([{ id: 'c', status: 'exited' }], 12_000)).toEqual(['c']);
    expect(b.due([{ id: 'c', status: 'running' }], 13_000)).toEqual([]);
    expect(b.pending()).toBe(false);
    expect(b.restarts('c')).toBe(1);
  });
});

describe('parseObjects', () => {
  it('names file and line of invalid YAML', () => {
    expect(() =>
      parseObjects('a: 1\nb: [x\n', 'env/releases/ns/s/d.yaml'),
    ).toThrow(/^invalid YAML in env\/releases\/ns\/s\/d\.yaml at line \d+: /);
  });
  it('flattens Lists and skips empty documents', () => {
    expect(
      parseObjects(
        '---\n---\nkind: List\nitems:\n  - kind: A\n  - kind: B\n',
        'f',
      ).map(o => o.kind),
    ).toEqual(['A', 'B']);
    expect(() => parseObjects('- 1\n', 'f')).toThrow(ManifestError);
  });
});

describe('loadFolder', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-folder-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = () => path.join(root, 'dev/releases/ns/svc');
  const write = (f: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir(), f)), { recursive: true });
    fs.writeFileSync(path.join(dir(), f), text);
  };

  it('reads every YAML file in path order, and the artifact id', async () => {
    write('b.yaml', 'kind: B\n');
    write('a.yml', 'kind: A\n---\nkind: A2\n');
    write('sub/c.yaml', 'kind: C\n');
    write('artifact.json', '{"id":"main-1-2"}');
    const c = await loadFolder(root, dir());
    expect(c.objects.map(o => o.kind)).toEqual(['A', 'A2', 'B', 'C']);
    expect(c.artifactId).toBe('main-1-2');
  });

  it('rejects a symlinked folder that leaves the checkout', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-outside-'));
    try {
      fs.mkdirSync(path.dirname(dir()), { recursive: true });
      fs.symlinkSync(outside, dir());
      await expect(loadFolder(root, dir())).rejects.toThrow(
        /escapes its folder/,
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it.each([
    ['resources:\n  - ../other\n', "'../other'"],
    ['resources:\n  - /etc/passwd\n', "'/etc/passwd'"],
    [
      'resources:\n  - https://github.com/x/y//base\n',
      "'https://github.com/x/y//base'",
    ],
    [
      'configMapGenerator:\n  - name: c\n    files:\n      - key=../../secret\n',
      "'../../secret'",
    ],
  ])('rejects a kustomization reaching outside: %s', async (k, ref) => {
    write('kustomization.yaml', k);
    await expect(loadFolder(root, dir())).rejects.toThrow(
      `dev/releases/ns/svc/kustomization.yaml escapes its folder: it references ${ref}`,
    );
  });
});

describe('desiredPods', () => {
  it('makes one pod per replica with env from ConfigMaps and Secrets, labels and a stable generation', async () => {
    const objects = parseObjects(
      `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {LEVEL: debug, MODE: fast}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
data: {TOKEN: c2VjcmV0}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  template:
    metadata:
      labels: {app.kubernetes.io/version: "1.2.3"}
      annotations: {prometheus.io/port: "9100"}
    spec:
      containers:
        - name: api
          image: localhost/api:1.2.3
          envFrom: [{configMapRef: {name: cfg}, prefix: CFG_}]
          env:
            - {name: TOKEN, valueFrom: {secretKeyRef: {name: sec, key: TOKEN}}}
            - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
          ports: [{name: http, containerPort: 8080}, {containerPort: 9100}]
          readinessProbe: {httpGet: {path: /ready, port: http}}
`,
      'f',
    );
    let next = 20000;
    const ports: Record<string, number> = {};
    const alloc = async (k: string) => (ports[k] ??= next++);
    const ref = {
      cluster: 'local',
      environment: 'dev',
      namespace: 'ns',
      service: 'api',
    };
    const pods = await desiredPods(objects, ref, alloc);
    expect(pods.map(p => p.name)).toEqual([
      'slw-dev-ns-api-0',
      'slw-dev-ns-api-1',
    ]);
    expect(pods[1].labels).toMatchObject({
      [LABELS.artifactId]: '1.2.3',
      [LABELS.replicas]: '2',
      [LABELS.replica]: '1',
      [LABELS.hostPort]: '20002',
      [LABELS.readinessPath]: '/ready',
    });
    expect(pods[1].metrics).toEqual({ hostPort: 20003, path: '/metrics' });
    expect(pods[0].manifest).toContain('imagePullPolicy: Never');
    expect(pods[0].manifest).toContain('hostIP: 127.0.0.1');
    const env = Object.fromEntries(
      (
        require('yaml').parse(pods[0].manifest).spec.containers[0].env as any[]
      ).map(e => [e.name, e.value]),
    );
    expect(env).toEqual({
      CFG_LEVEL: 'debug',
      CFG_MODE: 'fast',
      TOKEN: 'secret',
      POD: 'slw-dev-ns-api-0',
    });
    const again = await desiredPods(objects, ref, alloc);
    expect(again.map(p => p.generation)).toEqual(pods.map(p => p.generation));
    const other = await desiredPods(
      objects,
      { ...ref, artifactId: 'main-x-y' },
      alloc,
    );
    expect(other[0].generation).not.toBe(pods[0].generation);
  });

  it('refuses what it cannot run, saying why', async () => {
    const d = (spec: string) =>
      desiredPods(
        parseObjects(
          `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n${spec}`,
          'f',
        ),
        { cluster: 'local', environment: 'dev', namespace: 'ns', service: 'x' },
        async () => 20000,
      );
    await expect(
      d(
        '  replicas: 500\n  template: {spec: {containers: [{name: a, image: i}]}}\n',
      ),
    ).rejects.toThrow(/500 replicas/);
    await expect(d('  template: {spec: {containers: []}}\n')).rejects.toThrow(
      /containers is empty/,
    );
    await expect(
      d('  template: {spec: {containers: [{name: a}]}}\n'),
    ).rejects.toThrow(/container a has no image/);
    await expect(
      d(
        '  template: {spec: {containers: [{name: a, image: i, env: [{name: E, valueFrom: {configMapKeyRef: {name: nope, key: k}}}]}]}}\n',
      ),
    ).rejects.toThrow(/ConfigMap 'nope' with key 'k' is not in the folder/);
  });
});

describe('PortAllocator', () => {
  it('keeps ports across instances and never hands one out twice', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-ports-'));
    try {
      const file = path.join(dir, 'ports.json');
      const from = 40000 + Math.floor(Math.random() * 1000) * 10;
      const a = new PortAllocator(file, { from, to: from + 9 });
      const got = await Promise.all(['k1', 'k2', 'k3'].map(k => a.allocate(k)));
      expect(new Set(got).size).toBe(3);
      const b = new PortAllocator(file, { from, to: from + 9 });
      expect(await b.allocate('k2')).toBe(got[1]);
      b.retain(k => k !== 'k1');
      expect(await b.allocate('k4')).toBe(got[0]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fileSdTargets', () => {
  it('lists pods with a metrics port, labelled for the health queries', () => {
    expect(
      fileSdTargets([
        {
          name: 'b',
          labels: {
            [LABELS.service]: 's',
            [LABELS.environment]: 'dev',
            [LABELS.namespace]: 'ns',
            'slipway.dev/metrics-port': '20001',
            'slipway.dev/metrics-path': '/stats',
          },
        },
        {
          name: 'a',
          labels: {
            [LABELS.service]: 's',
            [LABELS.environment]: 'dev',
            [LABELS.namespace]: 'ns',
          },
        },
      ]),
    ).toEqual([
      {
        targets: ['127.0.0.1:20001'],
        labels: {
          service: 's',
          environment: 'dev',
          namespace: 'ns',
          pod: 'b',
          __metrics_path__: '/stats',
        },
      },
    ]);
  });
});

describe('loadConfig', () => {
  it('defaults to the embedded default', () => {
    const c = loadConfig({ SLIPWAY_DATA: '/data' });
    expect(c).toMatchObject({
      port: 7200,
      configRepo: '/data/release-manager/config-repo.git',
      containersConf: '/data/podman/containers.conf',
      fileSdPath: '/data/local-cluster/file_sd/pods.json',
      portRange: { from: 20000, to: 29999 },
      releaseManagerUrl: 'http://localhost:7100',
      releaseManagerToken: 'slipway-dev-token',
      clusterName: 'local',
    });
    expect(
      loadConfig({
        RELEASE_MANAGER_TOKEN: 't',
        RELEASE_MANAGER_DAEMON_TOKEN: 'd',
      }).releaseManagerToken,
    ).toBe('d');
  });
  it('names a bad variable', () => {
    expect(() => loadConfig({ LOCAL_CLUSTER_PORT_RANGE: '1-2' })).toThrow(
      /LOCAL_CLUSTER_PORT_RANGE/,
    );
    expect(() => loadConfig({ LOCAL_CLUSTER_NAME: 'Bad_Name' })).toThrow(
      /LOCAL_CLUSTER_NAME/,
    );
  });
});
