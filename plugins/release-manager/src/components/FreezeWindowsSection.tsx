import {
  Box,
  Button,
  Chip,
  IconButton,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  ListSubheader,
  MenuItem,
  TextField,
} from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import {
  FreezeWindowSpec,
  FreezeWindowState,
} from '@slipway/plugin-release-manager-common';
import { DateTime } from 'luxon';
import { useState } from 'react';
import { WithReason } from './common';
import { localTime } from './FrozenChip';

/** When a window applies, in words: `from … to …` or `FREQ=… (Europe/Oslo, 120 min)`. */
function when(w: FreezeWindowState): string {
  const next = w.start
    ? `; ${w.active ? 'now, until' : 'next'} ${localTime(
        w.active ? w.end ?? w.start : w.start,
      )}`
    : '';
  if (w.rrule)
    return `${w.rrule} (${w.timeZone ?? 'UTC'}, ${
      w.durationMinutes
    } min)${next}`;
  return `${w.from ? localTime(w.from) : '…'} to ${
    w.to ? localTime(w.to) : '…'
  }${w.active ? ' (active)' : ''}`;
}

/**
 * Builds the `POST …/freezes` body from the form: a one-off window (`from`/`to` as
 * local `datetime-local` values, sent as RFC 3339 with the browser's offset) or a
 * recurring one (RRULE, IANA zone, minutes). Returns an error text for bad input.
 */
export function freezeSpecOf(form: {
  environment: string;
  reason: string;
  kind: 'one-off' | 'recurring';
  from: string;
  to: string;
  rrule: string;
  timeZone: string;
  durationMinutes: string;
}): FreezeWindowSpec | string {
  const reason = form.reason.trim();
  if (!reason) return 'Give a reason';
  if (form.kind === 'one-off') {
    const from = DateTime.fromISO(form.from);
    const to = DateTime.fromISO(form.to);
    if (!from.isValid || !to.isValid) return 'Give a start and an end';
    if (to <= from) return 'The end must be after the start';
    return {
      environment: form.environment,
      reason,
      from: from.toISO()!,
      to: to.toISO()!,
    };
  }
  const minutes = Number(form.durationMinutes);
  if (!form.rrule.trim())
    return 'Give an RRULE, e.g. FREQ=WEEKLY;BYDAY=FR;BYHOUR=16';
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 44640)
    return 'The duration must be 1 to 44640 minutes';
  return {
    environment: form.environment,
    reason,
    rrule: form.rrule.trim(),
    timeZone: form.timeZone.trim() || 'UTC',
    durationMinutes: minutes,
  };
}

/**
 * Freeze windows of the Policies card: global ones (from the release manager's config,
 * not removable) and the service's, with when each applies; owners may add a one-off or
 * recurring window and remove the service's. `run` performs a change and reports it.
 */
export function FreezeWindowsSection(props: {
  windows?: FreezeWindowState[];
  environments: string[];
  editReason?: string;
  disabled: boolean;
  run: (what: string, fn: () => Promise<unknown>) => void;
  add: (spec: FreezeWindowSpec) => Promise<unknown>;
  remove: (id: string) => Promise<unknown>;
}) {
  const { windows, environments, editReason, disabled, run, add, remove } =
    props;
  const [form, setForm] = useState({
    environment: environments[environments.length - 1] ?? '',
    reason: '',
    kind: 'one-off' as 'one-off' | 'recurring',
    from: '',
    to: '',
    rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0',
    timeZone: DateTime.local().zoneName ?? 'UTC',
    durationMinutes: '3840',
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  const spec = freezeSpecOf(form);
  return (
    <>
      <List dense disablePadding>
        <ListSubheader disableGutters>Freeze windows</ListSubheader>
        {windows === undefined && (
          <ListItem disableGutters>
            <ListItemText secondary="Freeze windows could not be loaded" />
          </ListItem>
        )}
        {windows?.length === 0 && (
          <ListItem disableGutters>
            <ListItemText secondary="No freeze windows" />
          </ListItem>
        )}
        {windows?.map(w => (
          <ListItem key={w.id} disableGutters data-testid={`freeze-${w.id}`}>
            <ListItemText
              primary={
                <>
                  {w.environment}: {w.reason}{' '}
                  {w.global && <Chip size="small" label="global" />}
                </>
              }
              secondary={when(w)}
            />
            {!w.global && (
              <ListItemSecondaryAction>
                <WithReason reason={editReason}>
                  <IconButton
                    edge="end"
                    aria-label={`Delete freeze window ${w.id}`}
                    disabled={disabled}
                    onClick={() =>
                      run(`Deleted freeze window ${w.id}`, () => remove(w.id))
                    }
                  >
                    <DeleteIcon fontSize="small" />
                  </IconButton>
                </WithReason>
              </ListItemSecondaryAction>
            )}
          </ListItem>
        ))}
      </List>
      <Box
        mt={1}
        display="flex"
        flexWrap="wrap"
        style={{ gap: 8 }}
        alignItems="flex-end"
      >
        <TextField
          select
          label="Freeze"
          size="small"
          style={{ minWidth: 96 }}
          value={form.environment}
          onChange={set('environment')}
          disabled={disabled}
          inputProps={{ 'aria-label': 'freeze environment' }}
        >
          {environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="When"
          size="small"
          style={{ minWidth: 110 }}
          value={form.kind}
          onChange={set('kind')}
          disabled={disabled}
          inputProps={{ 'aria-label': 'freeze kind' }}
        >
          <MenuItem value="one-off">one-off</MenuItem>
          <MenuItem value="recurring">recurring</MenuItem>
        </TextField>
        {form.kind === 'one-off' ? (
          <>
            <TextField
              id="freeze-from"
              label="From"
              type="datetime-local"
              size="small"
              InputLabelProps={{ shrink: true }}
              value={form.from}
              onChange={set('from')}
              disabled={disabled}
            />
            <TextField
              id="freeze-to"
              label="To"
              type="datetime-local"
              size="small"
              InputLabelProps={{ shrink: true }}
              value={form.to}
              onChange={set('to')}
              disabled={disabled}
            />
          </>
        ) : (
          <>
            <TextField
              id="freeze-rrule"
              label="RRULE"
              size="small"
              value={form.rrule}
              onChange={set('rrule')}
              disabled={disabled}
            />
            <TextField
              id="freeze-zone"
              label="Time zone"
              size="small"
              value={form.timeZone}
              onChange={set('timeZone')}
              disabled={disabled}
            />
            <TextField
              id="freeze-minutes"
              label="Minutes"
              type="number"
              size="small"
              style={{ width: 96 }}
              value={form.durationMinutes}
              onChange={set('durationMinutes')}
              disabled={disabled}
            />
          </>
        )}
        <TextField
          id="freeze-reason"
          label="Reason"
          size="small"
          value={form.reason}
          onChange={set('reason')}
          disabled={disabled}
        />
        <WithReason
          reason={editReason ?? (typeof spec === 'string' ? spec : undefined)}
        >
          <Button
            size="small"
            variant="outlined"
            disabled={disabled || typeof spec === 'string'}
            onClick={() =>
              typeof spec !== 'string' &&
              run(`Froze ${spec.environment}: ${spec.reason}`, () => add(spec))
            }
          >
            Add freeze window
          </Button>
        </WithReason>
      </Box>
    </>
  );
}
