/**
 * The portal frontend reads which sign-in providers are configured (see
 * src/components/SignIn/providers.ts). Backstage keeps `auth.providers.*` on the
 * backend by default; this schema makes only the non-secret keys that say "this
 * provider is configured" visible to the frontend. Secrets stay on the backend.
 */
export interface Config {
  auth?: {
    providers?: {
      /** Guest sign-in (development). */
      guest?: {
        /**
         * The catalog user a guest signs in as.
         * @visibility frontend
         */
        userEntityRef?: string;
        /**
         * Offer guest sign-in outside `auth.environment: development`.
         * @visibility frontend
         */
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
      /** GitHub OAuth app, per auth environment (`development`, `production`, ...). */
      github?: {
        [authEnv: string]: {
          /**
           * The OAuth app's client id (public).
           * @visibility frontend
           */
          clientId?: string;
        };
      };
      /**
       * Any OpenID Connect issuer (Keycloak, Entra ID, Okta, ...), per auth
       * environment; served by @backstage/plugin-auth-backend-module-oidc-provider.
       */
      oidc?: {
        [authEnv: string]: {
          /**
           * The client id registered at the issuer (public).
           * @visibility frontend
           */
          clientId?: string;
          /**
           * Name shown on the sign-in button, e.g. "Keycloak" (Slipway's own key;
           * defaults to "Single sign-on").
           * @visibility frontend
           */
          signInTitle?: string;
        };
      };
    };
  };
}
