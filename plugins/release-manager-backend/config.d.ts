export interface Config {
  /**
   * Where the portal finds the Slipway (or a Lunar) release manager, and how the
   * release-manager plugins present it.
   */
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
     * The environments, in release order (promotion goes from each to the next). The
     * UI shows them in this order. Default: `[dev, staging, prod]`.
     */
    environments?: string[];
    /**
     * Timeout of each call to the release manager, in milliseconds. Default 10000.
     */
    timeoutMs?: number;
    /**
     * Link template for application commits. `{repo}` is the repository web URL from the
     * artifact (without `.git`), `{sha}` the full sha, `{shortSha}` its first 7
     * characters, `{name}` the repository name. Default: `{repo}/commit/{sha}`.
     */
    commitUrlTemplate?: string;
    /**
     * Backstage notifications to the owners of a service when one of its releases
     * becomes ready or fails its rollout.
     */
    notifications?: {
      /** Whether to send them at all. Default true. */
      enabled?: boolean;
      /** How often to poll the release manager's events feed, in seconds. Default 15. */
      pollIntervalSeconds?: number;
    };
  };
}
