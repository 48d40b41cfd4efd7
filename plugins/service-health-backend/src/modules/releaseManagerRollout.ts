import {
  EntityReleaseStatusBatchItem,
  ReleaseManagerPluginClient,
} from '@slipway/plugin-release-manager-common';
import { rolloutHealth } from '../inputs/lights';
import {
  createInputModule,
  PluginBatchProvider,
  PluginBatchProviderOptions,
} from './PluginBatchProvider';

/**
 * The rollout input from the release-manager backend plugin: ONE
 * `POST /api/release-manager/status/batch` per call, on behalf of the caller (so
 * `release-manager.release.read` is checked per entity), each status turned into a
 * light by `rolloutHealth`. An entity the plugin answers with an error is grey with
 * that error's message (`... has no slipway.dev/release-manager-service annotation`).
 */
export class ReleaseManagerRolloutProvider extends PluginBatchProvider<EntityReleaseStatusBatchItem> {
  constructor(options: PluginBatchProviderOptions) {
    super({ kind: 'rollout', pluginId: 'release-manager', options });
  }

  protected request(
    clientOptions: ConstructorParameters<typeof ReleaseManagerPluginClient>[0],
    entityRefs: string[],
  ) {
    return new ReleaseManagerPluginClient(clientOptions).getStatusOfMany(
      entityRefs,
    );
  }

  protected toHealth(item: EntityReleaseStatusBatchItem) {
    return item.status ? rolloutHealth(item.status) : undefined;
  }
}

/**
 * Backend module giving service health its rollout input from the release-manager
 * plugin (see {@link ReleaseManagerRolloutProvider}). Timeout:
 * `serviceHealth.prometheus.timeoutMs` (default 5000).
 *
 * @alpha
 */
export const serviceHealthModuleReleaseManagerRollout = createInputModule({
  moduleId: 'release-manager-rollout',
  kind: 'rollout',
  create: options => new ReleaseManagerRolloutProvider(options),
});
