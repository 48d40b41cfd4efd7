import {
  AuthService,
  coreServices,
  createBackendModule,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ReleaseManagerPluginClient } from '@slipway/plugin-release-manager-common';
import { InputHealth } from '@slipway/plugin-service-health-common';
import {
  HealthInputProvider,
  serviceHealthInputsExtensionPoint,
} from '../inputs/extensionPoint';
import { rolloutHealth } from '../inputs/lights';
import { fetchOnBehalfOf, lightsFromBatch } from './pluginFetch';

/**
 * The rollout input from the release-manager backend plugin: ONE
 * `POST /api/release-manager/status/batch` per call, on behalf of the caller (so
 * `release-manager.release.read` is checked per entity), each status turned into a
 * light by `rolloutHealth`. An entity the plugin answers with an error is grey with
 * that error's message (`... has no slipway.dev/release-manager-service annotation`).
 */
export class ReleaseManagerRolloutProvider implements HealthInputProvider {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      /** Milliseconds for the whole batch request. */
      timeoutMs: number;
    },
  ) {}

  async getMany(
    entities: Entity[],
    { credentials }: Parameters<HealthInputProvider['getMany']>[1],
  ): Promise<Map<string, InputHealth>> {
    const client = new ReleaseManagerPluginClient({
      discoveryApi: this.options.discovery,
      fetchApi: fetchOnBehalfOf({
        auth: this.options.auth,
        credentials,
        targetPluginId: 'release-manager',
        timeoutMs: this.options.timeoutMs,
      }),
    });
    return lightsFromBatch({
      entities,
      kind: 'rollout',
      pluginId: 'release-manager',
      request: refs => client.getStatusOfMany(refs),
      toHealth: item => (item.status ? rolloutHealth(item.status) : undefined),
    });
  }
}

/**
 * Backend module giving service health its rollout input from the release-manager
 * plugin (see {@link ReleaseManagerRolloutProvider}). Timeout:
 * `serviceHealth.prometheus.timeoutMs` (default 5000).
 *
 * @alpha
 */
export const serviceHealthModuleReleaseManagerRollout = createBackendModule({
  pluginId: 'service-health',
  moduleId: 'release-manager-rollout',
  register(env) {
    env.registerInit({
      deps: {
        inputs: serviceHealthInputsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
      },
      async init({ inputs, discovery, auth, config }) {
        inputs.setRolloutProvider(
          new ReleaseManagerRolloutProvider({
            discovery,
            auth,
            timeoutMs:
              config.getOptionalNumber('serviceHealth.prometheus.timeoutMs') ??
              5000,
          }),
        );
      },
    });
  },
});
