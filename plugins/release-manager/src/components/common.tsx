import {
  Link,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { Tooltip, Typography } from '@material-ui/core';
import { RolloutStatus } from '@slipway/plugin-release-manager-common';
import { DateTime } from 'luxon';
import { ReactNode } from 'react';

/**
 * The message to show for a failed call: the backend's own message (e.g. the branch
 * restriction that refused a release) rather than `Request failed with 400 ...`.
 */
export function errorMessage(error: unknown): string {
  const e = error as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return e?.body?.error?.message || e?.message || String(error);
}

/** The first 7 characters of a sha, linking to the commit when a link is known. */
export function ShortSha(props: { sha?: string; url?: string }) {
  const { sha, url } = props;
  if (!sha) return <>—</>;
  const short = sha.slice(0, 7);
  return url ? (
    <Link to={url} title={sha}>
      <code style={{ whiteSpace: 'nowrap' }}>{short}</code>
    </Link>
  ) : (
    <code title={sha} style={{ whiteSpace: 'nowrap' }}>
      {short}
    </code>
  );
}

/** An artifact id in a small monospace font (wraps anywhere when space is short). */
export function ArtifactId(props: { id: string }) {
  return (
    <code style={{ fontSize: '0.85em', overflowWrap: 'anywhere' }}>
      {props.id}
    </code>
  );
}

/** A relative time ("3 hours ago") with the exact time as tooltip. */
export function RelativeTime(props: { iso?: string }) {
  if (!props.iso) return <>—</>;
  const time = DateTime.fromISO(props.iso);
  if (!time.isValid) return <>{props.iso}</>;
  return (
    <Tooltip title={time.toLocaleString(DateTime.DATETIME_FULL)}>
      <span style={{ whiteSpace: 'nowrap' }}>{time.toRelative()}</span>
    </Tooltip>
  );
}

/** The rollout light: ready n/m, progressing n/m, failed, or unknown. */
export function RolloutLight(props: { rollout?: RolloutStatus }) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <RolloutLightInner rollout={props.rollout} />
    </span>
  );
}

function RolloutLightInner(props: { rollout?: RolloutStatus }) {
  const { rollout } = props;
  const counts =
    rollout?.availableReplicas !== undefined
      ? ` ${rollout.availableReplicas}/${rollout.desiredReplicas ?? '?'}`
      : '';
  switch (rollout?.phase) {
    case 'succeeded':
      return <StatusOK>ready{counts}</StatusOK>;
    case 'progressing':
      return <StatusRunning>progressing{counts}</StatusRunning>;
    case 'failed': {
      // A container's reason (CrashLoopBackOff ...), else the Flux event's reason
      // (`ReconciliationFailed: <message>`): the apply itself failed.
      const reason =
        rollout.errors[0]?.reason ?? rollout.fluxMessage?.split(':')[0];
      return <StatusError>failed{reason ? `: ${reason}` : ''}</StatusError>;
    }
    case 'unknown':
      return <StatusPending>not reported</StatusPending>;
    default:
      return <StatusAborted>not released</StatusAborted>;
  }
}

/** A disabled-aware button wrapper: shows `reason` as tooltip when it is set. */
export function WithReason(props: { reason?: string; children: ReactNode }) {
  if (!props.reason) return <>{props.children}</>;
  return (
    <Tooltip title={props.reason}>
      <span>{props.children}</span>
    </Tooltip>
  );
}

/** Secondary text under a primary value. */
export function Secondary(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="span">
      {props.children}
    </Typography>
  );
}
