import { EnvironmentStatus } from '../../http/types';
import { Directory } from '../Directory';
import { EventFeed } from '../EventFeed';
import { ReleaseService } from '../releases/ReleaseService';
import { ReleaseRequest } from '../releases/types';
import { StatusService } from '../StatusService';
import { AutoReleasePauses } from './AutoReleasePauses';
import { AutoRollbackPolicies } from './AutoRollbackPolicies';
import { AutoRollbackStore } from './AutoRollbackStore';
import {
  AUTO_ROLLBACK_ACTOR,
  AUTO_ROLLBACK_TRAILERS,
  AutoRollbackPolicy,
  HealthChange,
  HealthLight,
  ReleaseFailure,
} from './types';

/** What {@link AutoRollbackService} works with. */
export interface AutoRollbackDeps {
  policies: AutoRollbackPolicies;
  store: AutoRollbackStore;
  pauses: AutoReleasePauses;
  releases: ReleaseService;
  status: StatusService;
  directory: Directory;
  events: EventFeed;
  /** The clock, epoch milliseconds (tests). */
  now?: () => number;
  logger?: { info(msg: string): void; error(msg: string): void };
}

/** A rollout failure as the rollout service reports it (the artifact is absent for Flux errors). */
export interface RolloutFailure {
  service: string;
  environment: string;
  artifactId?: string;
  /** One line, e.g. `pod x container y CrashLoopBackOff`. */
  reason: string;
}

/**
 * Automatic rollback: when a release fails in an environment whose automatic rollback
 * policy asks for it, the release manager rolls back to the previous release (a
 * Rollback commit by "Slipway auto-rollback" with the reason and the failed release
 * in trailers), tells the feed (`auto-rollback`, which the portal turns into a
 * notification to the owners) and pauses auto-release into the environment.
 *
 * Triggers (each one is chosen by the policy):
 * - the rollout fails ({@link rolloutFailed}, from the daemon's pod and job errors and
 *   Flux errors, and re-checked by {@link sweep});
 * - the release is not ready (all replicas available) within N minutes
 *   ({@link sweep}, a periodic pass over the environments with such a policy; the
 *   release time comes from the config repo, so it holds across restarts);
 * - the service's health light turns red within N minutes after the release
 *   ({@link healthChanged}, subscribed to the signals webhook).
 *
 * Exactly once: each rollback first claims a database row unique per (service,
 * environment, failed artifact); repeated, concurrent or post-restart reports of the
 * same failure find the row and do nothing. Only the release that runs in the
 * environment now is rolled back, and never a rollback (a failing rollback is left to
 * people, so two bad releases cannot make the manager walk back through history).
 * Errors are recorded in the feed and the row, never thrown to the reporter.
 */
export class AutoRollbackService {
  private readonly now: () => number;

  constructor(private readonly deps: AutoRollbackDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Where to log rollbacks and errors (the server's logger). */
  useLogger(logger: NonNullable<AutoRollbackDeps['logger']>): void {
    this.deps.logger = logger;
  }

  /** The service's automatic rollbacks (in one environment), newest first. */
  list(service: string, environment?: string) {
    return this.deps.store.list(service, environment);
  }

  /** A rollout of `service` in `environment` failed (daemon pod/job error, Flux error). */
  async rolloutFailed(f: RolloutFailure): Promise<void> {
    await this.guard(async () => {
      const policy = await this.deps.policies.get(f.service, f.environment);
      if (!policy?.onRolloutFailure) return;
      const env = await this.current(f.service, f.environment);
      if (!env?.tag || !rollbackable(env)) return;
      if (f.artifactId && f.artifactId !== env.tag) return;
      await this.rollBack({
        service: f.service,
        environment: f.environment,
        artifactId: env.tag,
        trigger: 'rollout-failed',
        reason: `the rollout of ${env.tag} failed: ${f.reason}`,
      });
    });
  }

  /**
   * The health lights of a service changed: rolls back, in each environment whose
   * policy has `healthRedWithinMinutes`, a release made less than that long ago when
   * the environment's light (else the service's light) turned red.
   */
  async healthChanged(change: HealthChange): Promise<void> {
    await this.guard(async () => {
      const policies = await this.deps.policies.list(change.service);
      for (const policy of policies) {
        const minutes = policy.healthRedWithinMinutes;
        if (!minutes) continue;
        const now = lightOf(change.current, policy.environment);
        const before = change.previous
          ? lightOf(change.previous, policy.environment)
          : undefined;
        if (now?.light !== 'red' || before?.light === 'red') continue;
        const env = await this.current(change.service, policy.environment);
        if (!env?.tag || !env.releasedAt || !rollbackable(env)) continue;
        const ageMs = this.now() - Date.parse(env.releasedAt);
        if (ageMs > minutes * 60_000) continue;
        await this.rollBack({
          service: change.service,
          environment: policy.environment,
          artifactId: env.tag,
          trigger: 'health-red',
          reason: `health turned red ${Math.max(
            0,
            Math.round(ageMs / 60_000),
          )} min after the release of ${env.tag}${
            now.reason ? ` (${now.reason})` : ''
          }`,
        });
      }
    });
  }

  /**
   * One pass over every service with an automatic rollback policy: rolls back releases
   * that are not ready `notReadyWithinMinutes` after they were released, and failed
   * rollouts whose report found no rollback (e.g. the server stopped in between).
   * Run periodically by the server and once at start. @returns how many it rolled back
   */
  async sweep(): Promise<number> {
    let rolledBack = 0;
    for (const service of await this.deps.directory.services()) {
      rolledBack += await this.sweepService(service).catch(error => {
        this.deps.logger?.error(
          `auto-rollback sweep of ${service}: ${
            (error as Error)?.stack ?? error
          }`,
        );
        return 0;
      });
    }
    return rolledBack;
  }

  private async sweepService(service: string): Promise<number> {
    const policies = await this.deps.policies.list(service);
    if (policies.length === 0) return 0;
    const status = await this.deps.status.status(service);
    let rolledBack = 0;
    for (const policy of policies) {
      const env = status.environments.find(e => e.name === policy.environment);
      const failure = env && this.sweepFailure(service, policy, env);
      if (failure && (await this.rollBack(failure))) rolledBack++;
    }
    return rolledBack;
  }

  /**
   * A release was made (called by the release pipeline): a person's release (any
   * intent but AutoRelease, not by auto-rollback) resumes auto-release there.
   */
  async released(req: ReleaseRequest): Promise<void> {
    if (req.intent.type === 'AutoRelease') return;
    if (req.actor.name === AUTO_ROLLBACK_ACTOR.name) return;
    await this.guard(() =>
      this.deps.pauses.resume(
        req.service,
        req.environment,
        req.actor,
        `released ${req.intent.type} by hand`,
      ),
    );
  }

  private sweepFailure(
    service: string,
    policy: AutoRollbackPolicy,
    env: EnvironmentStatus,
  ): ReleaseFailure | undefined {
    if (!env.tag || !env.releasedAt || !rollbackable(env)) return undefined;
    const phase = env.rollout?.phase ?? 'unknown';
    if (policy.onRolloutFailure && phase === 'failed') {
      const e = env.rollout?.errors[0];
      return {
        service,
        environment: policy.environment,
        artifactId: env.tag,
        trigger: 'rollout-failed',
        reason: `the rollout of ${env.tag} failed: ${
          e
            ? `pod ${e.podName ?? '?'} container ${e.container ?? '?'} ${
                e.reason ?? ''
              }`.trim()
            : env.rollout?.fluxMessage ?? 'failed'
        }`,
      };
    }
    const minutes = policy.notReadyWithinMinutes;
    if (!minutes || phase === 'succeeded') return undefined;
    const ageMs = this.now() - Date.parse(env.releasedAt);
    if (ageMs < minutes * 60_000) return undefined;
    const r = env.rollout;
    const progress =
      r?.desiredReplicas !== undefined
        ? `${r.availableReplicas ?? 0}/${r.desiredReplicas} ready`
        : 'no rollout reported';
    return {
      service,
      environment: policy.environment,
      artifactId: env.tag,
      trigger: 'not-ready',
      reason: `${env.tag} was not ready within ${minutes} min of its release (${progress})`,
    };
  }

  /** Rolls a failed release back once; true when this call did it. */
  private async rollBack(f: ReleaseFailure): Promise<boolean> {
    const { store, releases, pauses, events, logger } = this.deps;
    if (!(await store.claim({ ...f, failedArtifactId: f.artifactId })))
      return false;
    const key = { ...f, failedArtifactId: f.artifactId };
    try {
      const r = await releases.rollback({
        service: f.service,
        environment: f.environment,
        actor: AUTO_ROLLBACK_ACTOR,
        trailers: {
          [AUTO_ROLLBACK_TRAILERS.trigger]: f.trigger,
          [AUTO_ROLLBACK_TRAILERS.failedArtifactId]: f.artifactId,
          [AUTO_ROLLBACK_TRAILERS.reason]: oneLine(f.reason),
        },
      });
      await store.finish(key, {
        state: 'rolled-back',
        rolledBackTo: r.newArtifactId,
        commit: r.commit,
      });
      const since = new Date(this.now()).toISOString();
      await events.record({
        type: 'auto-rollback',
        service: f.service,
        environment: f.environment,
        artifactId: r.newArtifactId,
        actorName: AUTO_ROLLBACK_ACTOR.name,
        actorEmail: AUTO_ROLLBACK_ACTOR.email,
        message: `${f.service} rolled back automatically in ${f.environment} from ${f.artifactId} to ${r.newArtifactId}: ${f.reason}`,
        data: {
          state: 'rolled-back',
          trigger: f.trigger,
          reason: f.reason,
          failedArtifactId: f.artifactId,
          rolledBackTo: r.newArtifactId,
          commit: r.commit,
        },
      });
      await pauses.pause(f.service, f.environment, {
        since,
        reason: `rolled back automatically: ${f.reason}`,
        failedArtifactId: f.artifactId,
      });
      logger?.info(
        `auto-rollback: ${f.service} in ${f.environment} from ${f.artifactId} to ${r.newArtifactId} (${f.trigger})`,
      );
      return true;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      await store.finish(key, { state: 'failed', message });
      await events.record({
        type: 'auto-rollback',
        service: f.service,
        environment: f.environment,
        artifactId: f.artifactId,
        actorName: AUTO_ROLLBACK_ACTOR.name,
        actorEmail: AUTO_ROLLBACK_ACTOR.email,
        message: `automatic rollback of ${f.service} ${f.artifactId} in ${f.environment} failed: ${message}`,
        data: {
          state: 'failed',
          trigger: f.trigger,
          reason: f.reason,
          failedArtifactId: f.artifactId,
          error: message,
        },
      });
      logger?.error(
        `auto-rollback of ${f.service} in ${f.environment} failed: ${message}`,
      );
      return false;
    }
  }

  private async current(
    service: string,
    environment: string,
  ): Promise<EnvironmentStatus | undefined> {
    const s = await this.deps.status.status(service);
    return s.environments.find(e => e.name === environment);
  }

  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.deps.logger?.error(
        `auto-rollback: ${(error as Error)?.stack ?? error}`,
      );
    }
  }
}

/** A release may be rolled back automatically unless it is itself a rollback. */
function rollbackable(env: EnvironmentStatus): boolean {
  return env.intent !== 'Rollback';
}

function lightOf(
  s: { health: HealthLight; environments?: Record<string, HealthLight> },
  environment: string,
): HealthLight | undefined {
  return s.environments?.[environment] ?? s.health;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
