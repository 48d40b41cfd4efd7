import { Database } from '../db/Database';
import {
  FluxEvent,
  JobErrorEvent,
  PodErrorEvent,
  ReleaseEvent,
  RolloutContainerError,
  RolloutStatus,
} from '../http/types';
import { Metrics } from '../metrics';
import { Directory } from './Directory';
import { EventFeed } from './EventFeed';

/** A failure report of a rollout: the artifact is absent for Flux errors (they name no artifact). */
export interface RolloutFailureReport {
  service: string;
  environment: string;
  artifactId?: string;
  /** One line, e.g. `pod ledger-7c9f-x2 container ledger CrashLoopBackOff`. */
  reason: string;
}

/**
 * Rollouts: what the release daemon and Flux report about the workloads in the
 * clusters (webhooks), stored as rollout events, summed up as the rollout state of
 * each service in each environment, and told in the events feed. Events reaching it
 * are validated, with configured environments.
 *
 * Errors: `NotFoundError` (404) when a workload maps to no known service.
 */
export class RolloutService {
  private readonly failureListeners: Array<
    (failure: RolloutFailureReport) => Promise<void>
  > = [];

  constructor(
    private readonly directory: Directory,
    private readonly db: Database,
    private readonly events: EventFeed,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Calls `listener` after each stored failure report (pod error, job error, Flux
   * error), before the webhook answers; errors of listeners are ignored here (a
   * listener reports its own).
   */
  onFailure(listener: (failure: RolloutFailureReport) => Promise<void>): void {
    this.failureListeners.push(listener);
  }

  private async failed(failure: RolloutFailureReport): Promise<void> {
    for (const listener of this.failureListeners) {
      await listener(failure).catch(() => undefined);
    }
  }

  /**
   * Stores a daemon event of a workload of `service` and tells it in the events feed
   * (`message` and `data` of the feed entry).
   */
  private async daemonEvent(
    kind: 'deploy' | 'pod-error' | 'job-error',
    ev: { environment: string; artifactId: string },
    service: string,
    feed: { message: string; data: Record<string, unknown> },
  ): Promise<void> {
    const { environment, artifactId } = ev;
    await this.db.addRolloutEvent({
      environment,
      service,
      artifactId,
      kind,
      payload: ev,
    });
    this.metrics.rolloutEvents.inc({ kind });
    await this.events.record({
      type: 'rollout',
      service,
      environment,
      artifactId,
      ...feed,
    });
  }

  /** `POST /webhook/daemon/k8s/deploy`: replicas of a Deployment became available. */
  async deploy(ev: ReleaseEvent): Promise<void> {
    const service = await this.directory.serviceOfWorkload(ev.name);
    const desired = ev.replicas ?? 0;
    const done = ev.availablePods >= desired;
    await this.daemonEvent('deploy', ev, service, {
      message: `${service} ${ev.artifactId} ${
        done ? 'rolled out' : 'rolling out'
      } in ${ev.environment}: ${ev.availablePods}/${desired} ready`,
      data: {
        phase: done ? 'succeeded' : 'progressing',
        available: ev.availablePods,
        desired,
      },
    });
  }

  /** `POST /webhook/daemon/k8s/error`: containers of a pod fail. */
  async podError(ev: PodErrorEvent): Promise<void> {
    const service = await this.directory.serviceOfWorkload(
      ev.podName,
      ev.service,
    );
    const first = ev.errors[0];
    await this.daemonEvent('pod-error', ev, service, {
      message: `${service} ${ev.artifactId} failing in ${ev.environment}: pod ${
        ev.podName
      } container ${first?.name ?? '?'} ${
        first?.type ?? first?.reason ?? ''
      }`.trim(),
      data: {
        phase: 'failed',
        podName: ev.podName,
        errors: ev.errors.map(e => ({
          name: e.name,
          reason: e.type ?? e.reason,
        })),
      },
    });
    await this.failed({
      service,
      environment: ev.environment,
      artifactId: ev.artifactId,
      reason: `pod ${ev.podName} container ${first?.name ?? '?'} ${
        first?.type ?? first?.reason ?? ''
      }`.trim(),
    });
  }

  /** `POST /webhook/daemon/k8s/joberror`: a job failed. */
  async jobError(ev: JobErrorEvent): Promise<void> {
    const service = await this.directory.serviceOfWorkload(
      ev.jobName,
      ev.service,
    );
    const first = ev.errors[0];
    await this.daemonEvent('job-error', ev, service, {
      message: `${service} ${ev.artifactId} job ${ev.jobName} failed in ${
        ev.environment
      }: ${first?.reason ?? first?.message ?? ''}`.trim(),
      data: { phase: 'failed', jobName: ev.jobName },
    });
    await this.failed({
      service,
      environment: ev.environment,
      artifactId: ev.artifactId,
      reason: `job ${ev.jobName} failed: ${
        first?.reason ?? first?.message ?? ''
      }`.trim(),
    });
  }

  /** `POST /webhook/flux/{environment}`: a Flux notification-controller event. */
  async flux(environment: string, ev: FluxEvent) {
    const services = await this.directory.services();
    const name = ev.involvedObject.name;
    const service = services.includes(name) ? name : undefined;
    this.metrics.rolloutEvents.inc({ kind: 'flux' });
    if (service) {
      await this.db.addRolloutEvent({
        environment,
        service,
        kind: 'flux',
        payload: ev,
      });
    }
    await this.events.record({
      type: 'rollout',
      service,
      environment,
      message: `Flux ${ev.involvedObject.kind}/${name} in ${environment}: ${ev.reason}: ${ev.message}`,
      data: {
        source: 'flux',
        severity: ev.severity,
        reason: ev.reason,
        revision: ev.metadata?.revision,
      },
    });
    if (service && ev.severity === 'error') {
      await this.failed({
        service,
        environment,
        reason: `Flux ${ev.reason}: ${ev.message}`,
      });
    }
  }

  /**
   * The rollout state of `artifactId` of `service` in `env`, from the newest 50 rollout
   * events: `failed` when pod or job errors came since its last full rollout (or Flux
   * reported an error), `succeeded` when all replicas are available (or Flux reported
   * success after `releasedAt`), `progressing` in between, `unknown` without events.
   */
  async stateOf(
    env: string,
    service: string,
    artifactId: string,
    releasedAt?: string,
  ): Promise<RolloutStatus> {
    const rows = await this.db.rolloutEvents(env, service, 50);
    const errors: RolloutContainerError[] = [];
    let deploy: ReleaseEvent | undefined;
    let flux: FluxEvent | undefined;
    let updatedAt: string | undefined;
    for (const row of rows) {
      const payload = JSON.parse(row.payload);
      if (row.kind === 'flux') {
        if (releasedAt && row.created_at < releasedAt) continue;
        if (!flux && !deploy) {
          flux = payload;
          updatedAt ??= row.created_at;
        }
        continue;
      }
      if (row.artifact_id !== artifactId) continue;
      updatedAt ??= row.created_at;
      if (row.kind === 'deploy') {
        const d = payload as ReleaseEvent;
        if (!deploy) deploy = d;
        if (d.availablePods >= (d.replicas ?? 0)) break; // errors before a full rollout are over
        continue;
      }
      if (row.kind === 'pod-error') {
        const p = payload as PodErrorEvent;
        for (const e of p.errors ?? []) {
          errors.push({
            podName: p.podName,
            container: e.name,
            reason: e.type ?? e.reason,
            message: e.message,
            logs: e.logs,
          });
        }
      }
      if (row.kind === 'job-error') {
        const j = payload as JobErrorEvent;
        for (const e of j.errors ?? []) {
          errors.push({
            podName: j.jobName,
            container: j.jobName,
            reason: e.reason ?? e.type,
            message: e.message,
          });
        }
      }
    }
    const status: RolloutStatus = {
      phase: 'unknown',
      artifactId,
      errors,
      updatedAt,
    };
    if (deploy) {
      status.availableReplicas = deploy.availablePods;
      status.desiredReplicas = deploy.replicas ?? 0;
    }
    if (flux) status.fluxMessage = `${flux.reason}: ${flux.message}`;
    const fullyAvailable =
      deploy && deploy.availablePods >= (deploy.replicas ?? 0);
    // Errors are only collected back to the newest full rollout: any means failing since.
    if (errors.length) status.phase = 'failed';
    else if (deploy)
      status.phase = fullyAvailable ? 'succeeded' : 'progressing';
    else if (flux) {
      if (flux.severity === 'error') status.phase = 'failed';
      else if (/Succeeded|Ready|Healthy/.test(flux.reason))
        status.phase = 'succeeded';
      else status.phase = 'progressing';
    }
    return status;
  }
}
