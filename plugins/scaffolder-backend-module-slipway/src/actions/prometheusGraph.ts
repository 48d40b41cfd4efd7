import { Config } from '@backstage/config';

/**
 * Where the portal's users open Prometheus: `slipway.scaffolder.prometheus.publicUrl`, else
 * `serviceHealth.prometheus.baseUrl` (the Prometheus the health lights query), else
 * `http://localhost:9090` (the embedded default's, scripts/start.d/30-prometheus.sh).
 */
export function prometheusPublicUrl(config: Config): string {
  return (
    config.getOptionalString('slipway.scaffolder.prometheus.publicUrl') ??
    config.getOptionalString('serviceHealth.prometheus.baseUrl') ??
    'http://localhost:9090'
  ).replace(/\/+$/, '');
}

/**
 * A Prometheus expression-browser link (`<base>/graph?g0.expr=...`, the format of
 * Prometheus 2.x's `/graph` page) that graphs each of `queries` over the last hour, one
 * panel each: the view of a service's signals when there is no Grafana.
 *
 * @param queries - PromQL expressions, e.g. the panels of `serviceDashboard`
 */
export function prometheusGraphUrl(baseUrl: string, queries: string[]): string {
  const params = new URLSearchParams();
  queries.forEach((expr, i) => {
    params.set(`g${i}.expr`, expr);
    params.set(`g${i}.tab`, '0');
    params.set(`g${i}.range_input`, '1h');
  });
  return `${baseUrl.replace(/\/+$/, '')}/graph?${params}`;
}
