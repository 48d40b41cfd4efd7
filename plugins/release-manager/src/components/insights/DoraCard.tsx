import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  Box,
  Grid,
  MenuItem,
  Select,
  Tooltip,
  Typography,
} from '@material-ui/core';
import { DoraBand } from '@slipway/plugin-release-manager-common';
import { ReactNode, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { BandChip } from './BandChip';
import { useInsightsClient } from './insightsApi';
import { TrendChart } from './TrendChart';

function Key(props: {
  name: string;
  value: ReactNode;
  detail: ReactNode;
  band: DoraBand | null;
  computation: string;
}) {
  return (
    <Grid item xs={12} sm={6}>
      <Tooltip title={props.computation}>
        <Box data-testid={`dora-${props.name}`}>
          <Typography variant="overline">{props.name}</Typography>
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Typography variant="h5">{props.value}</Typography>
            <BandChip band={props.band} />
          </Box>
          <Typography variant="caption" color="textSecondary">
            {props.detail}
          </Typography>
        </Box>
      </Tooltip>
    </Grid>
  );
}

const hours = (h: number | null) => (h === null ? '–' : `${h} h`);

/**
 * The four DORA keys of a team or system in production over 30 or 90 days, each with
 * its band (Accelerate State of DevOps 2023) and how it is computed (hover), the
 * change failure rate's causes, and the weekly trend.
 */
export function DoraCard(props: { entityRefs: string[]; title?: string }) {
  const { entityRefs, title = 'DORA keys' } = props;
  const client = useInsightsClient();
  const [days, setDays] = useState(30);
  const key = entityRefs.join(',');
  const { value, loading, error } = useAsync(
    () => client.dora(key.split(','), days),
    [client, key, days],
  );
  const selector = (
    <Select
      value={days}
      onChange={e => setDays(Number(e.target.value))}
      inputProps={{ 'aria-label': 'period' }}
    >
      <MenuItem value={30}>30 days</MenuItem>
      <MenuItem value={90}>90 days</MenuItem>
    </Select>
  );
  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value) body = <EmptyState missing="data" title="No data" />;
  else {
    const cfr = value.changeFailureRate;
    body = (
      <>
        <Grid container spacing={2}>
          <Key
            name="Deployment frequency"
            value={`${value.deploymentFrequency.perDay}/day`}
            detail={`${value.deploymentFrequency.deployments} prod releases`}
            band={value.deploymentFrequency.band}
            computation={value.deploymentFrequency.computation}
          />
          <Key
            name="Lead time for changes"
            value={hours(value.leadTime.medianHours)}
            detail={`median; p90 ${hours(value.leadTime.p90Hours)} (${
              value.leadTime.samples
            } releases)`}
            band={value.leadTime.band}
            computation={value.leadTime.computation}
          />
          <Key
            name="Change failure rate"
            value={cfr.rate === null ? '–' : `${Math.round(cfr.rate * 100)} %`}
            detail={`${cfr.failed}/${cfr.deployments}: ${cfr.byCause.rollback} rolled back, ${cfr.byCause.failedRollout} failed rollouts, ${cfr.byCause.incident} incidents (within ${cfr.failureWindowHours} h)`}
            band={cfr.band}
            computation={cfr.computation}
          />
          <Key
            name="Time to restore"
            value={hours(value.timeToRestore.medianHours)}
            detail={`median; p90 ${hours(value.timeToRestore.p90Hours)} (${
              value.timeToRestore.samples
            } restored, ${value.timeToRestore.unrestored} not yet)`}
            band={value.timeToRestore.band}
            computation={value.timeToRestore.computation}
          />
        </Grid>
        <Box mt={2}>
          <TrendChart weeks={value.weeks} />
        </Box>
        <Typography variant="caption" color="textSecondary" display="block">
          {value.services.length} services in {value.environment};{' '}
          {value.incidentsCounted} open incidents counted. Bands:{' '}
          {value.bandsSource}. Hover a key for how it is computed.
        </Typography>
      </>
    );
  }
  return (
    <InfoCard title={title} action={<Box mt={1}>{selector}</Box>}>
      {body}
    </InfoCard>
  );
}
