import { SignalHealth } from '@slipway/plugin-service-health-common';

/** Up to 3 significant digits, no trailing zeros: 0.5, 12.5, 99.9, 100, 1234. */
function round(value: number): string {
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/**
 * A value with its unit for people: `0.5 %`, `230 ms` (seconds below 1 are shown in ms),
 * `1.2 s`, `42 rps`.
 */
export function formatValue(value: number, unit: string): string {
  if (unit === 'percent') return `${round(value)} %`;
  if (unit === 'seconds') {
    return Math.abs(value) < 1
      ? `${round(value * 1000)} ms`
      : `${round(value)} s`;
  }
  return unit ? `${round(value)} ${unit}` : round(value);
}

/** The thresholds of a signal: `{ amber: 'amber ≥ 1 %', red: 'red ≥ 5 %' }` (`≤` for lower-is-worse). */
export function formatThresholds(
  signal: Pick<SignalHealth, 'direction' | 'amber' | 'red' | 'unit'>,
): { amber: string; red: string } {
  const op = signal.direction === 'higher-is-worse' ? '≥' : '≤';
  return {
    amber: `amber ${op} ${formatValue(signal.amber, signal.unit)}`,
    red: `red ${op} ${formatValue(signal.red, signal.unit)}`,
  };
}
