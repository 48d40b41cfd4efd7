import { SignalHealth } from '@slipway/plugin-service-health-common';

function round(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * A value with its unit for people: `0.50 %`, `230 ms` (seconds below 1 are shown in ms),
 * `1.20 s`, `42 rps`.
 */
export function formatValue(value: number, unit: string): string {
  if (unit === 'percent') return `${round(value)} %`;
  if (unit === 'seconds') {
    return Math.abs(value) < 1 ? `${round(value * 1000)} ms` : `${round(value)} s`;
  }
  return unit ? `${round(value)} ${unit}` : round(value);
}

/** The thresholds of a signal: `amber ≥ 1 %, red ≥ 5 %` or `amber ≤ 99 %, red ≤ 50 %`. */
export function formatThresholds(signal: Pick<SignalHealth, 'direction' | 'amber' | 'red' | 'unit'>) {
  const op = signal.direction === 'higher-is-worse' ? '≥' : '≤';
  return `amber ${op} ${formatValue(signal.amber, signal.unit)}, red ${op} ${formatValue(
    signal.red,
    signal.unit,
  )}`;
}
