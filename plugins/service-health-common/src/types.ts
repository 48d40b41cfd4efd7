/**
 * A traffic light. `grey` means unknown (no data, input not configured or unreachable,
 * query error) and is never counted as healthy.
 *
 * @public
 */
export type HealthLight = 'green' | 'amber' | 'red' | 'grey';

/**
 * Which way a signal gets worse: `higher-is-worse` (error ratio, latency) turns amber at
 * `value >= amber` and red at `value >= red`; `lower-is-worse` (availability) turns amber
 * at `value <= amber` and red at `value <= red`.
 *
 * @public
 */
export type SignalDirection = 'higher-is-worse' | 'lower-is-worse';

/**
 * A signal as configured (`serviceHealth.signals`) or annotated
 * (`slipway.dev/health-signals`).
 *
 * @public
 */
export interface SignalDefinition {
  /** Stable id, e.g. `error-ratio`; per-entity entries override the default with this id. */
  id: string;
  /** Human title, e.g. `Request error ratio`. */
  title: string;
  /**
   * PromQL instant query. Placeholders: `{{name}}`, `{{namespace}}`, `{{kind}}`,
   * `{{selector}}` (see `slipway.dev/health-selector`), `{{annotations.<key>}}`,
   * `{{labels.<key>}}`.
   */
  query: string;
  /** Unit of the query's value, shown next to it: `percent`, `seconds`, `ms`, `rps`, or any word. */
  unit: string;
  /** Which way the signal gets worse. */
  direction: SignalDirection;
  /** Amber threshold, in `unit`. */
  amber: number;
  /** Red threshold, in `unit`. */
  red: number;
  /** Dashboard for this signal: an absolute URL or a path under `serviceHealth.grafana.baseUrl`; placeholders as in `query`. */
  dashboard?: string;
  /**
   * Optional: the same query for many services at once, used by batch requests for
   * entities with the default selector (`service="<name>"`) and this signal's default
   * `query`. `{{names}}` becomes a regex alternation of the entity names
   * (`ledger|card-service`); the result must carry a `service` label per series, e.g.
   * `sum by (service) (rate(http_requests_total{service=~"{{names}}"}[5m]))`.
   */
  batchQuery?: string;
}

/**
 * The evaluated state of one signal for one entity.
 *
 * @public
 */
export interface SignalHealth {
  id: string;
  title: string;
  /** The query as sent to Prometheus, placeholders filled in. */
  query: string;
  unit: string;
  direction: SignalDirection;
  amber: number;
  red: number;
  light: HealthLight;
  /** The value in `unit`, or null when there was no data or an error. */
  value: number | null;
  /** Why the light is grey or how the value was chosen, e.g. `no data: the query returned no series`. */
  reason?: string;
  /** Prometheus's error message when the query failed (bad PromQL, timeout, 5xx). */
  error?: string;
  /** Link to the signal's dashboard, when one is known. */
  dashboardUrl?: string;
  /** Link to the query in the Prometheus UI. */
  queryUrl?: string;
}

/**
 * The state of a non-metric input (rollout from the release manager, open incidents from
 * on-call).
 *
 * @public
 */
export interface InputHealth {
  light: HealthLight;
  /** One line: `prod: progressing (3/5 ready)`, `2 open incidents (1 high urgency)`, or why it is grey. */
  summary: string;
  /** Link to more detail, when known. */
  url?: string;
}

/**
 * The health of one entity: the overall light is the worst of its non-grey inputs
 * (signals, rollout, incidents); all grey gives grey.
 *
 * @public
 */
export interface EntityHealth {
  /** e.g. `component:default/ledger`. */
  entityRef: string;
  light: HealthLight;
  /** One line explaining the overall light. */
  summary: string;
  signals: SignalHealth[];
  rollout: InputHealth;
  incidents: InputHealth;
  /** The entity's dashboard, from `slipway.dev/dashboard-url`. */
  dashboardUrl?: string;
  /** Problem with the entity's annotations (bad YAML, invalid signal); the defaults are used. */
  annotationError?: string;
  /** ISO 8601 time the health was computed. */
  evaluatedAt: string;
}

/**
 * One entry of `POST /health/batch`: the health, or why it could not be computed.
 *
 * @public
 */
export interface BatchHealthItem {
  entityRef: string;
  health?: EntityHealth;
  /** e.g. `not found` when the entity does not exist or cannot be read. */
  error?: string;
}

/**
 * Response of `POST /api/service-health/health/batch`.
 *
 * @public
 */
export interface BatchHealthResponse {
  items: BatchHealthItem[];
}
