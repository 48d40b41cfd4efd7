import { DoraBand } from '../../http/types';

/**
 * The DORA performance bands, from Google Cloud's "Accelerate State of DevOps Report
 * 2023" (DORA), table "Software delivery performance" (cluster values for elite,
 * high, medium and low performers):
 *
 * | key | elite | high | medium | low |
 * | --- | --- | --- | --- | --- |
 * | deployment frequency | on demand (multiple deploys per day) | between once per day and once per week | between once per week and once per month | between once per week and once per month |
 * | lead time for changes | less than one day | between one day and one week | between one week and one month | between one week and one month |
 * | change failure rate | 5% | 10% | 15% | 64% |
 * | failed deployment recovery time | less than one hour | less than one day | between one day and one week | between one month and six months |
 *
 * The report's ranges overlap (its medium and low clusters share ranges) and leave
 * gaps, so each band here is the report's upper bound for that cluster, and
 * anything worse than medium is low. The change failure rate clusters are the
 * report's per-cluster values, used as upper bounds.
 */
export const DORA_BANDS_SOURCE =
  'Accelerate State of DevOps Report 2023 (DORA, Google Cloud), "Software delivery performance" table';

const HOUR = 1;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

/** Deployment frequency band of `perDay` deployments per day: elite ≥ 1/day, high ≥ 1/week, medium ≥ 1/month, else low. */
export function deploymentFrequencyBand(perDay: number): DoraBand {
  if (perDay >= 1) return 'elite';
  if (perDay >= 1 / 7) return 'high';
  if (perDay >= 1 / 30) return 'medium';
  return 'low';
}

/** Lead time band of a median in hours: elite < 1 day, high ≤ 1 week, medium ≤ 1 month, else low. */
export function leadTimeBand(medianHours: number | null): DoraBand | null {
  if (medianHours === null) return null;
  if (medianHours < DAY) return 'elite';
  if (medianHours <= WEEK) return 'high';
  if (medianHours <= MONTH) return 'medium';
  return 'low';
}

/** Change failure rate band of a rate 0–1: elite ≤ 5 %, high ≤ 10 %, medium ≤ 15 %, else low. */
export function changeFailureRateBand(rate: number | null): DoraBand | null {
  if (rate === null) return null;
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}

/** Time to restore band of a median in hours: elite < 1 hour, high < 1 day, medium ≤ 1 week, else low. */
export function timeToRestoreBand(medianHours: number | null): DoraBand | null {
  if (medianHours === null) return null;
  if (medianHours < HOUR) return 'elite';
  if (medianHours < DAY) return 'high';
  if (medianHours <= WEEK) return 'medium';
  return 'low';
}
