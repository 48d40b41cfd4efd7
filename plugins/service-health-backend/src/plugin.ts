import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createRouter } from './router';
import { readServiceHealthConfig } from './lib/config';
import { HealthService } from './lib/HealthService';
import {
  OnCallIncidentSource,
  ReleaseManagerRolloutSource,
} from './lib/inputs';
import { PrometheusClient } from './lib/PrometheusClient';

/**
 * The service-health backend plugin (pluginId `service-health`): traffic lights from
 * Prometheus signals, release-manager rollout state and on-call incidents. Configured
 * under `serviceHealth` (see config.d.ts).
 *
 * @public
 */
export const serviceHealthPlugin = createBackendPlugin({
  pluginId: 'service-health',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        config,
        logger,
        discovery,
        auth,
        catalog,
      }) {
        const cfg = readServiceHealthConfig(config);
        const health = new HealthService({
          config: cfg,
          prometheus: new PrometheusClient(cfg.prometheus),
          rollout: new ReleaseManagerRolloutSource({
            ...cfg.releaseManager,
            timeoutMs: cfg.prometheus.timeoutMs,
          }),
          incidents: new OnCallIncidentSource({
            discovery,
            auth,
            enabled: cfg.onCallEnabled,
            timeoutMs: cfg.prometheus.timeoutMs,
          }),
        });
        logger.info(
          `service health: Prometheus ${cfg.prometheus.baseUrl}, ${
            cfg.signals.length
          } default signals, cache ${cfg.cacheTtlSeconds}s, release manager ${
            cfg.releaseManager?.baseUrl ?? 'not configured'
          }`,
        );
        httpRouter.use(await createRouter({ httpAuth, catalog, health }));
      },
    });
  },
});
