import type { IntentType, ReleaseRequest, ReleaseResponse } from './types';

/**
 * Request and response bodies of the release manager's safe-delivery routes (Slipway
 * extensions; Lunar's clients never send or see them): signals from the portal,
 * freeze windows, promotion gates, break glass and gate overrides. Re-exported by
 * `./types`.
 */

/**
 * A traffic light of a service's health, as the portal's service-health plugin shows
 * it: `grey` when it could not be judged.
 * @public
 */
export type SignalLight = 'green' | 'amber' | 'red' | 'grey';

/** The health light of a service (or of one environment of it), with why. @public */
export interface HealthSignal {
  light: SignalLight;
  /** One line saying why, e.g. `error ratio 8.2 % > 5 %`. */
  reason?: string;
  /** Link to the dashboard behind the light. */
  url?: string;
}

/** Urgency of an incident (PagerDuty's two urgencies). @public */
export type SignalIncidentUrgency = 'high' | 'low';

/** An open (triggered or acknowledged) incident on a service. @public */
export interface IncidentSignal {
  /** The on-call provider's id, e.g. `pagerduty:Q1W2E3` or a UUID. */
  id: string;
  title: string;
  urgency: SignalIncidentUrgency;
  /** Link to the incident at the provider. */
  url?: string;
  /** RFC 3339 time it was triggered. */
  createdAt?: string;
}

/**
 * `PUT /webhook/signals/{service}` body: what the portal observed about a service's
 * health and incidents. Replaces what the release manager knew before. The promotion
 * gates (health, incidents) and the incident freeze read it; it is stale (and those
 * gates fail closed) once `observedAt` is older than the server's
 * `signals.staleAfterSeconds` (default 300).
 * @public
 */
export interface ServiceSignalsRequest {
  /** The service's overall health light (the worst of its signals). */
  health: HealthSignal;
  /** Optional lights per environment name, when the observer knows them. */
  environments?: Record<string, HealthSignal>;
  /** Open incidents on the service (empty: none). */
  incidents: IncidentSignal[];
  /** RFC 3339 time the signals were observed. */
  observedAt: string;
  /** Who observed them, e.g. `backstage`. */
  source?: string;
}

/** `PUT /webhook/signals/{service}` response and `GET /signals/{service}`: the stored signals. @public */
export interface ServiceSignals extends ServiceSignalsRequest {
  service: string;
  /** RFC 3339 time the release manager received them. */
  receivedAt: string;
}

/**
 * When a freeze window applies: either one-off (`from` and `to`) or recurring (`rrule`,
 * `timeZone` and `durationMinutes`), never both.
 * @public
 */
export interface FreezeWindowSpec {
  /** The environment it freezes, e.g. `prod`. */
  environment: string;
  /** Why, shown in refusals: `prod is frozen until <time> (<reason>)`. */
  reason: string;
  /** One-off: RFC 3339 start (inclusive). */
  from?: string;
  /** One-off: RFC 3339 end (exclusive). */
  to?: string;
  /**
   * Recurring: an RFC 5545 recurrence rule whose occurrences start a freeze, e.g.
   * `FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0` (Fridays 16:00). Local times are in
   * `timeZone`. A `DTSTART` may be given (`DTSTART:20260101T000000` then a new line or
   * `;`-free `RRULE:` line); without one, occurrences are counted from 2000-01-01 local.
   */
  rrule?: string;
  /** Recurring: IANA time zone of the rule's local times, e.g. `Europe/Copenhagen`. */
  timeZone?: string;
  /** Recurring: how long each occurrence lasts, in minutes (1 to 44640). */
  durationMinutes?: number;
}

/** A freeze window: global (server config) or a service's (config repo). @public */
export interface FreezeWindow extends FreezeWindowSpec {
  /** `freeze-<8 hex>` for a service's windows; the configured id (or `global-freeze-<n>`) for global ones. */
  id: string;
  /** The service it freezes; absent for global windows, which freeze every service. */
  service?: string;
  /** True for windows from the server config, which no API call can remove. */
  global?: boolean;
  /** Who added it (service windows). */
  createdByName?: string;
  createdByEmail?: string;
  /** RFC 3339 time it was added (service windows). */
  createdAt?: string;
}

/** A freeze window with when it applies, as listed (`GET /freezes`). @public */
export interface FreezeWindowState extends FreezeWindow {
  /** True when it freezes its environment now. */
  active: boolean;
  /** RFC 3339: when the current or next occurrence starts; absent when none comes. */
  start?: string;
  /** RFC 3339: when the current or next occurrence ends. */
  end?: string;
}

/** `GET /freezes?service=&environment=` response: global and the service's windows. @public */
export interface ListFreezeWindowsResponse {
  service: string;
  freezeWindows: FreezeWindowState[];
  /** The incident freeze policy of the service, when it has one. */
  incidentFreeze?: IncidentFreezePolicy;
}

/** `POST /freezes` body: adds a freeze window to a service (a commit in the config repo). @public */
export interface AddFreezeWindowRequest extends FreezeWindowSpec {
  service: string;
  committerName: string;
  committerEmail: string;
}

/** `DELETE /freezes` body. @public */
export interface DeleteFreezeWindowRequest {
  service: string;
  /** The window's id (`freeze-…`); global windows cannot be removed. */
  id: string;
  committerName: string;
  committerEmail: string;
}

/** `DELETE /freezes` response. @public */
export interface DeleteFreezeWindowResponse {
  service: string;
  id: string;
}

/**
 * The incident freeze policy of a service: while a high-urgency incident is open on
 * it, `environment` is frozen; the freeze lifts when the incident is resolved.
 * @public
 */
export interface IncidentFreezePolicy {
  /** The environment it freezes; default `prod`. */
  environment: string;
  enabled: boolean;
}

/** `PUT /freezes/incident-policy` body. @public */
export interface SetIncidentFreezePolicyRequest {
  service: string;
  /** Default `prod`. */
  environment?: string;
  enabled: boolean;
  committerName: string;
  committerEmail: string;
}

/** `PUT /freezes/incident-policy` response. @public */
export interface SetIncidentFreezePolicyResponse {
  service: string;
  incidentFreeze: IncidentFreezePolicy;
}

/**
 * Why a release is frozen: the window (or the incident freeze) that refuses it, and
 * until when.
 * @public
 */
export interface FreezeVerdict {
  /** `window` (a freeze window) or `incident` (the incident freeze policy). */
  kind: 'window' | 'incident';
  environment: string;
  /** The refusing window (kind `window`). */
  window?: FreezeWindow;
  /** The open high-urgency incident (kind `incident`). */
  incident?: IncidentSignal;
  /** RFC 3339 end of the freeze; absent for incident freezes (until resolved). */
  until?: string;
  reason: string;
  /** The refusal's text, e.g. `prod is frozen until 2026-12-24T18:00:00.000+01:00 (Christmas)`. */
  message: string;
}

/** The promotion gates. @public */
export type GateId = 'rollout-ready' | 'health' | 'incidents' | 'soak';

/** A gate's outcome: `skipped` when it does not apply (turned off, first environment, a rollback). @public */
export type GateOutcome = 'passed' | 'failed' | 'skipped';

/** One promotion gate's result for a prospective release. @public */
export interface GateResult {
  id: GateId;
  /** Its name in words, e.g. `Source rollout ready`. */
  name: string;
  outcome: GateOutcome;
  /** Why, e.g. `staging runs main-1a2b3c4d5e-… 3/3 ready` or `no health signal for 6 min`. */
  message: string;
}

/** Which gates apply to releases into one environment (server config `promotionGates.<env>`). @public */
export interface PromotionGatesSettings {
  /** The source environment's rollout of the artifact is ready. */
  rolloutReady: boolean;
  /** The service's health light is not red. */
  health: boolean;
  /** No high-urgency incident is open on the service. */
  incidents: boolean;
  /** Minutes the artifact must have run in the previous environment; 0 turns the gate off. */
  soakMinutes: number;
}

/**
 * `GET /gates?service=&environment=&intent=&artifactId=` response: every gate's result
 * and the freeze state for a prospective release, without releasing.
 * @public
 */
export interface GatesResponse {
  service: string;
  environment: string;
  intent: IntentType;
  /** The artifact that would go out (absent when it cannot be resolved, see `message`). */
  artifactId?: string;
  /** The environment it would come from (the previous one). */
  fromEnvironment?: string;
  /** The gate settings of the environment. */
  settings: PromotionGatesSettings;
  gates: GateResult[];
  /** The freeze that would refuse the release; absent when not frozen (or a rollback). */
  freeze?: FreezeVerdict;
  /** True when the release would go through without a gate override or break glass. */
  allowed: boolean;
  /** Why it cannot be evaluated fully, e.g. nothing runs in the source environment. */
  message?: string;
}

/**
 * An owner's override of a refusal, with a typed reason (1 to 500 characters),
 * recorded in the commit trailers and the events feed.
 * @public
 */
export interface OverrideReason {
  reason: string;
}

/**
 * `POST /releases` body (Slipway extension beside Lunar's `POST /release`): a release
 * with any intent that may break glass (ignore freezes) and override failing gates.
 * Only owners should be let to: the portal checks that before it calls.
 * @public
 */
export interface SafeReleaseRequest extends ReleaseRequest {
  /** Release although the environment is frozen. */
  breakGlass?: OverrideReason;
  /** Release although promotion gates fail (all of them). */
  overrideGates?: OverrideReason;
}

/** `POST /releases` response: Lunar's answer plus what was overridden. @public */
export interface SafeReleaseResponse extends ReleaseResponse {
  /** The freeze the release broke, when it broke glass. */
  brokeFreeze?: FreezeVerdict;
  /** The failing gates it overrode. */
  overriddenGates?: GateResult[];
}
