/* eslint-disable no-console */
import { parseArgs } from 'node:util';
import {
  DoraResponse,
  ReleaseManagerClient,
} from '@slipway/plugin-release-manager-common';

/** Usage lines of the insights commands (part of the CLI's usage text). */
export const INSIGHTS_USAGE = `  dora --service <s> [--service <s2> ...] [--days 30|90] [--window <hours>] [--environment <prod>] [--json]
      The four DORA keys of the services in production over the last --days
      (default 30): deployment frequency, lead time (median, p90), change failure
      rate (rollbacks and failed rollouts within --window hours, default 24) and
      time to restore, each with its band, and the weekly trend. (By team: the
      portal's Group page; incidents are counted there too.)
`;

const fmt = (h: number | null) => (h === null ? '–' : `${h} h`);

/** The DORA answer as text: the four keys with bands, then one line per week. */
export function formatDora(d: DoraResponse): string {
  const cfr = d.changeFailureRate;
  const lines = [
    `DORA keys of ${d.services.join(', ')} in ${d.environment}, ${d.from.slice(
      0,
      10,
    )} → ${d.to.slice(0, 10)} (${d.days} days)`,
    `deployment frequency  ${d.deploymentFrequency.perDay}/day (${
      d.deploymentFrequency.deployments
    } deployments)  ${d.deploymentFrequency.band ?? '–'}`,
    `lead time             median ${fmt(d.leadTime.medianHours)}, p90 ${fmt(
      d.leadTime.p90Hours,
    )} (${d.leadTime.samples} releases)  ${d.leadTime.band ?? '–'}`,
    `change failure rate   ${
      cfr.rate === null ? '–' : `${Math.round(cfr.rate * 100)} %`
    } (${cfr.failed}/${cfr.deployments}: ${cfr.byCause.rollback} rolled back, ${
      cfr.byCause.failedRollout
    } failed rollouts, ${cfr.byCause.incident} incidents; window ${
      cfr.failureWindowHours
    } h)  ${cfr.band ?? '–'}`,
    `time to restore       median ${fmt(
      d.timeToRestore.medianHours,
    )}, p90 ${fmt(d.timeToRestore.p90Hours)} (${
      d.timeToRestore.samples
    } restored, ${d.timeToRestore.unrestored} not yet)  ${
      d.timeToRestore.band ?? '–'
    }`,
    '',
    'week        deploys  failed  lead time  restore',
    ...d.weeks.map(
      w =>
        `${w.start.slice(0, 10)}  ${String(w.deployments).padStart(
          7,
        )}  ${String(w.failed).padStart(6)}  ${fmt(
          w.leadTimeMedianHours,
        ).padStart(9)}  ${fmt(w.timeToRestoreMedianHours).padStart(7)}`,
    ),
    '',
    `Bands: ${d.bandsSource}.`,
  ];
  return lines.join('\n');
}

/**
 * `slipway-release-manager dora --service <s> ...`: prints the DORA keys (text, or
 * the JSON answer with --json). @returns the exit code (1 on bad options)
 */
export async function doraCommand(
  args: string[],
  client: (values: Record<string, any>) => ReleaseManagerClient,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      service: { type: 'string', multiple: true },
      environment: { type: 'string' },
      days: { type: 'string' },
      window: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const services = (values.service ?? []).flatMap(s => s.split(','));
  if (!services.length) {
    console.error('missing option: --service');
    return 1;
  }
  const days = values.days === undefined ? 30 : Number(values.days);
  const window = values.window === undefined ? 24 : Number(values.window);
  if (!Number.isInteger(days) || !Number.isFinite(window)) {
    console.error('--days must be an integer and --window a number of hours');
    return 1;
  }
  const d = await client(values).insightsDora({
    services,
    days,
    failureWindowHours: window,
    environment: values.environment,
  });
  console.log(values.json ? JSON.stringify(d, null, 2) : formatDora(d));
  return 0;
}
