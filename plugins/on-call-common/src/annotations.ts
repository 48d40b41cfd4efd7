import type { Entity } from '@backstage/catalog-model';

/**
 * Id of an embedded schedule (`onCall.schedules[].id` in app-config) that is on call for
 * the entity. Used by the embedded provider (the default).
 *
 * @example `slipway.dev/on-call-schedule: payments`
 * @public
 */
export const ON_CALL_SCHEDULE_ANNOTATION = 'slipway.dev/on-call-schedule';

/**
 * PagerDuty service id (the `P...` id in the service's URL). Used to find the service's
 * escalation policy (who is on call, per level) and its open incidents.
 *
 * @public
 */
export const PAGERDUTY_SERVICE_ID_ANNOTATION = 'pagerduty.com/service-id';

/**
 * PagerDuty Events API v2 routing key (the "Integration Key" of an Events API v2
 * integration on the service). Used to trigger incidents. When it is missing, the
 * provider looks up the service's first Events API v2 integration.
 *
 * @public
 */
export const PAGERDUTY_INTEGRATION_KEY_ANNOTATION =
  'pagerduty.com/integration-key';

/**
 * Opsgenie schedule name (or id) that is on call for the entity.
 *
 * @public
 */
export const OPSGENIE_SCHEDULE_ANNOTATION = 'opsgenie.com/schedule';

/**
 * Opsgenie team name: alerts for the entity are created with this team as responder and
 * listed with `teams:<team>`. Without it, alerts are tagged and listed by
 * `service:<entity name>`.
 *
 * @public
 */
export const OPSGENIE_TEAM_ANNOTATION = 'opsgenie.com/team';

/** The on-call providers the backend knows. @public */
export type OnCallProviderId = 'embedded' | 'pagerduty' | 'opsgenie';

/**
 * Which provider the entity's annotations point at, in the order embedded, PagerDuty,
 * Opsgenie; `undefined` when it has none of them.
 *
 * @public
 */
export function getOnCallProviderForEntity(
  entity: Entity,
): OnCallProviderId | undefined {
  const a = entity.metadata.annotations ?? {};
  if (a[ON_CALL_SCHEDULE_ANNOTATION]) return 'embedded';
  if (
    a[PAGERDUTY_SERVICE_ID_ANNOTATION] ||
    a[PAGERDUTY_INTEGRATION_KEY_ANNOTATION]
  )
    return 'pagerduty';
  if (a[OPSGENIE_SCHEDULE_ANNOTATION] || a[OPSGENIE_TEAM_ANNOTATION])
    return 'opsgenie';
  return undefined;
}
