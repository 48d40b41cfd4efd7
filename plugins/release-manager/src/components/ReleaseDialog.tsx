import {
  Box,
  Button,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ArtifactWithLinks,
  BranchRestrictionPolicy,
  IntentType,
} from '@slipway/plugin-release-manager-common';
import { useState } from 'react';
import { usePreflight } from '../hooks/usePreflight';
import { errorMessage, Secondary, ShortSha } from './common';
import { OverrideForm, OverrideNeeds, Overrides } from './OverrideForm';
import { PreflightPanel } from './PreflightPanel';

/** An artifact as the dialog shows it (only the id may be known). */
export type DialogArtifact = Partial<ArtifactWithLinks> & { id: string };

/** What a confirmation dialog is about. */
export type ReleasePlan = {
  /** `Deploy`, `Promote` or `Roll back`. */
  action: string;
  environment: string;
  /** What runs there now, if anything. */
  from?: DialogArtifact;
  /** What will run there. */
  to: DialogArtifact;
  /** The commits the change adds (or, for a rollback, removes), newest first. */
  commits: ArtifactWithLinks[];
  /** Whether `commits` are removed (rollback) rather than added. */
  removes?: boolean;
  /** The branch restriction that will refuse this release, if one will. */
  restriction?: BranchRestrictionPolicy;
  /** Performs the release; its error is shown in the dialog. */
  run: () => Promise<void>;
  /**
   * The safe-delivery side of the release: with it, the dialog shows every promotion
   * gate's result, the freeze state and who is on call before the click, and offers
   * break glass / gate override (through `runWithOverrides`) when the release is
   * frozen, gated or refused with a 409.
   */
  safety?: {
    entityRef: CompoundEntityRef;
    intent: IntentType;
    /** The artifact that would go out; absent for a promotion (the server resolves it). */
    artifactId?: string;
    /** Performs the release through `POST …/releases` with the overrides. */
    runWithOverrides: (overrides: Overrides) => Promise<void>;
  };
};

/** Is `error` a refusal (409: frozen, gated) that an override may get past? */
function isRefusal(error?: Error): boolean {
  return (
    (error as ResponseError | undefined)?.statusCode === 409 ||
    (error as { response?: { status?: number } } | undefined)?.response
      ?.status === 409
  );
}

/**
 * What an override has to get past: the freeze and failing gates the preflight found,
 * or, after a 409 it did not foresee, what the refusal's message names.
 */
function overrideNeeds(
  frozen: boolean,
  gatesFail: boolean,
  error?: Error,
): OverrideNeeds | undefined {
  if (frozen || gatesFail)
    return { breakGlass: frozen, overrideGates: gatesFail };
  if (!isRefusal(error)) return undefined;
  const frozenMessage = /frozen/i.test(errorMessage(error));
  return { breakGlass: frozenMessage, overrideGates: !frozenMessage };
}

function ArtifactLine(props: { label: string; artifact?: DialogArtifact }) {
  const { label, artifact } = props;
  return (
    <Box display="flex" alignItems="baseline" mb={1} style={{ gap: 8 }}>
      <Typography variant="body2" style={{ width: 48 }}>
        {label}
      </Typography>
      {artifact ? (
        <Box>
          <code>{artifact.id}</code>
          <Box>
            <Secondary>
              {artifact.application?.branch ?? ''}{' '}
              {artifact.application?.sha && (
                <ShortSha
                  sha={artifact.application.sha}
                  url={artifact.commitUrl}
                />
              )}{' '}
              {artifact.application?.message?.split('\n')[0] ?? ''}
            </Secondary>
          </Box>
        </Box>
      ) : (
        <Secondary>nothing released yet</Secondary>
      )}
    </Box>
  );
}

/**
 * Confirmation before a release: from which artifact to which, the commits in between,
 * and — before the user clicks — the branch restriction that will refuse it and (with
 * `plan.safety`) every promotion gate's result, the freeze state and who is on call now.
 * When the release is frozen, gated or refused (409), owners may break glass / override
 * the gates with a typed reason. Production releases get a warning. Shows the release
 * manager's error when the release fails.
 */
export function ReleaseDialog(props: {
  plan?: ReleasePlan;
  onClose: (released: boolean) => void;
}) {
  const { plan, onClose } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const safety = plan?.safety;
  const preflight = usePreflight(
    plan && safety
      ? {
          entityRef: safety.entityRef,
          environment: plan.environment,
          intent: safety.intent,
          artifactId: safety.artifactId,
        }
      : undefined,
  );
  if (!plan) return null;

  const gates = preflight.gates.value;
  const frozen = Boolean(gates?.freeze);
  const gatesFail = Boolean(gates?.gates.some(g => g.outcome === 'failed'));
  const needs = safety ? overrideNeeds(frozen, gatesFail, error) : undefined;

  const confirm = async (overrides?: Overrides) => {
    setBusy(true);
    setError(undefined);
    try {
      if (overrides && safety) await safety.runWithOverrides(overrides);
      else await plan.run();
      setBusy(false);
      onClose(true);
    } catch (e) {
      setBusy(false);
      setError(e as Error);
    }
  };
  const isProd = /^prod/.test(plan.environment);
  const title = `${plan.action} to ${plan.environment}`;

  return (
    <Dialog
      open
      onClose={() => !busy && onClose(false)}
      maxWidth="md"
      fullWidth
      aria-labelledby="release-dialog-title"
    >
      <DialogTitle id="release-dialog-title">{title}</DialogTitle>
      <DialogContent>
        {isProd && !plan.restriction && (
          <Box mb={2}>
            <Alert severity="warning">
              This changes what runs in production.
            </Alert>
          </Box>
        )}
        {plan.restriction && (
          <Box mb={2}>
            <Alert severity="error">
              Branch restriction <code>{plan.restriction.id}</code> will refuse
              this: {plan.environment} only accepts branches matching{' '}
              <code>{plan.restriction.branchRegex}</code>, and{' '}
              <code>{plan.to.application?.branch ?? '(unknown branch)'}</code>{' '}
              does not match.
            </Alert>
          </Box>
        )}
        {safety && (
          <PreflightPanel gates={preflight.gates} onCall={preflight.onCall} />
        )}
        <ArtifactLine label="From" artifact={plan.from} />
        <ArtifactLine label="To" artifact={plan.to} />
        {plan.commits.length > 0 && (
          <Box mt={2}>
            <Typography variant="subtitle2">
              {plan.removes
                ? `Commits this takes out (${plan.commits.length})`
                : `Commits this brings (${plan.commits.length})`}
            </Typography>
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {plan.commits.map(c => (
                <li key={c.id}>
                  <ShortSha sha={c.application?.sha} url={c.commitUrl} />{' '}
                  {c.application?.message?.split('\n')[0] ?? ''}{' '}
                  <Secondary>{c.application?.authorName ?? ''}</Secondary>
                </li>
              ))}
            </ul>
          </Box>
        )}
        {error && (
          <Box mt={2}>
            <Alert severity="error">{errorMessage(error)}</Alert>
          </Box>
        )}
        {safety && needs && !plan.restriction && (
          <OverrideForm
            entityRef={safety.entityRef}
            needs={needs}
            busy={busy}
            onSubmit={overrides => confirm(overrides)}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => onClose(false)} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={() => confirm()}
          disabled={busy || Boolean(plan.restriction) || frozen || gatesFail}
          startIcon={busy ? <CircularProgress size={16} /> : undefined}
        >
          {title}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * The artifacts between what runs (`fromId`) and the target (`toId`) in a newest-first
 * list, on the target's branch: the ones a release adds, or (`removes`) the ones a
 * rollback takes out. Empty when either is not in the list.
 */
export function commitsBetween(
  artifacts: ArtifactWithLinks[],
  fromId: string | undefined,
  toId: string,
): { commits: ArtifactWithLinks[]; removes: boolean } {
  const to = artifacts.findIndex(a => a.id === toId);
  const from = fromId ? artifacts.findIndex(a => a.id === fromId) : -1;
  if (to < 0) return { commits: [], removes: false };
  const branch = artifacts[to].application?.branch;
  const sameBranch = (a: ArtifactWithLinks) => a.application?.branch === branch;
  if (from < 0) {
    return { commits: [artifacts[to]], removes: false };
  }
  if (to < from) {
    return {
      commits: artifacts.slice(to, from).filter(sameBranch),
      removes: false,
    };
  }
  return {
    commits: artifacts.slice(from, to).filter(sameBranch),
    removes: true,
  };
}
