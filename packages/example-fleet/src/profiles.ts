/**
 * How each example service behaves in the fleet: its replicas, its normal latency and
 * error ratio, its feature branch, whether `main` auto-releases to `dev`, and the
 * artifacts that are bad on purpose. Services of the catalog that are not listed here
 * get {@link DEFAULT_PROFILE}.
 */

/** Behaviour of one artifact, passed to the workload as environment variables. */
export interface Behaviour {
  /** Mean latency added per request, in milliseconds (`LATENCY_MS`). */
  latencyMs: number;
  /** Fraction 0..1 of requests answered 5xx (`ERROR_RATIO`). */
  errorRatio: number;
  /** Seconds before `/readyz` answers 200 (`READY_DELAY_SECONDS`). */
  readyDelaySeconds?: number;
  /** Exit 1 at start with these log lines' fatal message (`CRASH_AT_START`, `CRASH_MESSAGE`). */
  crashMessage?: string;
}

/** What is wrong with an artifact that is bad on purpose. */
export type BadKind = 'errors' | 'crash' | 'slow-ready';

/** An artifact that is bad on purpose: built and uploaded, never released by the fleet. */
export interface BadBuild {
  kind: BadKind;
  branch: string;
  /** Commit message of the change that broke it. */
  message: string;
  /** Behaviour on top of the service's normal one. */
  behaviour: Partial<Behaviour>;
}

/** A service's fleet profile. */
export interface ServiceProfile {
  /** Replicas per environment (1–3 keeps the fleet light on two cores). */
  replicas: { dev: number; staging: number; prod: number };
  /** Normal behaviour of its good artifacts. */
  behaviour: Behaviour;
  /** CPU limit of its container (Kubernetes quantity). */
  cpuLimit: string;
  /** The feature branch with one build (released to dev when `featureInDev`). */
  featureBranch: string;
  featureInDev: boolean;
  /** `main` auto-releases to `dev` (policy `auto-release-main-dev`). */
  autoReleaseMainToDev: boolean;
  /** The bad artifact of this service, if any. */
  bad?: BadBuild;
}

/** The profile of a catalog service not listed in {@link PROFILES}. */
export const DEFAULT_PROFILE: ServiceProfile = {
  replicas: { dev: 1, staging: 1, prod: 2 },
  behaviour: { latencyMs: 20, errorRatio: 0.002 },
  cpuLimit: '100m',
  featureBranch: 'feature/next',
  featureInDev: false,
  autoReleaseMainToDev: false,
};

/**
 * Profiles of the example services of `examples/components/`. Bad artifacts sit on
 * services that the local guest user's teams (payments, platform) own, so that they can
 * be deployed from the portal on a laptop.
 */
export const PROFILES: Record<string, ServiceProfile> = {
  'payment-gateway': {
    replicas: { dev: 1, staging: 2, prod: 3 },
    behaviour: { latencyMs: 35, errorRatio: 0.003 },
    cpuLimit: '200m',
    featureBranch: 'feature/3ds2-challenge-flow',
    featureInDev: true,
    autoReleaseMainToDev: true,
  },
  ledger: {
    replicas: { dev: 1, staging: 1, prod: 3 },
    behaviour: { latencyMs: 15, errorRatio: 0.001 },
    cpuLimit: '200m',
    featureBranch: 'feature/double-entry-audit',
    featureInDev: false,
    autoReleaseMainToDev: false,
    bad: {
      kind: 'errors',
      branch: 'main',
      message: 'Retry ledger writes through the new connection pool',
      behaviour: { errorRatio: 0.08 },
    },
  },
  'card-service': {
    replicas: { dev: 1, staging: 1, prod: 3 },
    behaviour: { latencyMs: 25, errorRatio: 0.002 },
    cpuLimit: '150m',
    featureBranch: 'feature/virtual-cards',
    featureInDev: true,
    autoReleaseMainToDev: false,
    bad: {
      kind: 'slow-ready',
      branch: 'main',
      message: 'Warm the card BIN range cache before taking traffic',
      behaviour: { readyDelaySeconds: 40 },
    },
  },
  'loan-applications': {
    replicas: { dev: 1, staging: 1, prod: 2 },
    behaviour: { latencyMs: 60, errorRatio: 0.004 },
    cpuLimit: '100m',
    featureBranch: 'feature/open-banking-income-check',
    featureInDev: false,
    autoReleaseMainToDev: false,
  },
  'credit-scoring': {
    replicas: { dev: 1, staging: 1, prod: 2 },
    behaviour: { latencyMs: 120, errorRatio: 0.002 },
    cpuLimit: '250m',
    featureBranch: 'feature/model-v7',
    featureInDev: true,
    autoReleaseMainToDev: false,
  },
  'customer-profile': {
    replicas: { dev: 1, staging: 1, prod: 3 },
    behaviour: { latencyMs: 20, errorRatio: 0.001 },
    cpuLimit: '100m',
    featureBranch: 'feature/gdpr-export',
    featureInDev: false,
    autoReleaseMainToDev: true,
  },
  'notification-service': {
    replicas: { dev: 1, staging: 1, prod: 2 },
    behaviour: { latencyMs: 40, errorRatio: 0.003 },
    cpuLimit: '100m',
    featureBranch: 'feature/push-batching',
    featureInDev: true,
    autoReleaseMainToDev: false,
  },
  'identity-service': {
    replicas: { dev: 1, staging: 1, prod: 3 },
    behaviour: { latencyMs: 10, errorRatio: 0.001 },
    cpuLimit: '150m',
    featureBranch: 'feature/passkeys',
    featureInDev: false,
    autoReleaseMainToDev: true,
    bad: {
      kind: 'crash',
      branch: 'feature/hsm-signing-keys',
      message: 'Sign tokens with keys held in the HSM',
      behaviour: {
        crashMessage:
          'config: required variable SIGNING_KEY_HSM_SLOT is not set (keys: hsm)',
      },
    },
  },
};

/** The profile of `service`. */
export function profileOf(service: string): ServiceProfile {
  return PROFILES[service] ?? DEFAULT_PROFILE;
}
