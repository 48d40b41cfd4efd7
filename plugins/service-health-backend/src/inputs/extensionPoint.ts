import {
  BackstageCredentials,
  createExtensionPoint,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputHealth } from '@slipway/plugin-service-health-common';

/**
 * A non-metric input to the lights (rollout state, open incidents) for MANY entities at
 * once: implementations ask their source in one request per call, on behalf of the
 * caller, so the owning plugin's permission checks apply.
 *
 * @alpha
 */
export interface HealthInputProvider {
  /**
   * The input of each entity, keyed by entity ref (`component:default/ledger`). An
   * entity left out of the map shows grey `unknown`. Implementations should not throw
   * for one entity; a rejection makes every entity of the call grey with its message.
   *
   * @param entities - the entities (1 to 1000), already read from the catalog for the caller
   * @param options.credentials - the caller of service health; send requests on its behalf
   */
  getMany(
    entities: Entity[],
    options: { credentials: BackstageCredentials },
  ): Promise<Map<string, InputHealth>>;
}

/**
 * Where backend modules plug the rollout and incidents inputs into service health.
 * Without a provider the input is grey `not configured`. Implemented by
 * `serviceHealthModuleReleaseManagerRollout` and `serviceHealthModuleOnCallIncidents`.
 *
 * @alpha
 */
export interface ServiceHealthInputsExtensionPoint {
  /** Sets the rollout input (one provider; a second call replaces the first). */
  setRolloutProvider(provider: HealthInputProvider): void;
  /** Sets the incidents input (one provider; a second call replaces the first). */
  setIncidentsProvider(provider: HealthInputProvider): void;
}

/**
 * Extension point of the service-health plugin for its rollout and incidents inputs.
 *
 * @alpha
 */
export const serviceHealthInputsExtensionPoint =
  createExtensionPoint<ServiceHealthInputsExtensionPoint>({
    id: 'service-health.inputs',
  });
