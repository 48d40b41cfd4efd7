import { Table, TableColumn } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { EnvironmentReleaseStatus } from '@slipway/plugin-release-manager-common';
import { ReactNode } from 'react';
import {
  ArtifactId,
  RelativeTime,
  RolloutLight,
  Secondary,
  ShortSha,
} from './common';

/**
 * One row per environment, in configured order: artifact, branch, commit, author,
 * released by and when, and the rollout light. `actions` adds a column of buttons;
 * `badges` adds chips under each environment's name.
 */
export function EnvironmentsTable(props: {
  environments: EnvironmentReleaseStatus[];
  actions?: (env: EnvironmentReleaseStatus) => ReactNode;
  /** Chips under the environment's name (freeze, paused auto-release). */
  badges?: (env: EnvironmentReleaseStatus) => ReactNode;
  title?: string;
  /** Fewer, combined columns (for the overview card). */
  compact?: boolean;
}) {
  const artifactColumn: TableColumn<EnvironmentReleaseStatus> = {
    title: 'Artifact',
    render: env =>
      env.tag ? (
        <>
          <ArtifactId id={env.tag} />
          <Box>
            <Secondary>
              {props.compact ? (
                <>
                  {env.branch ?? '—'} ·{' '}
                  <ShortSha sha={env.sha} url={env.commitUrl} />
                  {env.author ? ` · ${env.author}` : ''}
                  <br />
                  released by {env.releasedByName ?? '—'},{' '}
                  <RelativeTime iso={env.releasedAt} />
                  {env.intent && env.intent !== 'ReleaseArtifact'
                    ? ` · ${env.intent}`
                    : ''}
                </>
              ) : (
                env.message?.split('\n')[0]
              )}
            </Secondary>
          </Box>
        </>
      ) : (
        <Secondary>nothing released</Secondary>
      ),
  };
  const releasedColumn: TableColumn<EnvironmentReleaseStatus> = {
    title: 'Released',
    render: env =>
      env.tag ? (
        <>
          {env.releasedByName ?? '—'}
          <Box>
            <Secondary>
              <RelativeTime iso={env.releasedAt} />
              {env.intent && env.intent !== 'ReleaseArtifact'
                ? ` · ${env.intent}`
                : ''}
            </Secondary>
          </Box>
        </>
      ) : (
        '—'
      ),
  };
  const columns: TableColumn<EnvironmentReleaseStatus>[] = [
    {
      title: 'Environment',
      field: 'name',
      width: props.badges ? undefined : '110px',
      render: env => (
        <>
          <strong>{env.name}</strong>
          {props.badges && <Box mt={0.5}>{props.badges(env)}</Box>}
        </>
      ),
    },
    artifactColumn,
    ...(props.compact
      ? []
      : [
          {
            title: 'Commit',
            render: (env: EnvironmentReleaseStatus) =>
              env.tag ? (
                <>
                  {env.branch ?? '—'}
                  <Box>
                    <Secondary>
                      <ShortSha sha={env.sha} url={env.commitUrl} />
                      {env.author ? ` · ${env.author}` : ''}
                    </Secondary>
                  </Box>
                </>
              ) : (
                '—'
              ),
          },
        ]),
    ...(props.compact ? [] : [releasedColumn]),
    {
      title: 'Rollout',
      width: props.compact ? '150px' : undefined,
      render: env => (env.tag ? <RolloutLight rollout={env.rollout} /> : '—'),
    },
  ];
  if (props.actions) {
    columns.push({ title: '', render: env => props.actions!(env) });
  }
  return (
    <Table
      title={props.title}
      options={{
        paging: false,
        search: false,
        sorting: false,
        draggable: false,
        toolbar: Boolean(props.title),
        padding: 'dense',
      }}
      columns={columns}
      data={props.environments}
    />
  );
}

/** Failing containers of each environment's rollout, with their last log lines. */
export function RolloutProblems(props: {
  environments: EnvironmentReleaseStatus[];
}) {
  const failing = props.environments.filter(
    e =>
      e.rollout?.phase === 'failed' &&
      (e.rollout.errors.length > 0 || e.rollout.fluxMessage),
  );
  if (failing.length === 0) return null;
  return (
    <Box mt={2}>
      {failing.map(env => (
        <Box key={env.name} mb={2}>
          <Typography variant="subtitle2" color="error">
            {env.name}: {env.tag} is failing
          </Typography>
          {env.rollout!.errors.length === 0 && (
            // The apply failed before any pod ran (invalid manifests, a missing
            // image ...): the cluster's (Flux's) own message says why.
            <Typography variant="body2">{env.rollout!.fluxMessage}</Typography>
          )}
          {env.rollout!.errors.map((error, i) => (
            <Box key={i} mt={1}>
              <Typography variant="body2">
                {[error.podName, error.container].filter(Boolean).join(' / ')}
                {error.reason ? ` — ${error.reason}` : ''}
                {error.message ? `: ${error.message}` : ''}
              </Typography>
              {error.logs && error.logs.length > 0 && (
                <Box
                  component="pre"
                  aria-label={`last log lines of ${error.container}`}
                  style={{
                    margin: '4px 0 0',
                    padding: 8,
                    fontSize: 12,
                    overflowX: 'auto',
                    background: 'rgba(127,127,127,0.12)',
                  }}
                >
                  {error.logs.join('\n')}
                </Box>
              )}
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
