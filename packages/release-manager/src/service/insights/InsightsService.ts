import { Knex } from 'knex';
import { InputError } from '@backstage/errors';
import {
  ArtifactSpec,
  DoraIncident,
  DoraResponse,
  DriftResponse,
  InsightsEventsResponse,
} from '../../http/types';
import { artifactFile, releaseDir } from '../layout';
import { computeDora } from './dora';
import { computeDrift } from './drift';
import { buildFeed } from './feed';
import { ReleaseHistory, ReleaseRecord } from './ReleaseHistory';
import { readRolloutReports } from './rolloutLog';

/** What insights read of the config repo (`ConfigRepo` fits). */
export interface InsightsRepo {
  /** The commit reads are served from. */
  readonly head: string;
  /** A folder git runs in. */
  readonly workdir: string;
  /** A file at a commit; undefined when missing. */
  readFile(rel: string, commit: string): Promise<string | undefined>;
}

/** A validated feed query. */
export interface InsightsEventsQuery {
  services: string[];
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive; default now. */
  until?: number;
  /** At most this many events, newest kept. */
  limit: number;
}

/** A validated drift query. */
export interface DriftQuery {
  services: string[];
  from?: string;
  to?: string;
}

/** A validated DORA query. */
export interface DoraQuery {
  services: string[];
  days: number;
  failureWindowHours: number;
  environment?: string;
  incidents: DoraIncident[];
}

const HOUR_MS = 3_600_000;
/** How far back drift looks for artifacts waiting in the source environment. */
export const DRIFT_HORIZON_DAYS = 180;

/** What runs of a service in an environment (from the index of what runs where); undefined when nothing. */
export type RunningRelease = (
  service: string,
  environment: string,
) => Promise<ReleaseRecord | undefined>;

/**
 * Delivery insights over the config repo's history ({@link ReleaseHistory}, kept in
 * memory and caught up incrementally) and the stored rollout events: the feed of a
 * set of services, environment drift and the four DORA keys. Artifact specs read
 * from release commits are cached by commit (a commit never changes).
 *
 * Services and environments reaching it are valid names; unknown services simply
 * have no history. Errors: `InputError` (400) for an environment that is not
 * configured or a `from` that does not come before `to`.
 */
export class InsightsService {
  readonly history: ReleaseHistory;
  private readonly specs = new Map<string, Promise<ArtifactSpec | undefined>>();

  constructor(
    private readonly repo: InsightsRepo,
    private readonly knex: Knex,
    private readonly environments: () => string[],
    private readonly clock: () => number = Date.now,
    private readonly running?: RunningRelease,
  ) {
    this.history = new ReleaseHistory(repo);
  }

  /** Reads the last `days` days of history into memory (later calls catch up only). */
  warmUp(days = 90): Promise<void> {
    return this.history.sync(this.clock() - days * 24 * HOUR_MS);
  }

  /** `GET /insights/events`: releases and rollout turns of the services, newest first. */
  async events(q: InsightsEventsQuery): Promise<InsightsEventsResponse> {
    await this.history.sync(q.since);
    const until = q.until ?? this.clock();
    const reports = await readRolloutReports(this.knex, {
      services: q.services,
      // A day before `since`, to know whether a rollout was failing at `since`.
      since: new Date(q.since - 24 * HOUR_MS).toISOString(),
      until: new Date(until).toISOString(),
    });
    const all = buildFeed({
      services: q.services,
      environments: this.environments(),
      releases: (s, e) => this.history.releases(s, e),
      reports,
      since: q.since,
      until,
    });
    return {
      since: new Date(q.since).toISOString(),
      until: new Date(until).toISOString(),
      services: q.services,
      events: all.slice(0, q.limit),
      truncated: all.length > q.limit,
    };
  }

  /** `GET /insights/drift`: what runs where, and what waits in `from` for `to`. */
  async drift(q: DriftQuery): Promise<DriftResponse> {
    const envs = this.environments();
    const to = q.to ?? envs[envs.length - 1];
    const toIndex = this.envIndex(to, 'to');
    const from = q.from ?? envs[toIndex - 1];
    if (!from) {
      throw new InputError(
        `to: '${to}' is the first environment; there is nothing to promote from`,
      );
    }
    if (this.envIndex(from, 'from') >= toIndex) {
      throw new InputError(
        `from: '${from}' must come before '${to}' in the promotion order (${envs.join(
          ', ',
        )})`,
      );
    }
    const now = this.clock();
    await this.history.sync(now - DRIFT_HORIZON_DAYS * 24 * HOUR_MS);
    return {
      environments: envs,
      from,
      to,
      services: await computeDrift({
        services: q.services,
        environments: envs,
        from,
        to,
        releases: (s, e) => this.history.releases(s, e),
        running: this.running,
        specOf: r => this.specOf(r),
        now,
      }),
      generatedAt: new Date(now).toISOString(),
    };
  }

  /** `POST /insights/dora`: the four keys of the services in the production environment. */
  async dora(q: DoraQuery): Promise<DoraResponse> {
    const envs = this.environments();
    const environment = q.environment ?? envs[envs.length - 1];
    this.envIndex(environment, 'environment');
    const now = this.clock();
    const since = now - q.days * 24 * HOUR_MS;
    await this.history.sync(since);
    const releases = new Map<string, readonly ReleaseRecord[]>();
    const times = new Map<string, number | undefined>();
    const reads: Promise<void>[] = [];
    for (const s of q.services) {
      const list = this.history.releases(s, environment);
      releases.set(s, list);
      for (const r of list) {
        if (r.at < since || r.intent === 'Rollback') continue;
        reads.push(
          this.specOf(r).then(spec => {
            times.set(`${s}\0${r.artifactId}`, commitTimeOf(spec));
          }),
        );
      }
    }
    const [reports] = await Promise.all([
      readRolloutReports(this.knex, {
        services: q.services,
        since: new Date(since).toISOString(),
        environment,
      }),
      ...reads,
    ]);
    return computeDora({
      services: q.services,
      environment,
      releases,
      failures: reports
        .filter(r => r.phase === 'failed')
        .map(r => ({ service: r.service, artifactId: r.artifactId, at: r.at })),
      incidents: q.incidents,
      commitTime: (s, a) => times.get(`${s}\0${a}`),
      now,
      days: q.days,
      failureWindowHours: q.failureWindowHours,
    });
  }

  private envIndex(env: string, field: string): number {
    const i = this.environments().indexOf(env);
    if (i < 0) {
      throw new InputError(
        `${field}: unknown environment '${env}'; environments are ${this.environments().join(
          ', ',
        )}`,
      );
    }
    return i;
  }

  /** The artifact spec a release commit wrote (cached by commit). */
  private specOf(r: ReleaseRecord): Promise<ArtifactSpec | undefined> {
    let p = this.specs.get(r.commit);
    if (!p) {
      p = this.repo
        .readFile(
          artifactFile(releaseDir(r.environment, r.namespace, r.service)),
          r.commit,
        )
        .then(text => (text ? (JSON.parse(text) as ArtifactSpec) : undefined))
        .catch(() => undefined);
      this.specs.set(r.commit, p);
    }
    return p;
  }
}

/**
 * The application commit time of an artifact, epoch ms: `application.committedAt`
 * (Slipway extension, written by CI), else the CI job's start `ci.start` (a lower
 * bound of the lead time); undefined when neither is a valid time.
 */
export function commitTimeOf(
  spec: ArtifactSpec | undefined,
): number | undefined {
  for (const t of [spec?.application?.committedAt, spec?.ci?.start]) {
    const ms = t ? Date.parse(t) : NaN;
    if (Number.isFinite(ms)) return ms;
  }
  return undefined;
}
