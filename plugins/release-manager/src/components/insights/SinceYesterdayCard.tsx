import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  Box,
  List,
  ListItem,
  ListItemText,
  MenuItem,
  Select,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import {
  InsightsEvent,
  InsightsScopeEntity,
} from '@slipway/plugin-release-manager-common';
import { DateTime } from 'luxon';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { entityPath, FeedRange, useInsightsClient } from './insightsApi';

const RANGES: Record<FeedRange, string> = {
  'since-yesterday': "Since yesterday's end of day",
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

const KIND_LABEL: Record<InsightsEvent['kind'], string> = {
  release: 'Released',
  promote: 'Promoted',
  rollback: 'Rolled back',
  'auto-release': 'Auto-released',
  'rollout-failed': 'Rollout failed',
  'rollout-recovered': 'Rollout recovered',
  'incident-opened': 'Incident opened',
  'incident-resolved': 'Incident resolved',
};

/** Where a feed line links: the incident, or the service's Releases tab. */
function linkOf(e: InsightsEvent, entity?: InsightsScopeEntity): string {
  if (e.url) return e.url;
  if (!entity) return '/catalog';
  const path = entityPath(entity.entityRef);
  return e.kind.startsWith('incident') ? path : `${path}/releases`;
}

/**
 * "What happened since yesterday" for a team, system or components: releases,
 * promotions, rollbacks, rollouts that failed or recovered and incidents, grouped by
 * service (the service with the newest event first), newest first, each linking to
 * the service's Releases tab or the incident. A range selector picks since yesterday's
 * end of day (in the browser's time zone), the last 24 hours or 7 days.
 */
export function SinceYesterdayCard(props: {
  /** Groups, systems or components whose services to show. */
  entityRefs: string[];
  title?: string;
}) {
  const { entityRefs, title = 'Since yesterday' } = props;
  const client = useInsightsClient();
  const [range, setRange] = useState<FeedRange>('since-yesterday');
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const key = entityRefs.join(',');
  const { value, loading, error } = useAsync(
    () => client.events(key.split(','), range, zone),
    [client, key, range, zone],
  );

  const selector = (
    <Select
      value={range}
      onChange={e => setRange(e.target.value as FeedRange)}
      inputProps={{ 'aria-label': 'time range' }}
    >
      {Object.entries(RANGES).map(([k, label]) => (
        <MenuItem key={k} value={k}>
          {label}
        </MenuItem>
      ))}
    </Select>
  );

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value || !value.events.length) {
    body = (
      <EmptyState
        missing="data"
        title="Nothing happened"
        description={
          value?.entities.length
            ? `No releases, rollouts or incidents of ${
                value.entities.length
              } services ${RANGES[range].toLocaleLowerCase('en-US')}.`
            : 'No services with a release-manager annotation here.'
        }
      />
    );
  } else {
    const entities = new Map(value.entities.map(e => [e.service, e]));
    const groups = new Map<string, InsightsEvent[]>();
    for (const e of value.events) {
      if (!groups.has(e.service)) groups.set(e.service, []);
      groups.get(e.service)!.push(e);
    }
    body = (
      <>
        {value.warnings.map(w => (
          <Alert key={w} severity="warning">
            {w}
          </Alert>
        ))}
        {[...groups.entries()].map(([service, events]) => (
          <Box key={service} mb={1} data-testid={`feed-${service}`}>
            <Typography variant="subtitle2">
              <Link
                to={
                  entities.get(service)
                    ? entityPath(entities.get(service)!.entityRef)
                    : '/catalog'
                }
              >
                {entities.get(service)?.title ?? service}
              </Link>{' '}
              <Typography variant="caption" color="textSecondary">
                {events.length} event{events.length === 1 ? '' : 's'}
              </Typography>
            </Typography>
            <List dense disablePadding>
              {events.map(e => (
                <ListItem
                  key={`${e.kind}-${e.at}-${e.commit ?? e.incidentId ?? ''}`}
                  disableGutters
                >
                  <ListItemText
                    primary={
                      <Link to={linkOf(e, entities.get(service))}>
                        {KIND_LABEL[e.kind]}
                        {e.environment ? ` · ${e.environment}` : ''}
                      </Link>
                    }
                    secondary={`${e.message} — ${DateTime.fromISO(
                      e.at,
                    ).toRelative()}`}
                  />
                </ListItem>
              ))}
            </List>
          </Box>
        ))}
        {value.truncated && (
          <Typography variant="caption">
            Only the newest {value.events.length} events are shown.
          </Typography>
        )}
      </>
    );
  }
  return (
    <InfoCard title={title} action={<Box mt={1}>{selector}</Box>}>
      {body}
    </InfoCard>
  );
}
