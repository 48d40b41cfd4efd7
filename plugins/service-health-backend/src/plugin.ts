import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createRouter } from './router';
import { readServiceHealthConfig } from './lib/config';
import { HealthService } from './lib/HealthService';
import {
  HealthInputProvider,
  serviceHealthInputsExtensionPoint,
} from './inputs/extensionPoint';
import { PrometheusClient } from './lib/PrometheusClient';

/**
 * The service-health backend plugin (pluginId `service-health`): traffic lights from
 * Prometheus signals, and rollout state and open incidents from the input providers
 * that backend modules set through `serviceHealthInputsExtensionPoint` (`./alpha`:
 * `serviceHealthModuleReleaseManagerRollout`, `serviceHealthModuleOnCallIncidents`).
 * Configured under `serviceHealth` (see config.d.ts).
 *
 * @public
 */
export const serviceHealthPlugin = createBackendPlugin({
  pluginId: 'service-health',
  register(env) {
    const inputs: {
      rollout?: HealthInputProvider;
      incidents?: HealthInputProvider;
    } = {};
    env.registerExtensionPoint(serviceHealthInputsExtensionPoint, {
      setRolloutProvider(provider) {
        inputs.rollout = provider;
      },
      setIncidentsProvider(provider) {
        inputs.incidents = provider;
      },
    });
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init({ httpAuth, httpRouter, config, logger, catalog }) {
        const cfg = readServiceHealthConfig(config);
        const health = new HealthService({
          config: cfg,
          prometheus: new PrometheusClient(cfg.prometheus),
          rollout: inputs.rollout,
          incidents: inputs.incidents,
        });
        logger.info(
          `service health: Prometheus ${cfg.prometheus.baseUrl}, ${
            cfg.signals.length
          } default signals, cache ${cfg.cacheTtlSeconds}s, rollout input ${
            inputs.rollout ? 'installed' : 'not installed'
          }, incidents input ${
            inputs.incidents ? 'installed' : 'not installed'
          }`,
        );
        httpRouter.use(await createRouter({ httpAuth, catalog, health }));
      },
    });
  },
});
