import { parse } from 'yaml';
import { isArtifactId } from '@slipway/plugin-release-manager-common';
import { DEFAULT_EXAMPLES_DIR, readExampleServices } from '../catalog';
import { artifactSpec, buildsOf } from '../builds';
import { manifestsFor } from '../manifests';
import { fleetArtifacts } from '../fleet';
import { currentBuilds } from '../up';

const services = readExampleServices(DEFAULT_EXAMPLES_DIR);
const ENVS = ['dev', 'staging', 'prod'];

function envOf(container: any): Record<string, string> {
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
}

describe('the fleet read from examples/', () => {
  it('has the eight example services with their namespaces, owners and people', () => {
    expect(services.map(s => s.name)).toEqual([
      'card-service',
      'credit-scoring',
      'customer-profile',
      'identity-service',
      'ledger',
      'loan-applications',
      'notification-service',
      'payment-gateway',
    ]);
    expect(services.find(s => s.name === 'ledger')).toMatchObject({
      team: 'payments',
      namespace: 'payments',
      language: 'go',
    });
    expect(services.find(s => s.name === 'identity-service')).toMatchObject({
      team: 'platform',
      namespace: 'customer',
    });
    for (const s of services) {
      expect(s.people.length).toBeGreaterThan(0);
      for (const p of s.people) expect(p.email).toMatch(/@slipway\.dev$/);
    }
  });
});

describe('builds and artifacts', () => {
  it('are deterministic, with valid artifact ids and one image per artifact', () => {
    const again = readExampleServices(DEFAULT_EXAMPLES_DIR);
    const ids = new Set<string>();
    const images = new Set<string>();
    for (const s of services) {
      const b = buildsOf(s);
      expect(
        buildsOf(again.find(x => x.name === s.name)!).all.map(x => x.id),
      ).toEqual(b.all.map(x => x.id));
      for (const a of b.all) {
        expect(isArtifactId(a.id)).toBe(true);
        expect(a.id).toBe(
          `${a.branch.replace(/\//g, '-')}-${a.appSha.slice(
            0,
            10,
          )}-${a.planSha.slice(0, 10)}`,
        );
        expect(a.image).toBe(
          `localhost/slipway/${s.name}:${a.appSha.slice(0, 10)}`,
        );
        ids.add(a.id);
        images.add(a.image);
      }
      expect(b.main).toHaveLength(4);
    }
    expect(ids.size).toBe(images.size);
  });

  it('has exactly one artifact of each bad kind, released nowhere', () => {
    const artifacts = fleetArtifacts(services);
    const bad = artifacts.filter(a => a.bad);
    expect(bad.map(a => a.bad).sort()).toEqual([
      'crash',
      'errors',
      'slow-ready',
    ]);
    for (const a of bad) expect(a.currentIn).toEqual([]);
    // Every environment of every service runs exactly one good artifact.
    for (const s of services) {
      const envs = artifacts
        .filter(a => a.service === s.name)
        .flatMap(a => a.currentIn);
      expect(envs.sort()).toEqual([...ENVS].sort());
    }
    // Prod runs main builds only (the global branch restriction).
    for (const s of services) {
      expect(currentBuilds(buildsOf(s), s.name).prod.branch).toBe('main');
    }
  });

  it('builds an artifact spec as CI uploads it', () => {
    const ledger = services.find(s => s.name === 'ledger')!;
    const b = buildsOf(ledger).main[0];
    const now = new Date('2026-12-02T12:00:00Z');
    const spec = artifactSpec(ledger, b, now);
    expect(spec).toMatchObject({
      id: b.id,
      service: 'ledger',
      namespace: 'payments',
      squad: 'payments',
      application: { branch: 'main', sha: b.appSha, name: 'ledger' },
    });
    expect(new Date(spec.ci!.end!).getTime()).toBe(
      now.getTime() - 6 * 86_400_000,
    );
    expect(spec.stages!.find(st => st.id === 'push')!.data).toMatchObject({
      image: 'localhost/slipway/ledger',
      tag: b.appSha.slice(0, 10),
    });
    // nothing that does not exist: no links, no invented test counts or scans
    expect(spec.application!.url).toBeUndefined();
    expect(spec.ci!.jobUrl).toBeUndefined();
    expect(spec.stages!.map(st => st.id)).toEqual(['build', 'push']);
  });
});

describe('manifests', () => {
  it('are a Deployment and a Service per environment that the workload runs from', () => {
    for (const s of services) {
      for (const b of buildsOf(s).all) {
        const m = manifestsFor(s, b, ENVS);
        expect(Object.keys(m)).toEqual(ENVS);
        for (const environment of ENVS) {
          expect(Object.keys(m[environment]).sort()).toEqual([
            '40-deployment.yaml',
            '50-service.yaml',
          ]);
          const d = parse(m[environment]['40-deployment.yaml']);
          expect(d).toMatchObject({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: {
              name: s.name,
              namespace: s.namespace,
              labels: {
                'app.kubernetes.io/name': s.name,
                'app.kubernetes.io/version': b.id,
              },
              annotations: {
                'slipway.dev/artifact-id': b.id,
                'slipway.dev/environment': environment,
              },
            },
          });
          expect(d.spec.replicas).toBeGreaterThanOrEqual(1);
          expect(d.spec.replicas).toBeLessThanOrEqual(3);
          expect(d.spec.selector.matchLabels).toEqual({
            'app.kubernetes.io/name': s.name,
          });
          expect(
            d.spec.template.metadata.labels['app.kubernetes.io/name'],
          ).toBe(s.name);
          const [c] = d.spec.template.spec.containers;
          expect(c.image).toBe(b.image);
          expect(c.ports).toEqual([
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
          ]);
          expect(c.readinessProbe.httpGet).toEqual({
            path: '/readyz',
            port: 8080,
          });
          expect(c.resources.limits.cpu).toMatch(/^\d+m$/);
          expect(envOf(c)).toMatchObject({
            PORT: '8080',
            SERVICE_NAME: s.name,
            VERSION: b.id,
            ENVIRONMENT: environment,
          });
          const svc = parse(m[environment]['50-service.yaml']);
          expect(svc).toMatchObject({
            kind: 'Service',
            metadata: { name: s.name },
          });
        }
      }
    }
  });

  it('set the bad behaviours only on the bad artifacts', () => {
    const seen: Record<string, Record<string, string>> = {};
    for (const s of services) {
      for (const b of buildsOf(s).all) {
        const d = parse(manifestsFor(s, b, ENVS).staging['40-deployment.yaml']);
        const env = envOf(d.spec.template.spec.containers[0]);
        if (b.bad) {
          seen[b.bad] = env;
          continue;
        }
        expect(Number(env.ERROR_RATIO)).toBeLessThan(0.01);
        expect(env.CRASH_AT_START).toBeUndefined();
        expect(env.READY_DELAY_SECONDS).toBeUndefined();
      }
    }
    expect(seen.errors.ERROR_RATIO).toBe('0.08');
    expect(seen.crash).toMatchObject({
      CRASH_AT_START: 'true',
      CRASH_MESSAGE: expect.stringContaining('required variable'),
    });
    expect(seen['slow-ready'].READY_DELAY_SECONDS).toBe('40');
  });
});
