import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
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
import Alert from '@material-ui/lab/Alert';
import {
  EntityPolicies,
  FreezeWindowState,
} from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { releaseManagerApiRef } from '../api/ReleaseManagerApi';
import { AutoRollbackSection } from './AutoRollbackSection';
import { errorMessage, WithReason } from './common';
import { FreezeWindowsSection } from './FreezeWindowsSection';

/**
 * The service's auto-release and branch-restriction policies, freeze windows and
 * automatic rollback policies. Owners can add and remove them (global restrictions and
 * freeze windows from the release manager's config cannot be removed); others see them
 * with disabled controls and a tooltip saying why.
 */
export function PoliciesCard(props: {
  entityRef: CompoundEntityRef;
  policies: EntityPolicies;
  /** The freeze windows (`GET …/freezes`); undefined when they could not be loaded. */
  freezeWindows?: FreezeWindowState[];
  environments: string[];
  /** Why the user may not edit (undefined: they may). */
  editReason?: string;
  onChanged: () => void;
}) {
  const { entityRef, policies, environments, editReason, onChanged } = props;
  const api = useApi(releaseManagerApiRef);
  const alertApi = useApi(alertApiRef);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [branch, setBranch] = useState('main');
  const [autoEnv, setAutoEnv] = useState(environments[0] ?? '');
  const [restrictEnv, setRestrictEnv] = useState(
    environments[environments.length - 1] ?? '',
  );
  const [regex, setRegex] = useState('main');

  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      alertApi.post({
        message: what,
        severity: 'success',
        display: 'transient',
      });
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const disabled = Boolean(editReason) || busy;

  return (
    <InfoCard title="Policies">
      <List dense disablePadding>
        <ListSubheader disableGutters>Auto-release</ListSubheader>
        {(policies.autoReleases ?? []).length === 0 && (
          <ListItem disableGutters>
            <ListItemText secondary="No auto-release policies" />
          </ListItem>
        )}
        {(policies.autoReleases ?? []).map(p => (
          <ListItem key={p.id} disableGutters>
            <ListItemText
              primary={`${p.branch} → ${p.environment}`}
              secondary={`artifacts from ${p.branch} are released to ${p.environment}`}
            />
            <ListItemSecondaryAction>
              <WithReason reason={editReason}>
                <IconButton
                  edge="end"
                  aria-label={`Delete policy ${p.id}`}
                  disabled={disabled}
                  onClick={() =>
                    run(`Deleted ${p.id}`, () =>
                      api.deletePolicy(entityRef, p.id),
                    )
                  }
                >
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </WithReason>
            </ListItemSecondaryAction>
          </ListItem>
        ))}
        <ListSubheader disableGutters>Branch restrictions</ListSubheader>
        {(policies.branchRestrictions ?? []).length === 0 && (
          <ListItem disableGutters>
            <ListItemText secondary="No branch restrictions" />
          </ListItem>
        )}
        {(policies.branchRestrictions ?? []).map(p => (
          <ListItem key={p.id} disableGutters>
            <ListItemText
              primary={
                <>
                  {p.environment}: <code>{p.branchRegex}</code>{' '}
                  {p.global && <Chip size="small" label="global" />}
                </>
              }
              secondary={
                p.global
                  ? 'set in the release manager config; cannot be removed here'
                  : `only branches matching ${p.branchRegex}`
              }
            />
            {!p.global && (
              <ListItemSecondaryAction>
                <WithReason reason={editReason}>
                  <IconButton
                    edge="end"
                    aria-label={`Delete policy ${p.id}`}
                    disabled={disabled}
                    onClick={() =>
                      run(`Deleted ${p.id}`, () =>
                        api.deletePolicy(entityRef, p.id),
                      )
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
        mt={2}
        display="flex"
        flexWrap="wrap"
        style={{ gap: 8 }}
        alignItems="flex-end"
      >
        <TextField
          label="Branch"
          size="small"
          value={branch}
          onChange={e => setBranch(e.target.value)}
          disabled={disabled}
        />
        <TextField
          select
          label="to"
          style={{ minWidth: 96 }}
          size="small"
          value={autoEnv}
          onChange={e => setAutoEnv(e.target.value)}
          disabled={disabled}
          inputProps={{ 'aria-label': 'auto-release environment' }}
        >
          {environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </TextField>
        <WithReason reason={editReason}>
          <Button
            size="small"
            variant="outlined"
            disabled={disabled || !branch}
            onClick={() =>
              run(`Auto-release ${branch} → ${autoEnv}`, () =>
                api.applyAutoReleasePolicy(entityRef, autoEnv, branch),
              )
            }
          >
            Add auto-release
          </Button>
        </WithReason>
      </Box>
      <Box
        mt={2}
        display="flex"
        flexWrap="wrap"
        style={{ gap: 8 }}
        alignItems="flex-end"
      >
        <TextField
          select
          label="Environment"
          style={{ minWidth: 110 }}
          size="small"
          value={restrictEnv}
          onChange={e => setRestrictEnv(e.target.value)}
          disabled={disabled}
          inputProps={{ 'aria-label': 'restricted environment' }}
        >
          {environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Branch regex"
          size="small"
          value={regex}
          onChange={e => setRegex(e.target.value)}
          disabled={disabled}
        />
        <WithReason reason={editReason}>
          <Button
            size="small"
            variant="outlined"
            disabled={disabled || !regex}
            onClick={() =>
              run(`Branch restriction on ${restrictEnv}: ${regex}`, () =>
                api.applyBranchRestrictionPolicy(entityRef, restrictEnv, regex),
              )
            }
          >
            Restrict
          </Button>
        </WithReason>
      </Box>
      <Box mt={2}>
        <FreezeWindowsSection
          windows={props.freezeWindows}
          environments={environments}
          editReason={editReason}
          disabled={disabled}
          run={run}
          add={spec => api.addFreeze(entityRef, spec)}
          remove={id => api.removeFreeze(entityRef, id)}
        />
      </Box>
      <Box mt={2}>
        <AutoRollbackSection
          policies={policies.autoRollbacks}
          environments={environments}
          editReason={editReason}
          disabled={disabled}
          run={run}
          apply={policy => api.applyAutoRollbackPolicy(entityRef, policy)}
          remove={id => api.deletePolicy(entityRef, id)}
        />
      </Box>
      {error && (
        <Box mt={2}>
          <Alert severity="error">{error}</Alert>
        </Box>
      )}
    </InfoCard>
  );
}
