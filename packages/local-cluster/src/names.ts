import { createHash } from 'node:crypto';

/** Kubernetes DNS-1123 label: lower-case letters, digits and '-', at most 63 characters. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The label keys the local cluster puts on every pod and container it creates. */
export const LABELS = {
  managedBy: 'slipway.dev/managed-by',
  cluster: 'slipway.dev/cluster',
  environment: 'slipway.dev/environment',
  namespace: 'slipway.dev/namespace',
  service: 'slipway.dev/service',
  deployment: 'slipway.dev/deployment',
  artifactId: 'slipway.dev/artifact-id',
  replicas: 'slipway.dev/replicas',
  replica: 'slipway.dev/replica',
  hostPort: 'slipway.dev/host-port',
  readinessPath: 'slipway.dev/readiness-path',
  generation: 'slipway.dev/generation',
} as const;

/** Value of {@link LABELS}.managedBy. */
export const MANAGED_BY = 'local-cluster';

/** Longest pod name used; the container names podman derives (`<pod>-<container>`) stay readable. */
const MAX_POD_NAME = 63;

/** Short stable hex hash of `input` (sha256). */
export function shortHash(input: string, length = 8): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

/**
 * The podman pod name of one replica: `slw-<env>-<ns>-<svc>-<replica>`, with the
 * deployment name after the service when it differs, and the cluster name after
 * `slw-` unless it is `local`. Names over 63 characters are cut and end in a
 * hash of the full name, so they stay unique.
 */
export function podName(p: {
  cluster: string;
  environment: string;
  namespace: string;
  service: string;
  deployment: string;
  replica: number;
}): string {
  const parts = ['slw'];
  if (p.cluster !== 'local') parts.push(p.cluster);
  parts.push(p.environment, p.namespace, p.service);
  if (p.deployment !== p.service) parts.push(p.deployment);
  const base = parts.join('-');
  const suffix = `-${p.replica}`;
  if (base.length + suffix.length <= MAX_POD_NAME) return base + suffix;
  const hash = shortHash(base);
  const keep = MAX_POD_NAME - suffix.length - hash.length - 1;
  return `${base.slice(0, keep).replace(/-+$/, '')}-${hash}${suffix}`;
}

/** The podman network of an environment. */
export function networkName(environment: string): string {
  return `slipway-${environment}`;
}
