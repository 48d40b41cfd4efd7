import { stringify } from 'yaml';
import type { ArtifactManifests } from '@slipway/plugin-release-manager-common';
import { ExampleService } from './catalog';
import { Build } from './builds';
import { profileOf } from './profiles';

/** The workload's container port. */
export const CONTAINER_PORT = 8080;
/** The readiness path of every fleet Deployment. */
export const READINESS_PATH = '/readyz';

/** Environment variables of the workload for one build in one environment. */
export function workloadEnv(
  s: ExampleService,
  b: Build,
  environment: string,
): Array<{ name: string; value: string }> {
  const env: Array<{ name: string; value: string }> = [
    { name: 'PORT', value: String(CONTAINER_PORT) },
    { name: 'SERVICE_NAME', value: s.name },
    { name: 'VERSION', value: b.id },
    { name: 'ENVIRONMENT', value: environment },
    { name: 'LATENCY_MS', value: String(b.behaviour.latencyMs) },
    { name: 'ERROR_RATIO', value: String(b.behaviour.errorRatio) },
  ];
  if (b.behaviour.readyDelaySeconds) {
    env.push({
      name: 'READY_DELAY_SECONDS',
      value: String(b.behaviour.readyDelaySeconds),
    });
  }
  if (b.behaviour.crashMessage) {
    env.push({ name: 'CRASH_AT_START', value: 'true' });
    env.push({ name: 'CRASH_MESSAGE', value: b.behaviour.crashMessage });
  }
  // Go runtime: one OS thread for Go code and a soft memory limit keep each pod small.
  env.push({ name: 'GOMAXPROCS', value: '1' });
  env.push({ name: 'GOMEMLIMIT', value: '24MiB' });
  return env;
}

/** The Deployment of `b` in `environment` (apps/v1), as a plain object. */
export function deployment(
  s: ExampleService,
  b: Build,
  environment: string,
  replicas: number,
) {
  const p = profileOf(s.name);
  const labels = {
    'app.kubernetes.io/name': s.name,
    'app.kubernetes.io/part-of': s.team,
    'app.kubernetes.io/version': b.id,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      labels: { ...labels, 'app.kubernetes.io/managed-by': 'slipway' },
      annotations: {
        'slipway.dev/artifact-id': b.id,
        'slipway.dev/environment': environment,
      },
    },
    spec: {
      replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': s.name } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(CONTAINER_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: s.name,
              image: b.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                {
                  name: 'http',
                  containerPort: CONTAINER_PORT,
                  protocol: 'TCP',
                },
              ],
              env: workloadEnv(s, b, environment),
              readinessProbe: {
                httpGet: { path: READINESS_PATH, port: CONTAINER_PORT },
                periodSeconds: 5,
                failureThreshold: 3,
              },
              resources: {
                requests: { cpu: '10m', memory: '16Mi' },
                limits: { cpu: p.cpuLimit, memory: '64Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

/** The Service in front of the Deployment (port 80 → the container port). */
export function service(s: ExampleService) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      labels: { 'app.kubernetes.io/name': s.name },
    },
    spec: {
      selector: { 'app.kubernetes.io/name': s.name },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
}

/**
 * The rendered manifests of `b` for every environment, as CI uploads them:
 * `<env>/40-deployment.yaml` (replicas per environment from the service's profile) and
 * `<env>/50-service.yaml`.
 */
export function manifestsFor(
  s: ExampleService,
  b: Build,
  environments: string[],
): ArtifactManifests {
  const p = profileOf(s.name);
  const out: ArtifactManifests = {};
  for (const env of environments) {
    const replicas =
      (p.replicas as Record<string, number>)[env] ?? p.replicas.dev;
    out[env] = {
      '40-deployment.yaml': stringify(deployment(s, b, env, replicas)),
      '50-service.yaml': stringify(service(s)),
    };
  }
  return out;
}
