import {
  AuthService,
  coreServices,
  createBackendModule,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { OnCallClient } from '@slipway/plugin-on-call-common';
import { InputHealth } from '@slipway/plugin-service-health-common';
import {
  HealthInputProvider,
  serviceHealthInputsExtensionPoint,
} from '../inputs/extensionPoint';
import { incidentHealth } from '../inputs/lights';
import { fetchOnBehalfOf, lightsFromBatch } from './pluginFetch';

/**
 * The incidents input from the on-call backend plugin: ONE
 * `POST /api/on-call/incidents/batch` per call through `OnCallClient`, on behalf of the
 * caller, each entity's open incidents turned into a light by `incidentHealth`. An
 * entity the plugin answers with an error is grey with its message (`... has no on-call
 * annotation`).
 */
export class OnCallIncidentProvider implements HealthInputProvider {
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
    const client = new OnCallClient({
      discoveryApi: this.options.discovery,
      fetchApi: fetchOnBehalfOf({
        auth: this.options.auth,
        credentials,
        targetPluginId: 'on-call',
        timeoutMs: this.options.timeoutMs,
      }),
    });
    return lightsFromBatch({
      entities,
      kind: 'incidents',
      pluginId: 'on-call',
      request: refs => client.listIncidentsOfMany(refs),
      toHealth: item => (item.items ? incidentHealth(item.items) : undefined),
    });
  }
}

/**
 * Backend module giving service health its incidents input from the on-call plugin
 * (see {@link OnCallIncidentProvider}). Off when `serviceHealth.onCall.enabled` is
 * false. Timeout: `serviceHealth.prometheus.timeoutMs` (default 5000).
 *
 * @alpha
 */
export const serviceHealthModuleOnCallIncidents = createBackendModule({
  pluginId: 'service-health',
  moduleId: 'on-call-incidents',
  register(env) {
    env.registerInit({
      deps: {
        inputs: serviceHealthInputsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
      },
      async init({ inputs, discovery, auth, config }) {
        if (
          config.getOptionalBoolean('serviceHealth.onCall.enabled') === false
        ) {
          return;
        }
        inputs.setIncidentsProvider(
          new OnCallIncidentProvider({
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
