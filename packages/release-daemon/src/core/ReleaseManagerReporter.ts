import { Logger } from './logger';
import { PodFailureObservation, WorkloadObservation } from './types';

/**
 * Body of `POST /webhook/daemon/k8s/deploy` (the release manager's
 * `releaseEventSchema`, packages/release-manager/src/http/schemas.ts; Lunar's
 * `ReleaseEvent`). Fields past `environment` are Slipway extras the release
 * manager keeps in the stored payload.
 */
export interface DeployWebhookBody {
  name: string;
  namespace: string;
  resourceType: 'Deployment';
  availablePods: number;
  replicas: number;
  artifactId: string;
  authorEmail?: string;
  environment: string;
  service: string;
  phase: WorkloadObservation['phase'];
  reason?: string;
  message?: string;
}

/**
 * Body of `POST /webhook/daemon/k8s/error` (the release manager's
 * `podErrorSchema`; Lunar's `PodErrorEvent`). `errors[].logs` are the last log
 * lines of the failed run, oldest first.
 */
export interface PodErrorWebhookBody {
  podName: string;
  namespace: string;
  environment: string;
  artifactId: string;
  service: string;
  authorEmail?: string;
  errors: Array<{
    name: string;
    type: string;
    reason?: string;
    message: string;
    exitCode?: number;
    restartCount: number;
    logs: string[];
  }>;
}

/** The release manager accepts `name` when it is the service or starts with `<service>-`. */
function workloadName(o: WorkloadObservation): string {
  return o.name === o.service || o.name.startsWith(`${o.service}-`)
    ? o.name
    : o.service;
}

/** Maps a workload observation to the deploy webhook body. */
export function deployBody(o: WorkloadObservation): DeployWebhookBody {
  return {
    name: workloadName(o),
    namespace: o.namespace,
    resourceType: 'Deployment',
    availablePods: o.available,
    replicas: o.desired,
    artifactId: o.artifactId,
    ...(o.authorEmail ? { authorEmail: o.authorEmail } : {}),
    environment: o.environment,
    service: o.service,
    phase: o.phase,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.message ? { message: o.message } : {}),
  };
}

/** Maps a pod failure observation to the error webhook body. */
export function podErrorBody(o: PodFailureObservation): PodErrorWebhookBody {
  return {
    podName: o.podName,
    namespace: o.namespace,
    environment: o.environment,
    artifactId: o.artifactId,
    service: o.service,
    ...(o.authorEmail ? { authorEmail: o.authorEmail } : {}),
    errors: o.containers.map(c => ({
      name: c.name,
      type: c.type,
      ...(c.reason ? { reason: c.reason } : {}),
      message: c.message,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      restartCount: c.restartCount,
      logs: c.logs.slice(-20),
    })),
  };
}

/** Options of {@link ReleaseManagerReporter}. */
export interface ReporterOptions {
  /** Base URL of the release manager, e.g. `http://localhost:7100`. */
  baseUrl: string;
  /** `RELEASE_MANAGER_DAEMON_TOKEN`, sent as `Authorization: Bearer <token>`. */
  token: string;
  logger: Logger;
  /** Attempts per post on network errors and 5xx (default 5). */
  attempts?: number;
  /** First retry delay in ms, doubled each time (default 500). */
  retryDelayMs?: number;
  /** Called after every post, successful or not (metrics). */
  onPosted?: (route: 'deploy' | 'error', ok: boolean) => void;
}

/**
 * Posts reports to the release manager's daemon webhooks, one at a time in the
 * order they were queued, retrying network errors and 5xx answers with
 * exponential back-off. A 4xx answer (e.g. an unknown service) is logged and
 * dropped: retrying cannot fix it.
 */
export class ReleaseManagerReporter {
  private queue: Promise<void> = Promise.resolve();
  private readonly attempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: ReporterOptions) {
    this.attempts = options.attempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  /** Queues `POST /webhook/daemon/k8s/deploy`. Resolves when it was sent (or given up). */
  deploy(o: WorkloadObservation): Promise<void> {
    return this.enqueue('deploy', deployBody(o));
  }

  /** Queues `POST /webhook/daemon/k8s/error`. Resolves when it was sent (or given up). */
  podError(o: PodFailureObservation): Promise<void> {
    return this.enqueue('error', podErrorBody(o));
  }

  /** Resolves when every queued post was sent or given up. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(route: 'deploy' | 'error', body: object): Promise<void> {
    const next = this.queue.then(() => this.post(route, body));
    this.queue = next;
    return next;
  }

  private async post(route: 'deploy' | 'error', body: object): Promise<void> {
    const url = `${this.options.baseUrl.replace(
      /\/+$/,
      '',
    )}/webhook/daemon/k8s/${route}`;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${this.options.token}`,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.ok) {
          this.options.onPosted?.(route, true);
          return;
        }
        problem = `HTTP ${res.status} ${text.slice(0, 300)}`;
        if (res.status < 500 && res.status !== 429) {
          this.options.logger.warn(
            `release manager refused ${route} report: ${problem}`,
          );
          this.options.onPosted?.(route, false);
          return;
        }
      } catch (error) {
        problem = (error as Error).message;
      }
      if (attempt >= this.attempts) {
        this.options.logger.error(
          `giving up ${route} report after ${attempt} attempts: ${problem}`,
        );
        this.options.onPosted?.(route, false);
        return;
      }
      await sleep(this.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
