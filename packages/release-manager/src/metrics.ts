import {
  Counter,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

/**
 * Prometheus metrics of one release manager (its own registry, so several can
 * run in one process). Served at `GET /metrics`.
 */
export class Metrics {
  readonly registry = new Registry();
  /** `release_manager_releases_total{environment, intent, outcome}`; outcome is `released`, `unchanged`, `rejected` or `failed`. */
  readonly releases = new Counter({
    name: 'release_manager_releases_total',
    help: 'Releases by environment, intent and outcome (released, unchanged, rejected, failed).',
    labelNames: ['environment', 'intent', 'outcome'] as const,
    registers: [this.registry],
  });
  /** `release_manager_release_duration_seconds{environment}`: request to pushed commit. */
  readonly releaseDuration = new Histogram({
    name: 'release_manager_release_duration_seconds',
    help: 'Time from a release request to its pushed commit, in seconds.',
    labelNames: ['environment'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** `release_manager_git_push_retries_total`: pushes retried after a non-fast-forward. */
  readonly pushRetries = new Counter({
    name: 'release_manager_git_push_retries_total',
    help: 'Config repo pushes retried after a non-fast-forward rejection.',
    registers: [this.registry],
  });
  /** `release_manager_rollout_events_total{kind}`: daemon and Flux events received. */
  readonly rolloutEvents = new Counter({
    name: 'release_manager_rollout_events_total',
    help: 'Rollout events received, by kind (deploy, pod-error, job-error, flux).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** `release_manager_http_requests_total{route, method, status}`. */
  readonly httpRequests = new Counter({
    name: 'release_manager_http_requests_total',
    help: 'HTTP requests by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  /** `release_manager_http_request_duration_seconds{route, method}`. */
  readonly httpDuration = new Histogram({
    name: 'release_manager_http_request_duration_seconds',
    help: 'HTTP request duration by route and method, in seconds.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(options?: { defaultMetrics?: boolean }) {
    if (options?.defaultMetrics) {
      collectDefaultMetrics({ register: this.registry });
    }
  }
}
