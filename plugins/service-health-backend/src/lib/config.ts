import { Config } from '@backstage/config';
import { SignalDefinition } from '@slipway/plugin-service-health-common';

/**
 * The built-in default signals: the four golden signals of a service, as PromQL over the
 * metric names of the Prometheus conventions (`http_requests_total` and
 * `http_request_duration_seconds` from the usual HTTP instrumentation, cAdvisor's
 * `container_cpu_usage_seconds_total`, kube-state-metrics' `kube_pod_status_ready` and
 * `kube_pod_container_resource_limits`). `{{selector}}` is the entity's label selector
 * (default `service="<name>"`). Error ratio and latency are the worst ENVIRONMENT's
 * (`max` over `sum by (environment)`), so a bad release in staging turns the light red
 * although prod traffic dilutes it; series without an `environment` label form one group,
 * which gives the plain service-wide figure.
 *
 * @public
 */
export const DEFAULT_SIGNALS: SignalDefinition[] = [
  {
    id: 'error-ratio',
    title: 'Request error ratio',
    query:
      '100 * max(sum by (environment) (rate(http_requests_total{ {{selector}}, code=~"5.." }[5m])) / sum by (environment) (rate(http_requests_total{ {{selector}} }[5m])))',
    unit: 'percent',
    direction: 'higher-is-worse',
    amber: 1,
    red: 5,
    batchQuery:
      '100 * max by (service) (sum by (service, environment) (rate(http_requests_total{ service=~"{{names}}", code=~"5.." }[5m])) / sum by (service, environment) (rate(http_requests_total{ service=~"{{names}}" }[5m])))',
    dashboard:
      '/d/slipway-service/service?var-service={{name}}&viewPanel=errors',
  },
  {
    id: 'latency-p99',
    title: 'Latency (p99)',
    query:
      'max(histogram_quantile(0.99, sum by (le, environment) (rate(http_request_duration_seconds_bucket{ {{selector}} }[5m]))))',
    unit: 'seconds',
    direction: 'higher-is-worse',
    amber: 0.5,
    red: 1,
    batchQuery:
      'max by (service) (histogram_quantile(0.99, sum by (le, service, environment) (rate(http_request_duration_seconds_bucket{ service=~"{{names}}" }[5m]))))',
    dashboard:
      '/d/slipway-service/service?var-service={{name}}&viewPanel=latency',
  },
  {
    id: 'saturation',
    title: 'Saturation (CPU of limit)',
    query:
      '100 * sum(rate(container_cpu_usage_seconds_total{ {{selector}} }[5m])) / sum(kube_pod_container_resource_limits{ {{selector}}, resource="cpu" })',
    unit: 'percent',
    direction: 'higher-is-worse',
    amber: 70,
    red: 90,
    batchQuery:
      '100 * sum by (service) (rate(container_cpu_usage_seconds_total{ service=~"{{names}}" }[5m])) / sum by (service) (kube_pod_container_resource_limits{ service=~"{{names}}", resource="cpu" })',
    dashboard:
      '/d/slipway-service/service?var-service={{name}}&viewPanel=saturation',
  },
  {
    id: 'availability',
    title: 'Pods ready',
    query:
      '100 * sum(kube_pod_status_ready{ {{selector}}, condition="true" }) / count(kube_pod_status_ready{ {{selector}}, condition="true" })',
    unit: 'percent',
    direction: 'lower-is-worse',
    amber: 99,
    red: 50,
    batchQuery:
      '100 * sum by (service) (kube_pod_status_ready{ service=~"{{names}}", condition="true" }) / count by (service) (kube_pod_status_ready{ service=~"{{names}}", condition="true" })',
    dashboard: '/d/slipway-service/service?var-service={{name}}&viewPanel=pods',
  },
];

/**
 * The plugin's configuration, read from `serviceHealth` (see config.d.ts), with defaults
 * filled in.
 *
 * @public
 */
export interface ServiceHealthConfig {
  prometheus: {
    /** No trailing slash. */
    baseUrl: string;
    /** Base URL of the Prometheus UI for links; no trailing slash. */
    externalUrl: string;
    /** Milliseconds. */
    timeoutMs: number;
    maxConcurrency: number;
    token?: string;
  };
  /** Seconds; 0 disables caching. */
  cacheTtlSeconds: number;
  /** No trailing slash. */
  grafanaBaseUrl?: string;
  signals: SignalDefinition[];
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * Reads `serviceHealth` from the root config. Throws the config reader's error (naming the
 * key) when a value has the wrong type.
 *
 * @public
 */
export function readServiceHealthConfig(config: Config): ServiceHealthConfig {
  const c = config.getOptionalConfig('serviceHealth');
  const baseUrl = trimSlash(
    c?.getOptionalString('prometheus.baseUrl') ?? 'http://localhost:9090',
  );
  const grafana = c?.getOptionalString('grafana.baseUrl');
  const signalConfigs = c?.getOptionalConfigArray('signals');
  const signals: SignalDefinition[] = signalConfigs
    ? signalConfigs.map(s => {
        const direction = s.getOptionalString('direction') ?? 'higher-is-worse';
        if (direction !== 'higher-is-worse' && direction !== 'lower-is-worse') {
          throw new Error(
            `serviceHealth.signals[${s.getString(
              'id',
            )}].direction must be higher-is-worse or lower-is-worse, got ${direction}`,
          );
        }
        return {
          id: s.getString('id'),
          title: s.getString('title'),
          query: s.getString('query'),
          unit: s.getOptionalString('unit') ?? '',
          direction,
          amber: s.getNumber('amber'),
          red: s.getNumber('red'),
          dashboard: s.getOptionalString('dashboard'),
          batchQuery: s.getOptionalString('batchQuery'),
        };
      })
    : DEFAULT_SIGNALS;
  return {
    prometheus: {
      baseUrl,
      externalUrl: trimSlash(
        c?.getOptionalString('prometheus.externalUrl') ?? baseUrl,
      ),
      timeoutMs: c?.getOptionalNumber('prometheus.timeoutMs') ?? 5000,
      maxConcurrency: c?.getOptionalNumber('prometheus.maxConcurrency') ?? 16,
      token: c?.getOptionalString('prometheus.token'),
    },
    cacheTtlSeconds: c?.getOptionalNumber('cacheTtlSeconds') ?? 30,
    grafanaBaseUrl: grafana ? trimSlash(grafana) : undefined,
    signals,
  };
}
