export interface Config {
  /** Where the portal's backend finds the Slipway (or a Lunar) release manager. */
  releaseManager?: {
    /**
     * Base URL of the release manager's HTTP API, e.g. `http://localhost:7100` on the
     * embedded default.
     */
    baseUrl: string;
    /**
     * Bearer token the release manager expects (its own `auth.token`); in production
     * take it from an environment variable, e.g. `${RELEASE_MANAGER_TOKEN}`.
     * @visibility secret
     */
    token?: string;
    /**
     * The environments, in release order (promotion goes from each to the next), each a
     * DNS-1123 label. Default: `[dev, staging, prod]`.
     */
    environments?: string[];
    /** Timeout of each call to the release manager, in milliseconds. Default 10000. */
    timeoutMs?: number;
  };
}
