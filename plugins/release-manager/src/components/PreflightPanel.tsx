import { Box, CircularProgress, Typography } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import Alert from '@material-ui/lab/Alert';
import {
  GateResult,
  GatesResponse,
} from '@slipway/plugin-release-manager-common';
import { OnCallNow } from '../hooks/usePreflight';
import { errorMessage, Secondary } from './common';

function GateLine(props: { gate: GateResult }) {
  const { gate } = props;
  const icon = {
    passed: <CheckCircleIcon style={{ color: '#2e7d32' }} fontSize="small" />,
    failed: <CancelIcon color="error" fontSize="small" />,
    skipped: <RemoveCircleOutlineIcon color="disabled" fontSize="small" />,
  }[gate.outcome];
  return (
    <Box
      display="flex"
      alignItems="center"
      style={{ gap: 8 }}
      data-testid={`gate-${gate.id}`}
    >
      {icon}
      <Typography variant="body2">
        {gate.name}: <b>{gate.outcome}</b>
      </Typography>
      <Secondary>{gate.message}</Secondary>
    </Box>
  );
}

/**
 * The checks of a prospective release, before the click: the freeze that would refuse
 * it, every promotion gate's result (passed, failed or skipped, with why), and who is on
 * call now for the service. Loading and error states for each part.
 */
export function PreflightPanel(props: {
  gates: { loading: boolean; error?: Error; value?: GatesResponse };
  onCall: { loading: boolean; error?: Error; value?: OnCallNow };
}) {
  const { gates, onCall } = props;
  const value = gates.value;
  return (
    <Box mb={2}>
      <Typography variant="subtitle2">Promotion gates</Typography>
      {gates.loading && (
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <CircularProgress size={16} />
          <Secondary>Checking gates and freeze windows…</Secondary>
        </Box>
      )}
      {gates.error && (
        <Alert severity="warning">
          Could not check the gates: {errorMessage(gates.error)}
        </Alert>
      )}
      {value?.freeze && (
        <Box my={1}>
          <Alert severity="error">Frozen: {value.freeze.message}</Alert>
        </Box>
      )}
      {value?.message && <Secondary>{value.message}</Secondary>}
      {value && value.gates.length === 0 && (
        <Secondary>No gates apply to {value.environment}.</Secondary>
      )}
      {value?.gates.map(g => (
        <GateLine key={g.id} gate={g} />
      ))}
      <Box mt={1}>
        <Typography variant="subtitle2">On call now</Typography>
        {onCall.loading && <CircularProgress size={16} />}
        {onCall.error && (
          <Secondary>
            Could not look up who is on call: {errorMessage(onCall.error)}
          </Secondary>
        )}
        {!onCall.loading && !onCall.error && !onCall.value && (
          <Secondary>No on-call information for this service.</Secondary>
        )}
        {onCall.value && (
          <Typography variant="body2" data-testid="on-call-now">
            {onCall.value.levels
              .map(
                l =>
                  `L${l.level}: ${
                    l.names.length ? l.names.join(', ') : 'nobody'
                  }`,
              )
              .join(' · ')}{' '}
            <Secondary>({onCall.value.schedule})</Secondary>
          </Typography>
        )}
      </Box>
    </Box>
  );
}
