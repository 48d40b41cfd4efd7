import {
  stringifyEntityRef,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
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
  InputHealth,
  isServiceHealthApplicable,
  SERVICE_HEALTH_SIGNALS_ANNOTATION,
  SignalHealth,
} from '@slipway/plugin-service-health-common';
import { Box, IconButton, Tooltip, Typography } from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { serviceHealthApiRef } from '../api';
import { formatThresholds, formatValue } from './format';
import { HealthLight, lightLabels } from './HealthLight';

const columns: TableColumn<SignalHealth>[] = [
  {
    title: '',
    field: 'light',
    width: '32px',
    render: s => <HealthLight light={s.light} title={lightLabels[s.light]} />,
  },
  {
    title: 'Signal',
    field: 'title',
    render: s => (
      <>
        <Typography variant="body2">{s.title}</Typography>
        {(s.error || s.reason) && (
          <Typography
            variant="caption"
            color={s.error ? 'error' : 'textSecondary'}
            style={{ wordBreak: 'break-word' }}
          >
            {s.error ? `Query error: ${s.error}` : s.reason}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Value',
    field: 'value',
    render: s => (
      <span style={{ whiteSpace: 'nowrap' }}>
        {s.value === null ? '–' : formatValue(s.value, s.unit)}
      </span>
    ),
  },
  {
    title: 'Thresholds',
    field: 'amber',
    render: s => {
      const t = formatThresholds(s);
      return (
        <Box whiteSpace="nowrap">
          <Typography variant="caption" display="block">
            {t.amber}
          </Typography>
          <Typography variant="caption" display="block">
            {t.red}
          </Typography>
        </Box>
      );
    },
  },
  {
    title: 'Links',
    field: 'dashboardUrl',
    render: s => (
      <Box display="flex" flexDirection="column" whiteSpace="nowrap">
        {s.dashboardUrl && <Link to={s.dashboardUrl}>Dashboard</Link>}
        {s.queryUrl && <Link to={s.queryUrl}>Query</Link>}
      </Box>
    ),
  },
];

/** A non-metric input (rollout, incidents): light, name and one line, full width. */
function InputRow(props: { title: string; input: InputHealth }) {
  const { title, input } = props;
  return (
    <Box
      display="flex"
      alignItems="flex-start"
      py={1}
      data-testid={`input-${title}`}
    >
      <Box pt={0.25} pl={1} pr={2}>
        <HealthLight light={input.light} title={lightLabels[input.light]} />
      </Box>
      <Box>
        <Typography variant="body2">
          {input.url ? <Link to={input.url}>{title}</Link> : title}
        </Typography>
        <Typography
          variant="caption"
          color="textSecondary"
          style={{ wordBreak: 'break-word' }}
        >
          {input.summary}
        </Typography>
      </Box>
    </Box>
  );
}

/**
 * The health of the current entity: its overall light and summary, one row per signal
 * (light, value with unit, amber and red thresholds, dashboard and query links; query
 * errors with Prometheus's message), then the rollout and the open incidents. Entities
 * that are not services and have no `slipway.dev/health-signals` annotation get a
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
    async () =>
      applicable ? api.getHealth(getCompoundEntityRef(entity)) : undefined,
    [api, entityRef, applicable],
  );

  if (!applicable) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationEmptyState
          annotation={SERVICE_HEALTH_SIGNALS_ANNOTATION}
        />
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
      <Box
        display="flex"
        alignItems="center"
        mb={2}
        data-testid="overall-health"
      >
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
      {health.signals.length > 0 && (
        <Table<SignalHealth>
          columns={columns}
          data={health.signals}
          options={{
            paging: false,
            search: false,
            toolbar: false,
            padding: 'dense',
            sorting: false,
            draggable: false,
          }}
        />
      )}
      <Box mt={1}>
        <InputRow title="Rollout" input={health.rollout} />
        <InputRow title="Open incidents" input={health.incidents} />
      </Box>
      <Typography variant="caption" color="textSecondary">
        Evaluated {DateTime.fromISO(health.evaluatedAt).toRelative()}
      </Typography>
    </InfoCard>
  );
}
