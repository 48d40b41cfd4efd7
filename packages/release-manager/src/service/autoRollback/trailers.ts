import { DescribeReleaseResponseRelease } from '../../http/types';
import { AUTO_ROLLBACK_TRAILERS, AutoRollbackTrigger } from './types';

const TRIGGERS: AutoRollbackTrigger[] = [
  'rollout-failed',
  'not-ready',
  'health-red',
];

/**
 * The automatic rollback a release commit records in its trailers
 * (`Auto-Rollback-Trigger`, `-Reason`, `-Failed-Artifact-ID`), as the history's
 * `autoRollback` field; `{}` for any other commit.
 */
export function autoRollbackFromTrailers(
  trailers: Record<string, string>,
): Pick<DescribeReleaseResponseRelease, 'autoRollback'> {
  const trigger = trailers[AUTO_ROLLBACK_TRAILERS.trigger] as
    | AutoRollbackTrigger
    | undefined;
  const failedArtifactId = trailers[AUTO_ROLLBACK_TRAILERS.failedArtifactId];
  if (!trigger || !TRIGGERS.includes(trigger) || !failedArtifactId) return {};
  return {
    autoRollback: {
      trigger,
      reason: trailers[AUTO_ROLLBACK_TRAILERS.reason] ?? '',
      failedArtifactId,
    },
  };
}
