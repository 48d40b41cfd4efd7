import type { Entity } from '@backstage/catalog-model';
import type {
  EntityOnCall,
  Incident,
  OnCallPerson,
  OnCallProviderId,
  TriggerIncidentRequest,
  TriggerIncidentResult,
} from '@slipway/plugin-on-call-common';

/** The signed-in user who triggers an incident. */
export interface IncidentActor {
  /** User entity ref, e.g. `user:default/guest`. */
  userEntityRef: string;
  /** Display name from the catalog, when known. */
  name?: string;
  email?: string;
}

/**
 * A source of on-call information and incidents for catalog entities.
 *
 * Implementations throw errors from `@backstage/errors`: `ServiceUnavailableError` when
 * the provider is down, rate-limited or rejects the portal's credentials (HTTP 503),
 * `NotFoundError` when the entity's schedule or service does not exist (404),
 * `InputError` when the provider rejects the request or the entity's annotations are
 * incomplete (400).
 */
export interface OnCallProvider {
  readonly id: OnCallProviderId;
  /** Who is on call now and next, every escalation level. */
  getOnCall(entity: Entity): Promise<EntityOnCall>;
  /** Open incidents (triggered or acknowledged), newest first. */
  listIncidents(entity: Entity): Promise<Incident[]>;
  /** Triggers an incident for the entity on behalf of `actor`. */
  triggerIncident(
    entity: Entity,
    request: TriggerIncidentRequest,
    actor: IncidentActor,
  ): Promise<TriggerIncidentResult>;
}

/**
 * Looks up people by user entity ref (for names and e-mails on the card). Refs the
 * catalog does not know come back with the ref as name.
 */
export interface PeopleResolver {
  resolve(refs: string[]): Promise<Map<string, OnCallPerson>>;
}
