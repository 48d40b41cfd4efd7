import { Actor } from '../../git/types';
import {
  AutoReleasePause,
  AutoRollbackPolicy,
  AutoRollbackRecord,
  AutoRollbackTrigger,
} from '../../http/types';

export type {
  AutoReleasePause,
  AutoRollbackPolicy,
  AutoRollbackRecord,
  AutoRollbackTrigger,
};

/** The author and releaser of every automatic rollback commit. */
export const AUTO_ROLLBACK_ACTOR: Actor = {
  name: 'Slipway auto-rollback',
  email: 'auto-rollback@slipway.dev',
};

/** Commit trailers of an automatic rollback (besides the usual release trailers). */
export const AUTO_ROLLBACK_TRAILERS = {
  reason: 'Auto-Rollback-Reason',
  trigger: 'Auto-Rollback-Trigger',
  failedArtifactId: 'Auto-Rollback-Failed-Artifact-ID',
  failedCommit: 'Auto-Rollback-Failed-Commit',
} as const;

/** A health light as the signals webhook reports it (`green`, `amber`, `red`, `grey`). */
export interface HealthLight {
  light: string;
  reason?: string;
}

/**
 * A change of a service's signals, as `SignalService.onChange` (src/service/signals)
 * reports it: only the fields automatic rollback reads.
 */
export interface HealthChange {
  service: string;
  previous?: {
    health: HealthLight;
    environments?: Record<string, HealthLight>;
  };
  current: { health: HealthLight; environments?: Record<string, HealthLight> };
}

/** Where health changes come from: `SignalService` (structurally). */
export interface HealthChangeSource {
  /** Subscribes; returns a function that unsubscribes. */
  onChange(
    listener: (change: HealthChange) => void | Promise<void>,
  ): () => void;
}

/** A failure of the release running in an environment that may trigger an automatic rollback. */
export interface ReleaseFailure {
  service: string;
  environment: string;
  /** The artifact that failed; an automatic rollback happens only while it still runs there. */
  artifactId: string;
  trigger: AutoRollbackTrigger;
  /** One line, e.g. `the rollout failed: pod x container y CrashLoopBackOff`. */
  reason: string;
}
