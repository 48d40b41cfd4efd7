export interface Config {
  /** Service health lights (plugins/service-health-backend). All keys are optional. */
  serviceHealth?: {
    prometheus?: {
      /** Base URL of the Prometheus (or Thanos/Mimir query frontend) HTTP API. Default http://localhost:9090. */
      baseUrl?: string;
      /** Base URL of the Prometheus UI, for "open query" links. Default: baseUrl. */
      externalUrl?: string;
      /** Timeout of one instant query, in milliseconds. Default 5000. */
      timeoutMs?: number;
      /** Most queries in flight at once against Prometheus. Default 16. */
      maxConcurrency?: number;
      /** Bearer token sent to Prometheus, if it needs one. */
      token?: string;
    };
    /** How long query results, rollout state and incidents are cached, in seconds. Default 30; 0 disables the cache. */
    cacheTtlSeconds?: number;
    grafana?: {
      /** Base URL of Grafana; relative dashboard paths of signals and annotations are joined to it. */
      baseUrl?: string;
    };
    /**
     * @deprecated Not read any more: the rollout input comes from the release-manager
     * plugin through the `serviceHealthModuleReleaseManagerRollout` module (which uses
     * that plugin's `releaseManager` settings and permission checks).
     */
    releaseManager?: {
      baseUrl?: string;
      /** @visibility secret */
      token?: string;
    };
    onCall?: {
      /** Whether the `serviceHealthModuleOnCallIncidents` module reads open incidents from the on-call plugin. Default true. */
      enabled?: boolean;
    };
    /**
     * The default signals, applied to every Component of type service (replaces the built-in
     * defaults when set). Entities override or extend them with the slipway.dev/health-signals
     * annotation.
     */
    signals?: Array<{
      /** Stable id, e.g. error-ratio. */
      id: string;
      /** Title shown on the card. */
      title: string;
      /** PromQL instant query; placeholders {{name}}, {{namespace}}, {{kind}}, {{selector}}, {{annotations.<key>}}, {{labels.<key>}}. */
      query: string;
      /** Unit of the value: percent, seconds, ms, rps, or any word. */
      unit?: string;
      /** higher-is-worse (default) or lower-is-worse. */
      direction?: 'higher-is-worse' | 'lower-is-worse';
      /** Amber threshold, in unit. */
      amber: number;
      /** Red threshold, in unit. */
      red: number;
      /** Dashboard: absolute URL, or path under grafana.baseUrl; placeholders as in query. */
      dashboard?: string;
      /**
       * Optional: the same query for many services in one go (batch requests), with
       * {{names}} as a regex alternation of entity names; must return one series per
       * service with a service label, e.g. sum by (service) (up{service=~"{{names}}"}).
       */
      batchQuery?: string;
    }>;
  };
}
