/**
 * Delivery insights (Slipway extension): the "since yesterday" feed, environment drift
 * and the four DORA keys, computed by the release manager from the config repo's
 * history and its stored rollout events. Times are RFC 3339 unless a field says
 * otherwise; durations are in hours.
 */

/* ------------------------------------------------------------------ */
/* Feed: GET /insights/events                                          */
/* ------------------------------------------------------------------ */

/**
 * Kind of an insights event: a release commit by its intent, a rollout that failed
 * or recovered (from the rollout events), or an incident opened or resolved (added
 * by the portal from the on-call plugin).
 * @public
 */
export type InsightsEventKind =
  | 'release'
  | 'promote'
  | 'rollback'
  | 'auto-release'
  | 'rollout-failed'
  | 'rollout-recovered'
  | 'incident-opened'
  | 'incident-resolved';

/** One line of the insights feed. @public */
export interface InsightsEvent {
  kind: InsightsEventKind;
  service: string;
  environment?: string;
  artifactId?: string;
  /** The release commit in the config repo (releases, promotions, rollbacks). */
  commit?: string;
  /** Promotions: the environment promoted from. */
  fromEnvironment?: string;
  /** Rollbacks: the artifact rolled back from. */
  previousArtifactId?: string;
  actorName?: string;
  /** One line, e.g. `payment-gateway main-1a2b3c4d5e-... promoted from staging to prod by Jane`. */
  message: string;
  /** RFC 3339. */
  at: string;
  /** Incidents: the incident's id in the on-call plugin. */
  incidentId?: string;
  /** Incidents: link to the incident. */
  url?: string;
}

/**
 * `GET /insights/events?service=a,b&since=&until=&limit=` response: the events of
 * the services in `[since, until)`, newest first.
 * @public
 */
export interface InsightsEventsResponse {
  since: string;
  until: string;
  services: string[];
  events: InsightsEvent[];
  /** True when more events than `limit` happened (the oldest were left out). */
  truncated: boolean;
}

/* ------------------------------------------------------------------ */
/* Drift: GET /insights/drift                                          */
/* ------------------------------------------------------------------ */

/** What runs of a service in one environment. @public */
export interface DriftCell {
  artifactId: string;
  /** Application commit sha of the artifact. */
  sha?: string;
  branch?: string;
  /** RFC 3339 release time. */
  releasedAt: string;
  releasedByName?: string;
  /** The release commit in the config repo. */
  commit: string;
}

/** An artifact released to the source environment and not (yet) to the target. @public */
export interface DriftChange {
  artifactId: string;
  sha?: string;
  /** First line of the application commit message. */
  message?: string;
  authorName?: string;
  /** RFC 3339: when it reached the source environment. */
  releasedAt: string;
}

/** Drift of one service. @public */
export interface DriftService {
  service: string;
  /** Environment name → what runs there (null: nothing). */
  environments: Record<string, DriftCell | null>;
  /**
   * Artifacts released to the source environment (e.g. staging) since the artifact
   * that runs in the target (e.g. prod), newest first; empty when both run the same.
   */
  pending: DriftChange[];
  /** RFC 3339: when the oldest pending artifact reached the source environment. */
  waitingSince?: string;
  /** Hours since `waitingSince` (at the time of the answer). */
  waitingHours?: number;
}

/**
 * `GET /insights/drift?service=a,b&from=staging&to=prod` response. `services` is
 * sorted by `waitingHours`, longest wait first (services with nothing waiting last,
 * by name).
 * @public
 */
export interface DriftResponse {
  /** Configured environments, in promotion order. */
  environments: string[];
  /** The source environment (default: the one before `to`). */
  from: string;
  /** The target environment (default: the last). */
  to: string;
  services: DriftService[];
  /** RFC 3339 time of the answer. */
  generatedAt: string;
}

/* ------------------------------------------------------------------ */
/* DORA: POST /insights/dora                                           */
/* ------------------------------------------------------------------ */

/**
 * DORA performance band (Accelerate State of DevOps Report 2023). `null` where there
 * is no data to rate.
 * @public
 */
export type DoraBand = 'elite' | 'high' | 'medium' | 'low';

/**
 * An incident the portal knows about (from the on-call plugin), passed in so that the
 * release manager can count it toward the change failure rate and time to restore.
 * @public
 */
export interface DoraIncident {
  /** The release-manager service the incident is about. */
  service: string;
  /** RFC 3339 time the incident was opened. */
  openedAt: string;
  /** RFC 3339 time it was resolved, when it was. */
  resolvedAt?: string;
  /** Only `high` incidents count toward the change failure rate. */
  urgency: 'high' | 'low';
  id?: string;
}

/**
 * `POST /insights/dora` request body.
 * @public
 */
export interface DoraRequest {
  /** Release-manager services, 1–500. */
  services: string[];
  /** Period in days ending now: 30 or 90 (any 1–366 is accepted). Default 30. */
  days?: number;
  /** Window after a prod release in which a rollback, failed rollout or high-urgency incident makes it failed, in hours (1–720). Default 24. */
  failureWindowHours?: number;
  /** The production environment; default the last configured one. */
  environment?: string;
  /** Incidents of these services (optional). */
  incidents?: DoraIncident[];
}

/** Deployment frequency. @public */
export interface DoraDeploymentFrequency {
  /** Prod releases (every intent, rollbacks included) in the period. */
  deployments: number;
  /** Deployments per day. */
  perDay: number;
  band: DoraBand | null;
  /** How it was computed, in words. */
  computation: string;
}

/** Lead time for changes. @public */
export interface DoraLeadTime {
  /** Median hours from the artifact's application commit to its prod release; null without samples. */
  medianHours: number | null;
  /** 90th percentile, hours. */
  p90Hours: number | null;
  /** Prod releases with a known application commit time (rollbacks excluded). */
  samples: number;
  band: DoraBand | null;
  computation: string;
}

/** Change failure rate. @public */
export interface DoraChangeFailureRate {
  /** failed / deployments, 0–1; null without deployments. */
  rate: number | null;
  failed: number;
  deployments: number;
  /** Failed releases per cause (a release with two causes counts in both). */
  byCause: { rollback: number; failedRollout: number; incident: number };
  failureWindowHours: number;
  band: DoraBand | null;
  computation: string;
}

/** Time to restore service. @public */
export interface DoraTimeToRestore {
  /** Median hours from a failure to the next healthy prod release; null without restored failures. */
  medianHours: number | null;
  p90Hours: number | null;
  /** Restored failures. */
  samples: number;
  /** Failures with no healthy release after them yet. */
  unrestored: number;
  band: DoraBand | null;
  computation: string;
}

/** One week of the trend (weeks start on Monday 00:00 UTC). @public */
export interface DoraWeek {
  /** RFC 3339 start of the week (or of the period, for the first). */
  start: string;
  deployments: number;
  failed: number;
  /** null without deployments. */
  changeFailureRate: number | null;
  leadTimeMedianHours: number | null;
  timeToRestoreMedianHours: number | null;
}

/** `POST /insights/dora` response: the four keys over the set of services. @public */
export interface DoraResponse {
  services: string[];
  environment: string;
  days: number;
  /** RFC 3339 start of the period. */
  from: string;
  /** RFC 3339 end of the period (now). */
  to: string;
  deploymentFrequency: DoraDeploymentFrequency;
  leadTime: DoraLeadTime;
  changeFailureRate: DoraChangeFailureRate;
  timeToRestore: DoraTimeToRestore;
  weeks: DoraWeek[];
  /** Where the bands come from. */
  bandsSource: string;
}

/* ------------------------------------------------------------------ */
/* The portal's routes (release-manager backend plugin)                */
/* ------------------------------------------------------------------ */

/** A catalog entity whose release-manager service is part of an insights answer. @public */
export interface InsightsScopeEntity {
  entityRef: string;
  /** Its release-manager service (`slipway.dev/release-manager-service`). */
  service: string;
  title?: string;
  /** `owned`: owned by the group (or part of the system); `dependency`: one of theirs depends on it. */
  relation: 'owned' | 'dependency';
}

/**
 * What a portal insights answer covers: the entities asked for (a Group, System,
 * User or Component), the annotated components they stand for that the caller may
 * read, and warnings (e.g. incidents that could not be read).
 * @public
 */
export interface InsightsScope {
  entityRefs: string[];
  entities: InsightsScopeEntity[];
  warnings: string[];
}

/** `GET /api/release-manager/insights/events?entityRef=&range=&zone=&dependencies=`: the feed plus incidents. @public */
export interface PortalInsightsEventsResponse
  extends InsightsEventsResponse,
    InsightsScope {}

/** `GET /api/release-manager/insights/drift?entityRef=&dependencies=`. @public */
export interface PortalDriftResponse extends DriftResponse, InsightsScope {}

/** `GET /api/release-manager/insights/dora?entityRef=&days=&failureWindowHours=&dependencies=`. @public */
export interface PortalDoraResponse extends DoraResponse, InsightsScope {
  /** Incidents passed to the release manager (open ones, from the on-call plugin). */
  incidentsCounted: number;
}
