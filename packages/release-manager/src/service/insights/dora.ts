import { DoraIncident, DoraResponse, DoraWeek } from '../../http/types';
import {
  changeFailureRateBand,
  deploymentFrequencyBand,
  DORA_BANDS_SOURCE,
  leadTimeBand,
  timeToRestoreBand,
} from './bands';
import { ReleaseRecord } from './ReleaseHistory';
import { median, percentile, round2 } from './stats';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A failed rollout in the production environment (from the stored rollout events). */
export interface RolloutFailure {
  service: string;
  /** The artifact the report is about; undefined for Flux events (then the release live at `at`). */
  artifactId?: string;
  /** Epoch milliseconds. */
  at: number;
}

/** Inputs of {@link computeDora}. */
export interface DoraInput {
  services: string[];
  environment: string;
  /** Prod releases per service, oldest first (the whole history is fine; the period is cut here). */
  releases: Map<string, readonly ReleaseRecord[]>;
  /** Failed rollouts in the environment (any time; those before the period are ignored). */
  failures: RolloutFailure[];
  incidents: DoraIncident[];
  /** Application commit time (epoch ms) of an artifact id; undefined when unknown. */
  commitTime: (service: string, artifactId: string) => number | undefined;
  /** End of the period, epoch ms. */
  now: number;
  days: number;
  failureWindowHours: number;
}

/** A prod release in the period with what happened after it. */
interface Deployment {
  r: ReleaseRecord;
  /** The next prod release of the service (any time), if any. */
  next?: ReleaseRecord;
  rollback: boolean;
  failedRollout: boolean;
  incident: boolean;
  /** Start of the outage, epoch ms, when failed. */
  failedAt?: number;
}

const COMPUTATION = {
  deploymentFrequency:
    'Prod releases (config-repo release commits in the production environment, every intent including promotions and rollbacks) in the period, divided by the days of the period.',
  leadTime:
    "For each prod release except rollbacks: the release commit's time minus the artifact's application commit time (artifact.json application.committedAt, else the CI job's start ci.start). Median and 90th percentile (nearest rank).",
  changeFailureRate:
    'Prod releases followed, within the failure window and before the next prod release, by a rollback (the next prod release is a Rollback), a failed rollout (a pod or job error, or a Flux error, reported for the release), or a high-urgency incident opened for the service; divided by all prod releases of the period.',
  timeToRestore:
    'For each failure (a failed prod release: from its release time when rolled back, else from the first failure report or incident; and each high-urgency incident not caused by a release): hours to the next prod release whose rollout did not fail (for incidents, or to its resolution when sooner). Median and 90th percentile; failures not yet restored are counted apart.',
};

/**
 * The four DORA keys over a set of services (see {@link COMPUTATION} for how each is
 * computed, and `./bands.ts` for the bands and their source), with weekly buckets
 * (Monday 00:00 UTC; the first bucket starts at the start of the period). Pure: every
 * input is given.
 */
export function computeDora(input: DoraInput): DoraResponse {
  const { now, days } = input;
  const from = now - days * DAY_MS;
  const windowMs = input.failureWindowHours * HOUR_MS;

  const deployments: Deployment[] = [];
  const failuresByService = group(input.failures, f => f.service);
  const incidents = input.incidents
    .map(i => ({ ...i, openedMs: Date.parse(i.openedAt) }))
    .filter(i => Number.isFinite(i.openedMs));
  const highIncidents = group(
    incidents.filter(i => i.urgency === 'high'),
    i => i.service,
  );
  const attributedIncidents = new Set<object>();

  for (const service of input.services) {
    const list = input.releases.get(service) ?? [];
    const fails = failuresByService.get(service) ?? [];
    const incs = highIncidents.get(service) ?? [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r.at < from || r.at > now) continue;
      const next = list[i + 1];
      const end = next ? next.at : Infinity;
      const windowEnd = Math.min(r.at + windowMs, end);
      // Failure reports for this release: between it and the next release, about its artifact.
      const mine = fails.filter(
        f =>
          f.at >= r.at &&
          f.at < end &&
          (f.artifactId === undefined || f.artifactId === r.artifactId),
      );
      const incidentHits = incs.filter(
        x => x.openedMs >= r.at && x.openedMs < windowEnd,
      );
      incidentHits.forEach(x => attributedIncidents.add(x));
      const d: Deployment = {
        r,
        next,
        rollback: Boolean(
          next && next.intent === 'Rollback' && next.at - r.at <= windowMs,
        ),
        failedRollout: mine.some(f => f.at <= windowEnd),
        incident: incidentHits.length > 0,
      };
      if (d.rollback || d.failedRollout || d.incident) {
        const starts: number[] = [];
        if (d.rollback) starts.push(r.at);
        if (d.failedRollout) starts.push(Math.min(...mine.map(f => f.at)));
        if (d.incident)
          starts.push(Math.min(...incidentHits.map(x => x.openedMs)));
        d.failedAt = Math.min(...starts);
      }
      deployments.push(d);
    }
  }

  // Healthy = a release whose rollout was never reported failed.
  const unhealthyCommits = new Set<string>();
  for (const service of input.services) {
    const list = input.releases.get(service) ?? [];
    const fails = failuresByService.get(service) ?? [];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      const end = list[i + 1]?.at ?? Infinity;
      if (
        fails.some(
          f =>
            f.at >= r.at &&
            f.at < end &&
            (f.artifactId === undefined || f.artifactId === r.artifactId),
        )
      )
        unhealthyCommits.add(r.commit);
    }
  }
  const nextHealthy = (service: string, after: number, notBefore: number) => {
    const list = input.releases.get(service) ?? [];
    return list.find(
      x => x.at > notBefore && x.at >= after && !unhealthyCommits.has(x.commit),
    );
  };

  // Outages: failed releases, and high-urgency incidents no release explains.
  const restores: Array<{ start: number; hours: number | null }> = [];
  for (const d of deployments) {
    if (d.failedAt === undefined) continue;
    const healthy = nextHealthy(d.r.service, d.failedAt, d.r.at);
    restores.push({
      start: d.failedAt,
      hours: healthy ? Math.max(0, healthy.at - d.failedAt) / HOUR_MS : null,
    });
  }
  for (const list of highIncidents.values()) {
    for (const x of list) {
      if (attributedIncidents.has(x)) continue;
      if (x.openedMs < from || x.openedMs > now) continue;
      const healthy = nextHealthy(x.service, x.openedMs, -Infinity);
      const resolved = x.resolvedAt ? Date.parse(x.resolvedAt) : NaN;
      const ends = [
        healthy?.at,
        Number.isFinite(resolved) ? resolved : undefined,
      ]
        .filter((v): v is number => v !== undefined)
        .filter(v => v >= x.openedMs);
      restores.push({
        start: x.openedMs,
        hours: ends.length ? (Math.min(...ends) - x.openedMs) / HOUR_MS : null,
      });
    }
  }

  const leadHours = (ds: Deployment[]) =>
    ds
      .filter(d => d.r.intent !== 'Rollback')
      .map(d => {
        const t = input.commitTime(d.r.service, d.r.artifactId);
        return t === undefined ? undefined : Math.max(0, d.r.at - t) / HOUR_MS;
      })
      .filter((v): v is number => v !== undefined);
  const isFailed = (d: Deployment) => d.failedAt !== undefined;

  const lead = leadHours(deployments);
  const failed = deployments.filter(isFailed);
  const restored = restores
    .map(x => x.hours)
    .filter((h): h is number => h !== null);
  const perDay = deployments.length / days;
  const rate = deployments.length ? failed.length / deployments.length : null;
  const leadMedian = round2(median(lead));
  const ttrMedian = round2(median(restored));

  const weeks: DoraWeek[] = weekStarts(from, now).map((start, i, all) => {
    const end = all[i + 1] ?? now + 1;
    const inWeek = deployments.filter(d => d.r.at >= start && d.r.at < end);
    const failedInWeek = inWeek.filter(isFailed).length;
    const ttr = restores
      .filter(x => x.start >= start && x.start < end && x.hours !== null)
      .map(x => x.hours!);
    return {
      start: new Date(start).toISOString(),
      deployments: inWeek.length,
      failed: failedInWeek,
      changeFailureRate: inWeek.length
        ? round2(failedInWeek / inWeek.length)
        : null,
      leadTimeMedianHours: round2(median(leadHours(inWeek))),
      timeToRestoreMedianHours: round2(median(ttr)),
    };
  });

  return {
    services: input.services,
    environment: input.environment,
    days,
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    deploymentFrequency: {
      deployments: deployments.length,
      perDay: round2(perDay)!,
      band: deployments.length ? deploymentFrequencyBand(perDay) : 'low',
      computation: COMPUTATION.deploymentFrequency,
    },
    leadTime: {
      medianHours: leadMedian,
      p90Hours: round2(percentile(lead, 90)),
      samples: lead.length,
      band: leadTimeBand(leadMedian),
      computation: COMPUTATION.leadTime,
    },
    changeFailureRate: {
      rate: rate === null ? null : round2(rate),
      failed: failed.length,
      deployments: deployments.length,
      byCause: {
        rollback: deployments.filter(d => d.rollback).length,
        failedRollout: deployments.filter(d => d.failedRollout).length,
        incident: deployments.filter(d => d.incident).length,
      },
      failureWindowHours: input.failureWindowHours,
      band: changeFailureRateBand(rate),
      computation: COMPUTATION.changeFailureRate,
    },
    timeToRestore: {
      medianHours: ttrMedian,
      p90Hours: round2(percentile(restored, 90)),
      samples: restored.length,
      unrestored: restores.length - restored.length,
      band: timeToRestoreBand(ttrMedian),
      computation: COMPUTATION.timeToRestore,
    },
    weeks,
    bandsSource: DORA_BANDS_SOURCE,
  };
}

/** `from`, then every Monday 00:00 UTC after it up to `now` (epoch ms). */
export function weekStarts(from: number, now: number): number[] {
  const out = [from];
  const d = new Date(from);
  const daysToMonday = (8 - d.getUTCDay()) % 7 || 7;
  let t = Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate() + daysToMonday,
  );
  while (t < now) {
    out.push(t);
    t += 7 * DAY_MS;
  }
  return out;
}

function group<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(x);
  }
  return m;
}
