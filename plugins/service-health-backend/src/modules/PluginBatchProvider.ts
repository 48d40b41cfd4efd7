import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createBackendModule,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputHealth } from '@slipway/plugin-service-health-common';
import {
  HealthInputProvider,
  serviceHealthInputsExtensionPoint,
} from '../inputs/extensionPoint';
import { fetchOnBehalfOf, lightsFromBatch } from './pluginFetch';

/** How a {@link PluginBatchProvider} reaches another backend plugin. */
export type PluginBatchProviderOptions = {
  discovery: DiscoveryService;
  auth: AuthService;
  /** Milliseconds for the whole batch request. */
  timeoutMs: number;
};

/** One item of a batch answer: the entity, and an error when it has no data. */
type BatchItem = { entityRef: string; error?: { message: string } };

/**
 * A {@link HealthInputProvider} that asks another backend plugin (`pluginId`) for many
 * entities in ONE batch request, on behalf of the caller (Backstage's plugin request
 * token), and turns the answer into lights with {@link lightsFromBatch}.
 */
export abstract class PluginBatchProvider<TItem extends BatchItem>
  implements HealthInputProvider
{
  constructor(
    private readonly setup: {
      kind: 'rollout' | 'incidents';
      pluginId: string;
      options: PluginBatchProviderOptions;
    },
  ) {}

  /** The batch request, through the plugin's typed client built on `clientOptions`. */
  protected abstract request(
    clientOptions: {
      discoveryApi: DiscoveryService;
      fetchApi: { fetch: typeof fetch };
    },
    entityRefs: string[],
  ): Promise<{ items: TItem[] }>;

  /** The light of an item that has data; `undefined` for an error item. */
  protected abstract toHealth(item: TItem): InputHealth | undefined;

  getMany(
    entities: Entity[],
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<Map<string, InputHealth>> {
    const { kind, pluginId, options } = this.setup;
    const clientOptions = {
      discoveryApi: options.discovery,
      fetchApi: fetchOnBehalfOf({
        auth: options.auth,
        credentials,
        targetPluginId: pluginId,
        timeoutMs: options.timeoutMs,
      }),
    };
    return lightsFromBatch({
      entities,
      kind,
      pluginId,
      request: refs => this.request(clientOptions, refs),
      toHealth: item => this.toHealth(item),
    });
  }
}

/**
 * A backend module of service health that sets its `kind` input to the provider
 * `create` makes (timeout: `serviceHealth.prometheus.timeoutMs`, default 5000), unless
 * `enabled` says no for the config.
 */
export function createInputModule(options: {
  moduleId: string;
  kind: 'rollout' | 'incidents';
  create: (options: PluginBatchProviderOptions) => HealthInputProvider;
  enabled?: (config: {
    getOptionalBoolean(key: string): boolean | undefined;
  }) => boolean;
}) {
  return createBackendModule({
    pluginId: 'service-health',
    moduleId: options.moduleId,
    register(env) {
      env.registerInit({
        deps: {
          inputs: serviceHealthInputsExtensionPoint,
          discovery: coreServices.discovery,
          auth: coreServices.auth,
          config: coreServices.rootConfig,
        },
        async init({ inputs, discovery, auth, config }) {
          if (options.enabled && !options.enabled(config)) return;
          const provider = options.create({
            discovery,
            auth,
            timeoutMs:
              config.getOptionalNumber('serviceHealth.prometheus.timeoutMs') ??
              5000,
          });
          if (options.kind === 'rollout') inputs.setRolloutProvider(provider);
          else inputs.setIncidentsProvider(provider);
        },
      });
    },
  });
}
