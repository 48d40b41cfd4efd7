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
