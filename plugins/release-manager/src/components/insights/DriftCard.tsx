import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  ArtifactWithLinks,
  DriftService,
  InsightsScopeEntity,
} from '@slipway/plugin-release-manager-common';
import { DateTime } from 'luxon';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseManagerApiRef } from '../../api/ReleaseManagerApi';
import { ReleasePlan, ReleaseDialog } from '../ReleaseDialog';
import { entityPath, useInsightsClient } from './insightsApi';

/** "3 d 4 h" from hours. */
function age(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.floor(hours / 24)} d ${Math.round(hours % 24)} h`;
}

/**
 * Environment drift of a team or system: a services × environments matrix of what
 * runs where, and the services with artifacts in the source environment (staging)
 * that the target (prod) does not run yet, longest wait first, each with its
 * artifacts and commits and a Promote button that opens the usual release dialog.
 */
export function DriftCard(props: { entityRefs: string[]; title?: string }) {
  const { entityRefs, title = 'Environment drift' } = props;
  const client = useInsightsClient();
  const releaseApi = useApi(releaseManagerApiRef);
  const [plan, setPlan] = useState<ReleasePlan>();
  const key = entityRefs.join(',');
  const { value, loading, error, retry } = useAsyncRetry(
    () => client.drift(key.split(',')),
    [client, key],
  );

  if (loading && !value)
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  if (error)
    return (
      <InfoCard title={title}>
        <ResponseErrorPanel error={error} />
      </InfoCard>
    );
  if (!value || !value.services.length)
    return (
      <InfoCard title={title}>
        <EmptyState
          missing="data"
          title="No services"
          description="No components with a release-manager annotation here."
        />
      </InfoCard>
    );

  const entityOf = new Map<string, InsightsScopeEntity>(
    value.entities.map(e => [e.service, e]),
  );
  const waiting = value.services.filter(s => s.pending.length);
  const promote = (s: DriftService) => {
    const entity = entityOf.get(s.service);
    if (!entity) return;
    const cell = (env: string) => s.environments[env] ?? undefined;
    const asArtifact = (id: string, sha?: string, message?: string) =>
      ({
        id,
        service: s.service,
        application: { sha, message },
      } as ArtifactWithLinks);
    const source = cell(value.from)!;
    setPlan({
      action: 'Promote',
      environment: value.to,
      from: cell(value.to)
        ? asArtifact(cell(value.to)!.artifactId, cell(value.to)!.sha)
        : undefined,
      to: asArtifact(source.artifactId, source.sha, s.pending[0]?.message),
      commits: s.pending.map(p => asArtifact(p.artifactId, p.sha, p.message)),
      run: async () => {
        await releaseApi.promote(parseEntityRef(entity.entityRef), value.to);
      },
    });
  };

  return (
    <InfoCard title={title} subheader={`${value.from} → ${value.to}`}>
      <Typography variant="subtitle2">
        Waiting for {value.to} ({waiting.length})
      </Typography>
      {waiting.length ? (
        <Table size="small" aria-label="waiting for promotion">
          <TableBody>
            {waiting.map(s => (
              <TableRow key={s.service} data-testid={`waiting-${s.service}`}>
                <TableCell>
                  <Link
                    to={
                      entityOf.get(s.service)
                        ? `${entityPath(
                            entityOf.get(s.service)!.entityRef,
                          )}/releases`
                        : '/catalog'
                    }
                  >
                    {s.service}
                  </Link>
                  <Typography variant="caption" display="block">
                    {s.pending.length} artifact
                    {s.pending.length === 1 ? '' : 's'} waiting{' '}
                    {age(s.waitingHours ?? 0)}
                  </Typography>
                </TableCell>
                <TableCell>
                  {s.pending.slice(0, 3).map(p => (
                    <Typography
                      key={p.artifactId}
                      variant="caption"
                      display="block"
                    >
                      <code>{p.sha?.slice(0, 7) ?? p.artifactId}</code>{' '}
                      {p.message ?? ''}
                      {p.authorName ? ` (${p.authorName})` : ''}
                    </Typography>
                  ))}
                  {s.pending.length > 3 && (
                    <Typography variant="caption">
                      and {s.pending.length - 3} more
                    </Typography>
                  )}
                </TableCell>
                <TableCell align="right">
                  <Button
                    size="small"
                    variant="outlined"
                    color="primary"
                    disabled={
                      !entityOf.get(s.service) || !s.environments[value.from]
                    }
                    onClick={() => promote(s)}
                  >
                    Promote to {value.to}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Nothing waits: {value.to} runs what {value.from} runs.
        </Typography>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2">What runs where</Typography>
        <Table size="small" aria-label="what runs where">
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              {value.environments.map(env => (
                <TableCell key={env}>{env}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {value.services.map(s => (
              <TableRow key={s.service}>
                <TableCell>{s.service}</TableCell>
                {value.environments.map(env => {
                  const c = s.environments[env];
                  return (
                    <TableCell key={env}>
                      {c ? (
                        <>
                          <code>{c.sha?.slice(0, 7) ?? c.artifactId}</code>
                          <Typography variant="caption" display="block">
                            {DateTime.fromISO(c.releasedAt).toRelative()}
                          </Typography>
                        </>
                      ) : (
                        <Typography variant="caption">–</Typography>
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      <ReleaseDialog
        plan={plan}
        onClose={released => {
          setPlan(undefined);
          if (released) retry();
        }}
      />
    </InfoCard>
  );
}
