import { stringifyEntityRef, getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EntityHealth,
  HealthLight as Light,
  isServiceHealthApplicable,
  SERVICE_HEALTH_SIGNALS_ANNOTATION,
} from '@slipway/plugin-service-health-common';
import { Box, IconButton, Tooltip, Typography } from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { serviceHealthApiRef } from '../api';
import { formatThresholds, formatValue } from './format';
import { HealthLight, lightLabels } from './HealthLight';

/** One row of the card: a signal, the rollout or the incidents. */
interface Row {
  id: string;
  light: Light;
  title: string;
  detail?: string;
  error?: boolean;
  value?: string;
  thresholds?: string;
  dashboardUrl?: string;
  queryUrl?: string;
}

function toRows(health: EntityHealth): Row[] {
  return [
    ...health.signals.map(s => ({
      id: `signal:${s.id}`,
      light: s.light,
      title: s.title,
      detail: s.error ? `Query error: ${s.error}` : s.reason,
      error: Boolean(s.error),
      value: s.value === null ? '–' : formatValue(s.value, s.unit),
      thresholds: formatThresholds(s),
      dashboardUrl: s.dashboardUrl,
      queryUrl: s.queryUrl,
    })),
    {
      id: 'rollout',
      light: health.rollout.light,
      title: 'Rollout',
      detail: health.rollout.summary,
      dashboardUrl: health.rollout.url,
    },
    {
      id: 'incidents',
      light: health.incidents.light,
      title: 'Open incidents',
      detail: health.incidents.summary,
      dashboardUrl: health.incidents.url,
    },
  ];
}

const columns: TableColumn<Row>[] = [
  {
    title: '',
    field: 'light',
    width: '32px',
    render: row => <HealthLight light={row.light} title={lightLabels[row.light]} />,
  },
  {
    title: 'Signal',
    field: 'title',
    render: row => (
      <>
        <Typography variant="body2">{row.title}</Typography>
        {row.detail && (
          <Typography
            variant="caption"
            color={row.error ? 'error' : 'textSecondary'}
            style={{ wordBreak: 'break-word' }}
          >
            {row.detail}
          </Typography>
        )}
      </>
    ),
  },
  { title: 'Value', field: 'value', render: row => row.value ?? '' },
  { title: 'Thresholds', field: 'thresholds', render: row => row.thresholds ?? '' },
  {
    title: 'Links',
    field: 'dashboardUrl',
    render: row => (
      <Box display="flex" flexDirection="column">
        {row.dashboardUrl && <Link to={row.dashboardUrl}>Dashboard</Link>}
        {row.queryUrl && <Link to={row.queryUrl}>Query</Link>}
      </Box>
    ),
  },
];

/**
 * The health of the current entity: its overall light and summary, then one row per
 * signal (light, value with unit, thresholds, dashboard and query links; query errors
 * with Prometheus's message), the rollout and the open incidents. Entities that are not
 * services and have no `slipway.dev/health-signals` annotation get a
 * missing-annotation state.
 *
 * @public
 */
export function EntityServiceHealthCard(props: { title?: string }) {
  const { title = 'Service health' } = props;
  const { entity } = useEntity();
  const api = useApi(serviceHealthApiRef);
  const applicable = isServiceHealthApplicable(entity);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (applicable ? api.getHealth(getCompoundEntityRef(entity)) : undefined),
    [api, entityRef, applicable],
  );

  if (!applicable) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationEmptyState annotation={SERVICE_HEALTH_SIGNALS_ANNOTATION} />
      </InfoCard>
    );
  }
  if (loading && !value) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title={title}>
        <ResponseErrorPanel error={error} />
      </InfoCard>
    );
  }
  const health = value!;
  return (
    <InfoCard
      title={title}
      action={
        <Tooltip title="Refresh">
          <IconButton aria-label="Refresh" onClick={retry}>
            <RefreshIcon />
          </IconButton>
        </Tooltip>
      }
      deepLink={
        health.dashboardUrl
          ? { title: 'Open dashboard', link: health.dashboardUrl }
          : undefined
      }
    >
      <Box display="flex" alignItems="center" mb={2} data-testid="overall-health">
        <HealthLight light={health.light} size={28} />
        <Box ml={2}>
          <Typography variant="h6">{lightLabels[health.light]}</Typography>
          <Typography variant="body2" color="textSecondary">
            {health.summary}
          </Typography>
        </Box>
      </Box>
      {health.annotationError && (
        <Typography variant="body2" color="error" paragraph>
          {health.annotationError}
        </Typography>
      )}
      <Table<Row>
        columns={columns}
        data={toRows(health)}
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
          sorting: false,
          draggable: false,
        }}
      />
      <Typography variant="caption" color="textSecondary">
        Evaluated {DateTime.fromISO(health.evaluatedAt).toRelative()}
      </Typography>
    </InfoCard>
  );
}
