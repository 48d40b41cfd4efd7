import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError, NotImplementedError } from '@backstage/errors';
import {
  ON_CALL_SCHEDULE_ANNOTATION,
  OnCallProviderId,
  OPSGENIE_SCHEDULE_ANNOTATION,
  OPSGENIE_TEAM_ANNOTATION,
  PAGERDUTY_INTEGRATION_KEY_ANNOTATION,
  PAGERDUTY_SERVICE_ID_ANNOTATION,
} from '@slipway/plugin-on-call-common';
import { OnCallProvider } from './types';

const ANNOTATIONS: Record<OnCallProviderId, string[]> = {
  embedded: [ON_CALL_SCHEDULE_ANNOTATION],
  pagerduty: [
    PAGERDUTY_SERVICE_ID_ANNOTATION,
    PAGERDUTY_INTEGRATION_KEY_ANNOTATION,
  ],
  opsgenie: [OPSGENIE_SCHEDULE_ANNOTATION, OPSGENIE_TEAM_ANNOTATION],
};

const CONFIG_HINT: Record<OnCallProviderId, string> = {
  embedded: 'onCall.schedules',
  pagerduty: 'onCall.pagerDuty.token',
  opsgenie: 'onCall.opsgenie.apiKey',
};

const NAMES: Record<OnCallProviderId, string> = {
  embedded: 'embedded schedules',
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
};

/**
 * Picks the provider for an entity: the one whose annotation it carries; with
 * annotations of several, the configured `onCall.provider` wins, then the order
 * embedded, PagerDuty, Opsgenie.
 */
export class ProviderRegistry {
  constructor(
    private readonly providers: Partial<
      Record<OnCallProviderId, OnCallProvider>
    >,
    private readonly preferred: OnCallProviderId = 'embedded',
  ) {}

  /**
   * @throws NotFoundError when the entity has no on-call annotation; NotImplementedError
   * (501) when its provider is not configured in this portal.
   */
  forEntity(entity: Entity): OnCallProvider {
    const annotations = entity.metadata.annotations ?? {};
    const candidates = (Object.keys(ANNOTATIONS) as OnCallProviderId[]).filter(
      id => ANNOTATIONS[id].some(a => annotations[a]),
    );
    if (candidates.length === 0) {
      throw new NotFoundError(
        `${stringifyEntityRef(
          entity,
        )} has no on-call annotation (${Object.values(ANNOTATIONS)
          .flat()
          .join(', ')})`,
      );
    }
    const ordered = candidates.includes(this.preferred)
      ? [this.preferred, ...candidates.filter(c => c !== this.preferred)]
      : candidates;
    const configured = ordered.find(id => this.providers[id]);
    if (!configured) {
      throw new NotImplementedError(
        `${stringifyEntityRef(entity)} uses ${
          NAMES[ordered[0]]
        }, which this portal has not configured (${CONFIG_HINT[ordered[0]]})`,
      );
    }
    return this.providers[configured]!;
  }
}
