import type { OnCallProviderId } from './annotations';

/**
 * A person on call. `ref` is the catalog user entity ref when the person is known to the
 * catalog (always for the embedded provider).
 *
 * @public
 */
export interface OnCallPerson {
  /** Catalog user entity ref, e.g. `user:default/astrid.nilsson`. */
  ref?: string;
  /** Display name (catalog `spec.profile.displayName`, or the provider's user name). */
  name: string;
  /** E-mail address, when known. */
  email?: string;
  /** Link to the person's page at the provider, when there is one. */
  url?: string;
}

/**
 * One person's on-call shift. Times are ISO 8601 strings with an offset; `end` is
 * missing for a shift without end (e.g. a PagerDuty "always on call" rule).
 *
 * @public
 */
export interface OnCallShift {
  person: OnCallPerson;
  /** When the shift began (ISO 8601). */
  start?: string;
  /** When the shift hands off (ISO 8601). */
  end?: string;
  /** True when the shift comes from an override rather than the rotation. */
  override?: boolean;
}

/**
 * One escalation level: who is on call now and who takes over next.
 *
 * @public
 */
export interface OnCallLevel {
  /** 1 is the first to be paged. */
  level: number;
  /** Name of the rotation or schedule of this level, when it has one. */
  name?: string;
  /** Everyone on call at this level now (may be empty). */
  now: OnCallShift[];
  /** Who is on call after the current shifts end (may be empty). */
  next: OnCallShift[];
}

/**
 * Who is on call for an entity (`GET /entities/:namespace/:kind/:name/on-call`).
 *
 * @public
 */
export interface EntityOnCall {
  provider: OnCallProviderId;
  /** The schedule or escalation policy the levels come from. */
  schedule: { id: string; name: string; url?: string; timeZone?: string };
  /** Escalation levels in order, level 1 first. */
  levels: OnCallLevel[];
}

/** Incident urgency as the API accepts it (PagerDuty's two urgencies). @public */
export type IncidentUrgency = 'high' | 'low';

/** Incident life cycle. @public */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/**
 * An incident (PagerDuty incident, Opsgenie alert, or embedded incident). Times are ISO
 * 8601 strings.
 *
 * @public
 */
export interface Incident {
  /**
   * Id to use in `/incidents/:id/...` routes. Embedded incidents have a UUID; provider
   * incidents are `pagerduty:<id>` or `opsgenie:<id>`.
   */
  id: string;
  provider: OnCallProviderId;
  title: string;
  description?: string;
  status: IncidentStatus;
  urgency: IncidentUrgency;
  /** Link to the incident at the provider (embedded: none). */
  url?: string;
  /** Entity ref of the service the incident belongs to. */
  entityRef?: string;
  createdAt: string;
  /** User entity ref (embedded) or provider user name of who triggered it. */
  triggeredBy?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  /** Whether `/incidents/:id/acknowledge` and `/resolve` work for it. */
  canUpdate: boolean;
}

/**
 * Result of triggering an incident. Providers that accept events asynchronously
 * (PagerDuty Events API, Opsgenie alerts) return `incident` as far as it is known.
 *
 * @public
 */
export interface TriggerIncidentResult {
  incident: Incident;
  /** Provider's message, e.g. PagerDuty's "Event processed". */
  message?: string;
}

/** Body of `POST /entities/:namespace/:kind/:name/incidents`. @public */
export interface TriggerIncidentRequest {
  /** 1..255 characters. */
  title: string;
  /** Up to 10 000 characters. */
  description?: string;
  urgency: IncidentUrgency;
}

/**
 * Most entity refs one `POST /incidents/batch` accepts.
 *
 * @public
 */
export const MAX_INCIDENTS_BATCH_SIZE = 500;

/**
 * One item of {@link IncidentsBatchResponse}: the entity's open incidents, or why there
 * are none to show. `error.name` is a Backstage error name: `NotFoundError` (no such
 * entity, or the caller may not read it; or its schedule or provider service is
 * unknown), `InputError` (incomplete annotations), `ServiceUnavailableError` (the
 * provider is down or rate-limited).
 *
 * @public
 */
export interface IncidentsBatchItem {
  /** The entity ref as asked for, normalised (`component:default/ledger`). */
  entityRef: string;
  /** Open (triggered or acknowledged) incidents, newest first. */
  items?: Incident[];
  error?: { name: string; message: string };
}

/**
 * `POST /incidents/batch` answer: one item per entity ref asked for, in the same order.
 *
 * @public
 */
export interface IncidentsBatchResponse {
  items: IncidentsBatchItem[];
}
