/*
 * The Slipway portal backend (Backstage's new backend system).
 *
 * Backstage's own plugins first, then the Slipway plugins. Each `backend.add` line is one
 * feature; configuration lives in app-config.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleSlipwayPolicy } from './modules/permissionPolicy';
import { catalogModuleFilePlaceholders } from './modules/catalogFilePlaceholders';
import { catalogModuleSlipwayFileLocations } from '@slipway/plugin-scaffolder-backend-module-slipway';
import {
  serviceHealthModuleOnCallIncidents,
  serviceHealthModuleReleaseManagerRollout,
} from '@slipway/plugin-service-health-backend/alpha';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in on the embedded default; GitHub or OIDC (Keycloak, Entra ID,
// Okta, ...) in production. Each provider is active only where auth.providers.<id>
// configures it; the frontend offers the configured ones (packages/app SignIn).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(catalogModuleFilePlaceholders);

// scaffolder (golden-path templates)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// golden-path actions (publish:local-git, grafana:dashboard:create, release-manager:*)
// and `file` locations through the catalog API for the locally published repositories
backend.add(import('@slipway/plugin-scaffolder-backend-module-slipway'));
backend.add(catalogModuleSlipwayFileLocations);

// techdocs (onboarding docs, built locally with mkdocs)
backend.add(import('@backstage/plugin-techdocs-backend'));

// permissions: Slipway's own policy (see src/modules/permissionPolicy)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleSlipwayPolicy);

// search: the PostgreSQL engine in production, in-memory Lunr on SQLite
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// user settings, notifications and signals
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// MCP actions (catalog and scaffolder actions for AI clients)
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Slipway plugins
// slipway:backend-plugins
backend.add(import('@slipway/plugin-on-call-backend'));
backend.add(import('@slipway/plugin-service-health-backend'));
// service health's rollout and incidents inputs: one batch request per input to the
// release-manager and on-call plugins, on behalf of the caller (their permission checks apply)
backend.add(serviceHealthModuleReleaseManagerRollout);
backend.add(serviceHealthModuleOnCallIncidents);
backend.add(import('@slipway/plugin-release-manager-backend'));

backend.start();
