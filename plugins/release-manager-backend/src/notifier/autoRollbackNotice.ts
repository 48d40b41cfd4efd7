import { ReleaseManagerEvent } from '@slipway/plugin-release-manager-common';

/** An automatic rollback worth telling the owners about (an `auto-rollback` event of the feed). */
export type AutoRollbackNotice = {
  service: string;
  environment: string;
  /** `rolled-back`, or `failed` when the release manager could not roll back. */
  state: 'rolled-back' | 'failed';
  /** The release that failed. */
  failedArtifactId: string;
  /** The artifact rolled back to (when rolled back). */
  rolledBackTo?: string;
  /** Why it rolled back, e.g. `the rollout of main-… failed: pod … CrashLoopBackOff`. */
  reason: string;
  /** Why the rollback itself failed. */
  error?: string;
  eventId: number;
};

/**
 * Reads an automatic rollback from an events-feed entry: `auto-rollback` events
 * (`data.state`, `data.failedArtifactId`, `data.rolledBackTo`, `data.reason`,
 * `data.error`). Other events give `undefined`.
 */
export function autoRollbackNotice(
  event: ReleaseManagerEvent,
): AutoRollbackNotice | undefined {
  if (event.type !== 'auto-rollback' || !event.service || !event.environment) {
    return undefined;
  }
  const data = (event.data ?? {}) as Record<string, unknown>;
  const state = data.state === 'failed' ? 'failed' : 'rolled-back';
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    service: event.service,
    environment: event.environment,
    state,
    failedArtifactId: text(data.failedArtifactId) ?? 'the failed release',
    rolledBackTo: text(data.rolledBackTo),
    reason: text(data.reason) ?? event.message,
    error: text(data.error),
    eventId: event.id,
  };
}

/**
 * The notification of an automatic rollback for an entity named `name`: a clear
 * title (`ledger: staging rolled back automatically from X to Y`, or `automatic
 * rollback … failed`), the reason and the pause of auto-release as the description.
 */
export function autoRollbackNotification(
  name: string,
  n: AutoRollbackNotice,
): { title: string; description: string } {
  if (n.state === 'failed') {
    return {
      title: `${name}: automatic rollback in ${n.environment} failed; ${n.failedArtifactId} still runs`,
      description: [
        `Reason for the rollback: ${n.reason}`,
        n.error ? `The rollback failed: ${n.error}` : undefined,
        'Roll back or release by hand.',
      ]
        .filter(Boolean)
        .join('\n'),
    };
  }
  return {
    title: `${name}: ${n.environment} rolled back automatically from ${
      n.failedArtifactId
    } to ${n.rolledBackTo ?? 'the previous release'}`,
    description: [
      `Reason: ${n.reason}`,
      `Auto-release into ${n.environment} is paused until someone releases there or resumes it on the Releases tab.`,
    ].join('\n'),
  };
}
