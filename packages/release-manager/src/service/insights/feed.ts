import { InsightsEvent, InsightsEventKind } from '../../http/types';
import {
  EVENT_TYPE_BY_INTENT,
  releaseEventMessage,
} from '../releases/messages';
import { firstAtOrAfter, ReleaseRecord } from './ReleaseHistory';
import { RolloutReport } from './rolloutLog';

/** Inputs of {@link buildFeed}. */
export interface FeedInput {
  services: string[];
  environments: string[];
  /** Releases of a service in an environment, oldest first. */
  releases: (service: string, environment: string) => readonly ReleaseRecord[];
  /** Rollout reports of the services, oldest first (from a little before `since`, to know the state at `since`). */
  reports: RolloutReport[];
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
}

/**
 * The feed of a set of services in `[since, until)`, newest first: every release
 * commit (release, promotion, rollback, auto-release), and rollouts that turned
 * failed (the first failure report after a non-failed state) or recovered (the
 * first full rollout after a failure), per service and environment.
 */
export function buildFeed(input: FeedInput): InsightsEvent[] {
  const out: InsightsEvent[] = [];
  /** History positions of release events: the order of releases in the same second. */
  const seq = new Map<InsightsEvent, number>();
  for (const service of input.services) {
    for (const environment of input.environments) {
      const list = input.releases(service, environment);
      for (
        let i = firstAtOrAfter(list, input.since);
        i < list.length && list[i].at < input.until;
        i++
      ) {
        const e = releaseEvent(list[i]);
        seq.set(e, list[i].seq ?? 0);
        out.push(e);
      }
    }
  }
  const phase = new Map<string, RolloutReport['phase'] | undefined>();
  for (const r of input.reports) {
    const key = `${r.service}\0${r.environment}`;
    const before = phase.get(key);
    let kind: InsightsEventKind | undefined;
    if (r.phase === 'failed' && before !== 'failed') kind = 'rollout-failed';
    else if (r.phase === 'succeeded' && before === 'failed')
      kind = 'rollout-recovered';
    if (r.phase !== 'progressing') phase.set(key, r.phase);
    if (!kind || r.at < input.since || r.at >= input.until) continue;
    out.push({
      kind,
      service: r.service,
      environment: r.environment,
      artifactId: r.artifactId,
      message:
        kind === 'rollout-failed'
          ? `${r.service} ${r.artifactId ?? ''} rollout failed in ${
              r.environment
            }${r.reason ? `: ${r.reason}` : ''}`.replace(/ {2}/g, ' ')
          : `${r.service} ${r.artifactId ?? ''} rollout recovered in ${
              r.environment
            }`.replace(/ {2}/g, ' '),
      at: new Date(r.at).toISOString(),
    });
  }
  return out.sort(
    (a, b) => b.at.localeCompare(a.at) || (seq.get(b) ?? 0) - (seq.get(a) ?? 0),
  );
}

/** A release commit as a feed line. */
export function releaseEvent(r: ReleaseRecord): InsightsEvent {
  const e: InsightsEvent = {
    kind: EVENT_TYPE_BY_INTENT[r.intent] ?? 'release',
    service: r.service,
    environment: r.environment,
    artifactId: r.artifactId,
    commit: r.commit,
    actorName: r.releasedByName,
    message: releaseEventMessage(r.intent, r.service, r.environment, r, {
      name: r.releasedByName ?? 'unknown',
      email: r.releasedByEmail ?? '',
    }),
    at: new Date(r.at).toISOString(),
  };
  if (r.fromEnvironment) e.fromEnvironment = r.fromEnvironment;
  if (r.previousArtifactId) e.previousArtifactId = r.previousArtifactId;
  return e;
}
