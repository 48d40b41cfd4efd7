export interface Config {
  /** Slipway suite settings. */
  slipway?: {
    /** Settings of the golden-path scaffolder actions (plugins/scaffolder-backend-module-slipway). */
    scaffolder?: {
      /** `publish:local-git`: bare repositories on this machine (the embedded default). */
      localGit?: {
        /**
         * Folder of the bare repositories (`<baseDir>/<name>.git`) and their checked-out
         * working copies (`<baseDir>/<name>/`, registered in the catalog as `file` locations).
         * Default: `$SLIPWAY_DATA/repos`, or `.data/repos` under the working directory's repo root.
         */
        baseDir?: string;
        /**
         * Whether the catalog API accepts `file` locations, so that the working copies
         * above can be registered (default true). Set to false in production, where
         * services are published to GitHub and registered by URL.
         */
        allowFileLocations?: boolean;
      };
      /**
       * Where the golden path publishes new services and whose CI builds them
       * (`slipway:publish:target`): `local` (default; bare repositories on this machine,
       * built by the local CI) or `github` (`publish:github` with branch protection,
       * registered by URL, built by GitHub Actions).
       */
      publish?: {
        target?: 'local' | 'github';
        /** `github`: the organisation (or user) that owns the new repositories. */
        githubOwner?: string;
        /** `github`: the GitHub host of `integrations.github` (default github.com). */
        githubHost?: string;
      };
      /** The local CI (packages/local-ci) that builds the repositories of `publish:local-git`. */
      localCi?: {
        /**
         * Base URL of the local CI, e.g. `http://localhost:7400` (the default). The
         * `post-receive` hook of every new repository notifies it; `slipway:ci:wait` polls it.
         */
        baseUrl?: string;
        /** Whether `publish:local-git` installs the post-receive hook (default true). */
        installHook?: boolean;
      };
      /** Prometheus links of `grafana:dashboard:create` when there is no Grafana. */
      prometheus?: {
        /**
         * Prometheus URL users open (its `/graph` page). Default
         * `serviceHealth.prometheus.baseUrl`, else `http://localhost:9090`.
         */
        publicUrl?: string;
      };
      /** `grafana:dashboard:create`. */
      grafana?: {
        /**
         * Grafana base URL, e.g. `https://grafana.example.com`. With `token`, dashboards are
         * created through the Grafana HTTP API; without, they are committed as a ConfigMap.
         */
        baseUrl?: string;
        /**
         * Grafana service-account token (Bearer) allowed to create dashboards.
         * @visibility secret
         */
        token?: string;
        /**
         * Public Grafana URL used in dashboard links when dashboards are committed as
         * ConfigMaps (the Grafana that the kube-prometheus-stack sidecar feeds).
         * Default: `baseUrl`, else `https://grafana.slipway.dev`.
         */
        publicUrl?: string;
      };
    };
  };
}
