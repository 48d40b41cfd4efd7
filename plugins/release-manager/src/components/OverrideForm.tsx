import {
  stringifyEntityRef,
  CompoundEntityRef,
} from '@backstage/catalog-model';
import { usePermission } from '@backstage/plugin-permission-react';
import { Box, Button, TextField, Typography } from '@material-ui/core';
import { releaseManagerReleaseBreakGlassPermission } from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { WithReason } from './common';

/** Which refusals an override has to get past. */
export type OverrideNeeds = { breakGlass: boolean; overrideGates: boolean };

/** The overrides with the typed reason, as `POST …/releases` takes them. */
export type Overrides = {
  breakGlass?: { reason: string };
  overrideGates?: { reason: string };
};

/** The button's words for what is overridden. */
export function overrideLabel(needs: OverrideNeeds): string {
  if (needs.breakGlass && needs.overrideGates)
    return 'Break glass and override gates';
  return needs.breakGlass ? 'Break glass' : 'Override gates';
}

/**
 * The escape hatch of a refused release: a required one-line reason (1 to 500
 * characters, recorded in the commit trailers and the events feed) and a "Break glass" /
 * "Override gates" button, for those with `release-manager.release.break-glass` (the
 * owners). Calls `onSubmit` with the reason under each override `needs` names.
 */
export function OverrideForm(props: {
  entityRef: CompoundEntityRef;
  needs: OverrideNeeds;
  busy: boolean;
  onSubmit: (overrides: Overrides) => void;
}) {
  const { entityRef, needs, busy, onSubmit } = props;
  const [reason, setReason] = useState('');
  const allowed = usePermission({
    permission: releaseManagerReleaseBreakGlassPermission,
    resourceRef: stringifyEntityRef(entityRef),
  });
  const trimmed = reason.trim();
  const label = overrideLabel(needs);
  let why: string | undefined;
  if (allowed.loading) why = 'Checking your permissions…';
  else if (!allowed.allowed)
    why = 'Only the owners of this service may break glass or override gates';
  else if (!trimmed) why = 'Type a reason first';
  else if (trimmed.length > 500)
    why = 'The reason is longer than 500 characters';
  const submit = () =>
    onSubmit({
      ...(needs.breakGlass ? { breakGlass: { reason: trimmed } } : {}),
      ...(needs.overrideGates ? { overrideGates: { reason: trimmed } } : {}),
    });
  return (
    <Box mt={2} p={2} border={1} borderColor="error.main" borderRadius={4}>
      <Typography variant="subtitle2">{label}</Typography>
      <Typography variant="body2" color="textSecondary">
        Release anyway. The reason is recorded in the release commit and the
        events feed, and shown in the history.
      </Typography>
      <TextField
        id="override-reason"
        label="Reason"
        required
        fullWidth
        margin="dense"
        value={reason}
        inputProps={{ maxLength: 500 }}
        onChange={e => setReason(e.target.value.replace(/[\r\n]+/g, ' '))}
        disabled={busy}
      />
      <Box mt={1} display="flex" justifyContent="flex-end">
        <WithReason reason={why}>
          <Button
            color="secondary"
            variant="contained"
            disabled={busy || Boolean(why)}
            onClick={submit}
          >
            {label}
          </Button>
        </WithReason>
      </Box>
    </Box>
  );
}
