import { Box, Chip, Tooltip, Typography } from '@material-ui/core';
import { ReleaseWithLinks } from '@slipway/plugin-release-manager-common';

/** Words for the trigger of an automatic rollback. */
const TRIGGER = {
  'rollout-failed': 'rollout failed',
  'not-ready': 'not ready in time',
  'health-red': 'health turned red',
} as const;

/**
 * The audit marks of one release in the history: "broke glass: <reason>" (released into
 * a frozen environment), "overrode gates: <reason>", and "auto-rollback (<trigger>):
 * <reason>" with the failed artifact for a rollback the release manager made itself.
 * Nothing for a release without them.
 */
export function ReleaseMarkers(props: { release: ReleaseWithLinks }) {
  const { breakGlassReason, gateOverrideReason, autoRollback } = props.release;
  if (!breakGlassReason && !gateOverrideReason && !autoRollback) return null;
  return (
    <Box
      display="flex"
      flexDirection="column"
      alignItems="flex-start"
      mt={0.5}
      style={{ gap: 4 }}
    >
      {breakGlassReason && (
        <Typography variant="body2" data-testid="break-glass-reason">
          <Chip size="small" color="secondary" label="broke glass" />{' '}
          {breakGlassReason}
        </Typography>
      )}
      {gateOverrideReason && (
        <Typography variant="body2" data-testid="gate-override-reason">
          <Chip size="small" color="secondary" label="overrode gates" />{' '}
          {gateOverrideReason}
        </Typography>
      )}
      {autoRollback && (
        <Tooltip title={`Rolled back from ${autoRollback.failedArtifactId}`}>
          <Typography variant="body2" data-testid="auto-rollback">
            <Chip
              size="small"
              label={`auto-rollback: ${
                TRIGGER[autoRollback.trigger] ?? autoRollback.trigger
              }`}
            />{' '}
            {autoRollback.reason}
          </Typography>
        </Tooltip>
      )}
    </Box>
  );
}
