export interface Config {
  /**
   * Where the portal finds the Slipway (or a Lunar) release manager, and how the
   * release-manager plugins present it.
   */
  releaseManager?: {
    // baseUrl, token, environments and timeoutMs: see
    // @slipway/plugin-release-manager-node's config.d.ts (read by releaseManagerServiceRef).
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
    /**
     * Pushing the portal's health lights (service-health) and open incidents (on-call)
     * of each service to the release manager, whose promotion gates and incident freeze
     * read them (`PUT /webhook/signals/{service}`).
     */
    signals?: {
      /** Whether to push them at all. Default true. */
      enabled?: boolean;
      /** Seconds between pushes. Default 60 (the release manager calls signals older than 300 s stale). */
      pushIntervalSeconds?: number;
    };
  };
}
