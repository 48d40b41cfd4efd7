import {
  Box,
  Button,
  Checkbox,
  FormControlLabel,
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
import { AutoRollbackPolicy } from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { WithReason } from './common';

/** A policy's triggers in words, e.g. `rollout fails · not ready within 10 min`. */
export function triggersOf(p: Omit<AutoRollbackPolicy, 'id'>): string {
  return [
    p.onRolloutFailure ? 'rollout fails' : '',
    p.notReadyWithinMinutes
      ? `not ready within ${p.notReadyWithinMinutes} min`
      : '',
    p.healthRedWithinMinutes
      ? `health red within ${p.healthRedWithinMinutes} min`
      : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Minutes from a form field: undefined when empty, NaN when not 1 to 1440. */
function minutesOf(text: string): number | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 1440 ? n : NaN;
}

/**
 * Automatic rollback policies of the Policies card, one per environment, with their
 * triggers; owners may set one (environment + triggers: rollout fails, not ready within
 * N minutes, health red within N minutes; 1 to 1440) and remove it.
 */
export function AutoRollbackSection(props: {
  policies?: AutoRollbackPolicy[];
  environments: string[];
  editReason?: string;
  disabled: boolean;
  run: (what: string, fn: () => Promise<unknown>) => void;
  apply: (policy: Omit<AutoRollbackPolicy, 'id'>) => Promise<unknown>;
  remove: (id: string) => Promise<unknown>;
}) {
  const { policies, environments, editReason, disabled, run, apply, remove } =
    props;
  const [environment, setEnvironment] = useState(environments[0] ?? '');
  const [onRolloutFailure, setOnRolloutFailure] = useState(true);
  const [notReady, setNotReady] = useState('');
  const [healthRed, setHealthRed] = useState('');
  const notReadyWithinMinutes = minutesOf(notReady);
  const healthRedWithinMinutes = minutesOf(healthRed);
  let invalid: string | undefined;
  if (
    Number.isNaN(notReadyWithinMinutes) ||
    Number.isNaN(healthRedWithinMinutes)
  )
    invalid = 'Minutes must be a whole number from 1 to 1440';
  else if (
    !onRolloutFailure &&
    notReadyWithinMinutes === undefined &&
    healthRedWithinMinutes === undefined
  )
    invalid = 'Choose at least one trigger';
  const policy = {
    environment,
    onRolloutFailure,
    ...(notReadyWithinMinutes !== undefined ? { notReadyWithinMinutes } : {}),
    ...(healthRedWithinMinutes !== undefined ? { healthRedWithinMinutes } : {}),
  };
  return (
    <>
      <List dense disablePadding>
        <ListSubheader disableGutters>Automatic rollback</ListSubheader>
        {(policies ?? []).length === 0 && (
          <ListItem disableGutters>
            <ListItemText secondary="No automatic rollback policies" />
          </ListItem>
        )}
        {(policies ?? []).map(p => (
          <ListItem key={p.id} disableGutters>
            <ListItemText
              primary={`${p.environment}: roll back when ${triggersOf(p)}`}
            />
            <ListItemSecondaryAction>
              <WithReason reason={editReason}>
                <IconButton
                  edge="end"
                  aria-label={`Delete policy ${p.id}`}
                  disabled={disabled}
                  onClick={() => run(`Deleted ${p.id}`, () => remove(p.id))}
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </WithReason>
            </ListItemSecondaryAction>
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
          label="Roll back in"
          size="small"
          style={{ minWidth: 110 }}
          value={environment}
          onChange={e => setEnvironment(e.target.value)}
          disabled={disabled}
          inputProps={{ 'aria-label': 'auto-rollback environment' }}
        >
          {environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={onRolloutFailure}
              onChange={e => setOnRolloutFailure(e.target.checked)}
              disabled={disabled}
            />
          }
          label="rollout fails"
        />
        <TextField
          id="auto-rollback-not-ready"
          label="Not ready within (min)"
          size="small"
          style={{ width: 150 }}
          value={notReady}
          onChange={e => setNotReady(e.target.value)}
          disabled={disabled}
        />
        <TextField
          id="auto-rollback-health-red"
          label="Health red within (min)"
          size="small"
          style={{ width: 150 }}
          value={healthRed}
          onChange={e => setHealthRed(e.target.value)}
          disabled={disabled}
        />
        <WithReason reason={editReason ?? invalid}>
          <Button
            size="small"
            variant="outlined"
            disabled={disabled || Boolean(invalid)}
            onClick={() =>
              run(
                `Automatic rollback in ${environment}: ${triggersOf(policy)}`,
                () => apply(policy),
              )
            }
          >
            Set auto-rollback
          </Button>
        </WithReason>
      </Box>
    </>
  );
}
