import { Box, Typography, useTheme } from '@material-ui/core';
import { DoraWeek } from '@slipway/plugin-release-manager-common';
import { DateTime } from 'luxon';

/**
 * The weekly trend of a DORA answer as an SVG chart: deployments per week as bars
 * (failed ones stacked in red), the week's median lead time as a line on its own
 * scale. Each bar has a title with the week's figures.
 */
export function TrendChart(props: { weeks: DoraWeek[] }) {
  const { weeks } = props;
  const theme = useTheme();
  const width = 600;
  const height = 160;
  const pad = 24;
  const maxDeploys = Math.max(1, ...weeks.map(w => w.deployments));
  const leads = weeks.map(w => w.leadTimeMedianHours ?? 0);
  const maxLead = Math.max(1, ...leads);
  const slot = (width - 2 * pad) / Math.max(1, weeks.length);
  const y = (v: number, max: number) =>
    height - pad - (v / max) * (height - 2 * pad);
  const points = weeks
    .map((w, i) =>
      w.leadTimeMedianHours === null
        ? undefined
        : `${pad + i * slot + slot / 2},${y(w.leadTimeMedianHours, maxLead)}`,
    )
    .filter(Boolean)
    .join(' ');
  return (
    <Box>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label="weekly trend"
      >
        {weeks.map((w, i) => {
          const x = pad + i * slot + slot * 0.15;
          const bw = slot * 0.7;
          const ok = w.deployments - w.failed;
          return (
            <g key={w.start}>
              <title>{`week of ${DateTime.fromISO(w.start).toFormat(
                'd LLL',
              )}: ${w.deployments} deployments, ${w.failed} failed, lead time ${
                w.leadTimeMedianHours ?? '–'
              } h, restore ${w.timeToRestoreMedianHours ?? '–'} h`}</title>
              <rect
                x={x}
                y={y(ok, maxDeploys)}
                width={bw}
                height={height - pad - y(ok, maxDeploys)}
                fill={theme.palette.primary.main}
              />
              <rect
                x={x}
                y={y(w.deployments, maxDeploys)}
                width={bw}
                height={y(ok, maxDeploys) - y(w.deployments, maxDeploys)}
                fill={theme.palette.error.main}
              />
              <text
                x={x + bw / 2}
                y={height - 8}
                fontSize={10}
                textAnchor="middle"
                fill={theme.palette.text.secondary}
              >
                {DateTime.fromISO(w.start).toFormat('d/L')}
              </text>
            </g>
          );
        })}
        {points && (
          <polyline
            points={points}
            fill="none"
            stroke={theme.palette.secondary.main}
            strokeWidth={2}
          />
        )}
      </svg>
      <Typography variant="caption" color="textSecondary">
        Bars: prod deployments per week (red: failed). Line: median lead time
        (up to {Math.round(maxLead)} h).
      </Typography>
    </Box>
  );
}
