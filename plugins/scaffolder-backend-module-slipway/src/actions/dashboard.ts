/**
 * A Grafana service dashboard (JSON model, schemaVersion 39; format:
 * https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/)
 * with the four golden signals for one service, PromQL selecting `service="<name>"`:
 * request rate (requests/s), error ratio (percent of 5xx), p99 latency (seconds) and CPU
 * saturation (percent of the CPU limit).
 */
export function serviceDashboard(options: {
  /** Service name (DNS-1123 label), also the dashboard uid. */
  name: string;
  /** Dashboard title; default `<name> service`. */
  title?: string;
}): Record<string, unknown> {
  const sel = `service="${options.name}"`;
  const panel = (
    id: number,
    title: string,
    expr: string,
    unit: string,
    x: number,
    y: number,
  ) => ({
    id,
    type: 'timeseries',
    title,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: [{ refId: 'A', expr, legendFormat: '{{service}}' }],
  });
  return {
    uid: options.name,
    title: options.title ?? `${options.name} service`,
    tags: ['slipway', 'service', options.name],
    timezone: 'browser',
    schemaVersion: 39,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', current: {} },
      ],
    },
    panels: [
      panel(1, 'Request rate', `sum(rate(http_requests_total{${sel}}[5m]))`, 'reqps', 0, 0),
      panel(
        2,
        'Error ratio',
        `100 * sum(rate(http_requests_total{${sel},code=~"5.."}[5m])) / sum(rate(http_requests_total{${sel}}[5m]))`,
        'percent',
        12,
        0,
      ),
      panel(
        3,
        'p99 latency',
        `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`,
        's',
        0,
        8,
      ),
      panel(
        4,
        'CPU saturation',
        `100 * sum(rate(container_cpu_usage_seconds_total{container="${options.name}"}[5m])) / sum(kube_pod_container_resource_limits{container="${options.name}",resource="cpu"})`,
        'percent',
        12,
        8,
      ),
    ],
  };
}
