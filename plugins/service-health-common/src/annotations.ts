import { Entity } from '@backstage/catalog-model';

/**
 * Per-entity signals, as YAML or JSON: a list of signal definitions
 * ({@link SignalDefinition}, every field optional except `id`). An entry whose `id`
 * matches a default signal overrides that signal's fields; `disabled: true` removes it;
 * any other id adds a signal (then `title`, `query`, `amber` and `red` are required).
 *
 * @example
 * ```yaml
 * slipway.dev/health-signals: |
 *   - id: up
 *     title: Scrape target up
 *     query: 100 * avg(up{job="release-manager"})
 *     unit: percent
 *     direction: lower-is-worse
 *     amber: 99
 *     red: 50
 *   - id: saturation
 *     disabled: true
 * ```
 * @public
 */
export const SERVICE_HEALTH_SIGNALS_ANNOTATION = 'slipway.dev/health-signals';

/**
 * The PromQL label matchers that select the entity's series, substituted for
 * `{{selector}}` in signal queries, e.g. `app="ledger", namespace="payments"`.
 * Default: `service="<entity name>"`.
 *
 * @public
 */
export const SERVICE_HEALTH_SELECTOR_ANNOTATION = 'slipway.dev/health-selector';

/**
 * The entity's dashboard: an absolute URL, or a path under `serviceHealth.grafana.baseUrl`.
 * Used for the card's header link and for signals that have no dashboard of their own.
 *
 * @public
 */
export const SERVICE_HEALTH_DASHBOARD_ANNOTATION = 'slipway.dev/dashboard-url';

/**
 * Whether health signals apply to an entity: a Component of type `service` (the default
 * signals apply), or any entity that carries {@link SERVICE_HEALTH_SIGNALS_ANNOTATION} or
 * {@link SERVICE_HEALTH_SELECTOR_ANNOTATION}.
 *
 * @public
 */
export function isServiceHealthApplicable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  if (
    annotations[SERVICE_HEALTH_SIGNALS_ANNOTATION] ||
    annotations[SERVICE_HEALTH_SELECTOR_ANNOTATION]
  ) {
    return true;
  }
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    (entity.spec as { type?: unknown } | undefined)?.type === 'service'
  );
}
