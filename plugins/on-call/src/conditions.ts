import type { Entity } from '@backstage/catalog-model';
import { getOnCallProviderForEntity } from '@slipway/plugin-on-call-common';

/**
 * Whether the entity has an on-call annotation (`slipway.dev/on-call-schedule`,
 * `pagerduty.com/service-id` / `pagerduty.com/integration-key`, `opsgenie.com/schedule` /
 * `opsgenie.com/team`). For `<EntitySwitch.Case if={isOnCallAvailable}>`.
 *
 * @public
 */
export const isOnCallAvailable = (entity: Entity): boolean =>
  getOnCallProviderForEntity(entity) !== undefined;
