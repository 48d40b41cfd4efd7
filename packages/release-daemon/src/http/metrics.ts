import os from 'node:os';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PodmanBackend } from '../podman/PodmanBackend';

/** The daemon's own metrics plus, for the podman backend, pod metrics. */
export interface DaemonMetrics {
  registry: Registry;
  /** Counts webhook posts by route (`deploy`, `error`) and result (`ok`, `failed`). */
  reports: Counter<'route' | 'result'>;
}

/**
 * Creates the registry served on `/metrics`: process metrics, the daemon's
 * `slipway_release_daemon_reports_total{route,result}` and, when `podman` is
 * given, the pod metrics the default service-health queries use
 * (plugins/service-health-backend/src/lib/config.ts), under the names of
 * kube-state-metrics and cAdvisor:
 *
 * - `kube_pod_status_ready{namespace,pod,condition,service,environment}`:
 *   1 for the pod's condition (`true`/`false`), 0 for the other two
 *   (`true`, `false`, `unknown`), as kube-state-metrics does;
 * - `kube_pod_container_resource_limits{resource="cpu",unit="core",namespace,pod,container,service,environment}`:
 *   the container's CPU limit in cores (`podman inspect` NanoCpus or
 *   CpuQuota/CpuPeriod); a container without a limit is reported with the
 *   host's CPU count, the most it can use, so CPU saturation stays defined;
 * - `container_cpu_usage_seconds_total{namespace,pod,container,service,environment}`:
 *   CPU seconds from `podman stats` (`cpu_time`), read at most every 10 s.
 */
export function createMetrics(podman?: PodmanBackend): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({
    register: registry,
    prefix: 'slipway_release_daemon_',
  });
  const reports = new Counter({
    name: 'slipway_release_daemon_reports_total',
    help: 'Reports posted to the release manager daemon webhooks, by route and result.',
    labelNames: ['route', 'result'] as const,
    registers: [registry],
  });
  if (podman) registerPodMetrics(registry, podman);
  return { registry, reports };
}

function registerPodMetrics(registry: Registry, podman: PodmanBackend) {
  const podLabels = ['namespace', 'pod', 'service', 'environment'] as const;
  const containerLabels = [...podLabels, 'container'] as const;
  // eslint-disable-next-line no-new
  new Gauge({
    name: 'kube_pod_status_ready',
    help: 'Describes whether the pod is ready to serve requests (local cluster on podman).',
    labelNames: [...podLabels, 'condition'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of podman.podViews()) {
        const base = {
          namespace: p.namespace,
          pod: p.pod,
          service: p.service,
          environment: p.environment,
        };
        this.set({ ...base, condition: 'true' }, p.ready ? 1 : 0);
        this.set({ ...base, condition: 'false' }, p.ready ? 0 : 1);
        this.set({ ...base, condition: 'unknown' }, 0);
      }
    },
  });
  const hostCores = os.availableParallelism();
  // eslint-disable-next-line no-new
  new Gauge({
    name: 'kube_pod_container_resource_limits',
    help: 'The number of requested limit resource by a container (local cluster on podman; CPU only).',
    labelNames: [...containerLabels, 'resource', 'unit'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of podman.podViews()) {
        for (const c of p.containers) {
          this.set(
            {
              namespace: p.namespace,
              pod: p.pod,
              service: p.service,
              environment: p.environment,
              container: c.name,
              resource: 'cpu',
              unit: 'core',
            },
            c.cpuLimitCores ?? hostCores,
          );
        }
      }
    },
  });
  // eslint-disable-next-line no-new
  new Counter({
    name: 'container_cpu_usage_seconds_total',
    help: 'Cumulative cpu time consumed in seconds (local cluster on podman, from podman stats).',
    labelNames: containerLabels,
    registers: [registry],
    async collect() {
      const usage = await podman.cpuUsage();
      this.reset();
      for (const p of podman.podViews()) {
        for (const c of p.containers) {
          const seconds = usage.get(c.id);
          if (seconds === undefined) continue;
          this.inc(
            {
              namespace: p.namespace,
              pod: p.pod,
              service: p.service,
              environment: p.environment,
              container: c.name,
            },
            seconds,
          );
        }
      }
    },
  });
}
