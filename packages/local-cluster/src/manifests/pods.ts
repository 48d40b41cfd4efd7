import YAML from 'yaml';
import {
  DNS1123_LABEL,
  LABELS,
  MANAGED_BY,
  podName,
  shortHash,
} from '../names';
import { METRICS_LABELS } from '../fileSd';
import { KubeObject, ManifestError } from './loadFolder';

/** Most replicas one Deployment may ask of the local cluster. */
export const MAX_REPLICAS = 20;

/** The release folder a pod comes from. */
export interface FolderRef {
  environment: string;
  namespace: string;
  service: string;
}

/** One replica of a Deployment, ready for `podman kube play`. */
export interface DesiredPod {
  name: string;
  deployment: string;
  replica: number;
  /** Desired replicas of its Deployment. */
  replicas: number;
  /** Image references of its containers, as written in the manifest. */
  images: string[];
  /** Every label of the pod, {@link LABELS} included. */
  labels: Record<string, string>;
  /** Hash of the pod manifest ({@link LABELS}.generation). */
  generation: string;
  /** The single-Pod manifest (YAML). */
  manifest: string;
  /** Host ports (127.0.0.1) published for its container ports. */
  hostPorts: number[];
  /** Where Prometheus scrapes it (`prometheus.io/scrape: "false"` or no ports: nowhere). */
  metrics?: { hostPort: number; path: string };
  /** Seconds between SIGTERM and SIGKILL when it is replaced (`terminationGracePeriodSeconds`, at most 10, default 2). */
  graceSeconds: number;
}

/** Hands out a persistent host port for a key (see PortAllocator). */
export type AllocatePort = (key: string) => Promise<number>;

interface ContainerPort {
  containerPort: number;
  name?: string;
  protocol: string;
  hostPort: number;
}

/**
 * Turns the Deployments among `objects` into one Pod per replica (other kinds
 * are not run: Services and the like have no meaning on podman). ConfigMaps and
 * Secrets of the same folder feed `env` `valueFrom` and `envFrom`.
 * @param artifactId the folder's artifact id (its artifact.json); else the pod's
 *   `slipway.dev/artifact-id` annotation, `app.kubernetes.io/version` label or first image tag
 * @throws ManifestError for a Deployment this cluster cannot run, with the reason
 */
export async function desiredPods(
  objects: KubeObject[],
  ref: FolderRef & { cluster: string; artifactId?: string },
  allocatePort: AllocatePort,
): Promise<DesiredPod[]> {
  const configMaps = dataOf(objects, 'ConfigMap');
  const secrets = dataOf(objects, 'Secret');
  const out: DesiredPod[] = [];
  const seen = new Set<string>();
  for (const d of objects.filter(
    o => o.kind === 'Deployment' && /^apps\//.test(String(o.apiVersion)),
  )) {
    const name = d.metadata?.name;
    const where = `Deployment/${ref.namespace}/${name ?? '?'}`;
    if (typeof name !== 'string' || !DNS1123_LABEL.test(name)) {
      throw new ManifestError(
        `${where}: metadata.name must be a DNS-1123 label`,
      );
    }
    if (seen.has(name)) {
      throw new ManifestError(`${where} is defined twice`);
    }
    seen.add(name);
    const replicas = d.spec?.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new ManifestError(`${where}: spec.replicas must be a whole number`);
    }
    if (replicas > MAX_REPLICAS) {
      throw new ManifestError(
        `${where}: ${replicas} replicas is more than the local cluster runs (at most ${MAX_REPLICAS})`,
      );
    }
    const template = d.spec?.template ?? {};
    const podSpec = template.spec ?? {};
    if (!Array.isArray(podSpec.containers) || !podSpec.containers.length) {
      throw new ManifestError(
        `${where}: spec.template.spec.containers is empty`,
      );
    }
    const grace = Number(podSpec.terminationGracePeriodSeconds ?? 2);
    for (let replica = 0; replica < replicas; replica++) {
      const pod = podName({ ...ref, deployment: name, replica });
      const ports = new Map<string, ContainerPort[]>();
      for (const c of podSpec.containers) {
        validateContainer(c, where);
        const list: ContainerPort[] = [];
        for (const p of c.ports ?? []) {
          const cp = Number(p?.containerPort);
          if (!Number.isInteger(cp) || cp < 1 || cp > 65535) {
            throw new ManifestError(
              `${where}: container ${c.name}: containerPort must be 1-65535`,
            );
          }
          const protocol = String(p.protocol ?? 'TCP').toUpperCase();
          const key = [
            ref.environment,
            ref.namespace,
            ref.service,
            name,
            replica,
            c.name,
            `${cp}/${protocol}`,
          ].join('/');
          list.push({
            containerPort: cp,
            name: p.name,
            protocol,
            hostPort: await allocatePort(key),
          });
        }
        ports.set(c.name, list);
      }
      out.push(
        buildPod({
          ref,
          deployment: name,
          replica,
          replicas,
          pod,
          template,
          ports,
          configMaps,
          secrets,
          where,
          graceSeconds: Number.isFinite(grace)
            ? Math.max(0, Math.min(10, grace))
            : 2,
        }),
      );
    }
  }
  return out;
}

function validateContainer(c: any, where: string) {
  if (!c || typeof c !== 'object') {
    throw new ManifestError(`${where}: a container is not a mapping`);
  }
  if (typeof c.name !== 'string' || !DNS1123_LABEL.test(c.name)) {
    throw new ManifestError(
      `${where}: every container needs a name (a DNS-1123 label)`,
    );
  }
  if (typeof c.image !== 'string' || !c.image.trim()) {
    throw new ManifestError(`${where}: container ${c.name} has no image`);
  }
}

function buildPod(p: {
  ref: FolderRef & { cluster: string; artifactId?: string };
  deployment: string;
  replica: number;
  replicas: number;
  pod: string;
  template: any;
  ports: Map<string, ContainerPort[]>;
  configMaps: Map<string, Record<string, string>>;
  secrets: Map<string, Record<string, string>>;
  where: string;
  graceSeconds: number;
}): DesiredPod {
  const { ref, template } = p;
  const spec = template.spec;
  const annotations: Record<string, string> = stringMap(
    template.metadata?.annotations,
  );
  const templateLabels = stringMap(template.metadata?.labels);
  const containers = (spec.containers as any[]).map(c => ({
    name: c.name,
    image: c.image,
    imagePullPolicy: 'Never',
    ...(Array.isArray(c.command) ? { command: c.command.map(String) } : {}),
    ...(Array.isArray(c.args) ? { args: c.args.map(String) } : {}),
    ...(c.workingDir ? { workingDir: String(c.workingDir) } : {}),
    env: resolveEnv(c, p),
    ports: p.ports.get(c.name)!.map(x => ({
      containerPort: x.containerPort,
      ...(x.name ? { name: x.name } : {}),
      protocol: x.protocol,
      hostPort: x.hostPort,
      hostIP: '127.0.0.1',
    })),
    ...(c.resources ? { resources: pickResources(c.resources) } : {}),
  }));
  const readiness = readinessOf(spec.containers, p.ports);
  const allPorts = [...p.ports.values()].flat();
  const hostPort = readiness?.hostPort ?? allPorts[0]?.hostPort;
  const artifactId =
    p.ref.artifactId ??
    annotations['slipway.dev/artifact-id'] ??
    templateLabels['app.kubernetes.io/version'] ??
    imageTag(containers[0].image);
  const labels: Record<string, string> = {
    ...templateLabels,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.cluster]: ref.cluster,
    [LABELS.environment]: ref.environment,
    [LABELS.namespace]: ref.namespace,
    [LABELS.service]: ref.service,
    [LABELS.deployment]: p.deployment,
    [LABELS.artifactId]: artifactId ?? '',
    [LABELS.replicas]: String(p.replicas),
    [LABELS.replica]: String(p.replica),
    [LABELS.hostPort]: hostPort ? String(hostPort) : '',
    [LABELS.readinessPath]: readiness?.path ?? '',
  };
  const metrics = metricsOf(annotations, allPorts, hostPort);
  if (metrics) {
    labels[METRICS_LABELS.port] = String(metrics.hostPort);
    labels[METRICS_LABELS.path] = metrics.path;
  }
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.pod,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      // The local cluster restarts exited containers itself, with a back-off
      // like the kubelet's (podman's own restart policy has none).
      restartPolicy: 'Never',
      containers,
    },
  };
  const generation = shortHash(canonicalJson(pod), 16);
  labels[LABELS.generation] = generation;
  return {
    name: p.pod,
    deployment: p.deployment,
    replica: p.replica,
    replicas: p.replicas,
    images: containers.map(c => c.image),
    labels,
    generation,
    manifest: YAML.stringify(pod),
    hostPorts: allPorts.map(x => x.hostPort),
    metrics,
    graceSeconds: p.graceSeconds,
  };
}

function readinessOf(
  containers: any[],
  ports: Map<string, ContainerPort[]>,
): { path: string; hostPort?: number } | undefined {
  for (const c of containers) {
    const get = c.readinessProbe?.httpGet;
    if (!get) continue;
    const list = ports.get(c.name) ?? [];
    const port =
      typeof get.port === 'string' && !/^\d+$/.test(get.port)
        ? list.find(x => x.name === get.port)
        : list.find(x => x.containerPort === Number(get.port));
    return { path: String(get.path ?? '/'), hostPort: port?.hostPort };
  }
  return undefined;
}

function metricsOf(
  annotations: Record<string, string>,
  ports: ContainerPort[],
  fallback?: number,
): DesiredPod['metrics'] {
  if (annotations['prometheus.io/scrape'] === 'false') return undefined;
  const wanted = annotations['prometheus.io/port'];
  const port =
    (wanted && ports.find(x => String(x.containerPort) === wanted)) ||
    ports.find(x => x.name === 'metrics' || x.name === 'http-metrics');
  const hostPort = port?.hostPort ?? fallback;
  if (!hostPort) return undefined;
  return { hostPort, path: annotations['prometheus.io/path'] || '/metrics' };
}

function resolveEnv(c: any, p: Parameters<typeof buildPod>[0]) {
  const env = new Map<string, string>();
  const lookup = (
    kind: 'ConfigMap' | 'Secret',
    name: string,
  ): Record<string, string> | undefined =>
    (kind === 'ConfigMap' ? p.configMaps : p.secrets).get(name);
  for (const from of c.envFrom ?? []) {
    const r = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const data = r?.name ? lookup(kind, r.name) : undefined;
    if (!data) {
      if (r?.optional) continue;
      throw new ManifestError(
        `${p.where}: container ${c.name}: envFrom ${kind} '${r?.name}' is not in the folder`,
      );
    }
    for (const [k, v] of Object.entries(data))
      env.set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const e of c.env ?? []) {
    if (!e?.name) continue;
    if (e.value !== undefined) {
      env.set(e.name, String(e.value));
      continue;
    }
    const vf = e.valueFrom ?? {};
    const keyRef = vf.configMapKeyRef ?? vf.secretKeyRef;
    if (keyRef) {
      const kind = vf.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const value = lookup(kind, keyRef.name)?.[keyRef.key];
      if (value === undefined) {
        if (keyRef.optional) continue;
        throw new ManifestError(
          `${p.where}: container ${c.name}: env ${e.name}: ${kind} '${keyRef.name}' with key '${keyRef.key}' is not in the folder`,
        );
      }
      env.set(e.name, value);
    } else if (vf.fieldRef?.fieldPath) {
      const f = String(vf.fieldRef.fieldPath);
      const fields: Record<string, string> = {
        'metadata.name': p.pod,
        'metadata.namespace': p.ref.namespace,
        'spec.nodeName': p.ref.cluster,
      };
      const value = fields[f];
      if (value !== undefined) env.set(e.name, value);
    } else {
      env.set(e.name, '');
    }
  }
  return [...env].map(([name, value]) => ({ name, value }));
}

function dataOf(
  objects: KubeObject[],
  kind: 'ConfigMap' | 'Secret',
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const o of objects.filter(x => x.kind === kind)) {
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.data ?? {})) {
      data[k] =
        kind === 'Secret'
          ? Buffer.from(String(v), 'base64').toString('utf8')
          : String(v);
    }
    for (const [k, v] of Object.entries(o.stringData ?? {}))
      data[k] = String(v);
    if (o.metadata?.name) out.set(o.metadata.name, data);
  }
  return out;
}

function pickResources(r: any) {
  const pick = (x: any) =>
    x && typeof x === 'object'
      ? Object.fromEntries(
          Object.entries(x)
            .filter(([k]) => k === 'cpu' || k === 'memory')
            .map(([k, v]) => [k, String(v)]),
        )
      : undefined;
  const limits = pick(r.limits);
  const requests = pick(r.requests);
  return {
    ...(limits && Object.keys(limits).length ? { limits } : {}),
    ...(requests && Object.keys(requests).length ? { requests } : {}),
  };
}

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(
    Object.entries(v as object).map(([k, x]) => [k, String(x)]),
  );
}

/** The tag of an image reference (`repo:tag`, `repo@sha256:…` has none). */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0];
  const last = name.slice(name.lastIndexOf('/') + 1);
  const i = last.indexOf(':');
  return i >= 0 ? last.slice(i + 1) : undefined;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map(k => `${JSON.stringify(k)}:${canonicalJson((v as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
