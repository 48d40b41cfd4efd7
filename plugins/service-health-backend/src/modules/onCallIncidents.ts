import {
  IncidentsBatchItem,
  OnCallClient,
} from '@slipway/plugin-on-call-common';
import { incidentHealth } from '../inputs/lights';
import {
  createInputModule,
  PluginBatchProvider,
  PluginBatchProviderOptions,
} from './PluginBatchProvider';

/**
 * The incidents input from the on-call backend plugin: ONE
 * `POST /api/on-call/incidents/batch` per call through `OnCallClient`, on behalf of the
 * caller, each entity's open incidents turned into a light by `incidentHealth`. An
 * entity the plugin answers with an error is grey with its message (`... has no on-call
 * annotation`).
 */
export class OnCallIncidentProvider extends PluginBatchProvider<IncidentsBatchItem> {
  constructor(options: PluginBatchProviderOptions) {
    super({ kind: 'incidents', pluginId: 'on-call', options });
  }

  protected request(
    clientOptions: ConstructorParameters<typeof OnCallClient>[0],
    entityRefs: string[],
  ) {
    return new OnCallClient(clientOptions).listIncidentsOfMany(entityRefs);
  }

  protected toHealth(item: IncidentsBatchItem) {
    return item.items ? incidentHealth(item.items) : undefined;
  }
}

/**
 * Backend module giving service health its incidents input from the on-call plugin
 * (see {@link OnCallIncidentProvider}). Off when `serviceHealth.onCall.enabled` is
 * false. Timeout: `serviceHealth.prometheus.timeoutMs` (default 5000).
 *
 * @alpha
 */
export const serviceHealthModuleOnCallIncidents = createInputModule({
  moduleId: 'on-call-incidents',
  kind: 'incidents',
  create: options => new OnCallIncidentProvider(options),
  enabled: config =>
    config.getOptionalBoolean('serviceHealth.onCall.enabled') !== false,
});
