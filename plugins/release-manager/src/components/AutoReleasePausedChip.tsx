import { CompoundEntityRef } from '@backstage/catalog-model';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Box, Button, Chip, Tooltip } from '@material-ui/core';
import PauseCircleOutlineIcon from '@material-ui/icons/PauseCircleOutline';
import { AutoReleasePause } from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { releaseManagerApiRef } from '../api/ReleaseManagerApi';
import { errorMessage, RelativeTime, WithReason } from './common';

/**
 * "auto-release paused" with the reason (set by an automatic rollback), and a Resume
 * button that calls `POST …/auto-release/resume` and then `onResumed` (a refresh).
 * `resumeReason` disables the button with a tooltip (e.g. not an owner). Errors are
 * posted to the alert API with the server's message.
 */
export function AutoReleasePausedChip(props: {
  entityRef: CompoundEntityRef;
  environment: string;
  pause: AutoReleasePause;
  resumeReason?: string;
  onResumed: () => void;
}) {
  const { entityRef, environment, pause, resumeReason, onResumed } = props;
  const api = useApi(releaseManagerApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const resume = async () => {
    setBusy(true);
    try {
      await api.resumeAutoRelease(entityRef, environment);
      alertApi.post({
        message: `Auto-release into ${environment} resumed`,
        severity: 'success',
        display: 'transient',
      });
      onResumed();
    } catch (e) {
      alertApi.post({
        message: `Could not resume auto-release into ${environment}: ${errorMessage(
          e,
        )}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 4 }}
      data-testid={`auto-release-paused-${environment}`}
    >
      <Tooltip title={`Failed release: ${pause.failedArtifactId}`}>
        <Chip
          size="small"
          icon={<PauseCircleOutlineIcon />}
          label={`auto-release paused: ${pause.reason}`}
          style={{ maxWidth: 420 }}
        />
      </Tooltip>
      <span style={{ fontSize: 12 }}>
        <RelativeTime iso={pause.since} />
      </span>
      <WithReason reason={resumeReason}>
        <Button
          size="small"
          color="primary"
          disabled={busy || Boolean(resumeReason)}
          onClick={resume}
        >
          Resume
        </Button>
      </WithReason>
    </Box>
  );
}
