import { HealthLight, SignalDirection } from './types';

const rank: Record<HealthLight, number> = {
  grey: 0,
  green: 1,
  amber: 2,
  red: 3,
};

/**
 * The worst of some lights, ignoring grey: red > amber > green. Grey only when every light
 * is grey (or there are none).
 *
 * @public
 */
export function worstLight(lights: HealthLight[]): HealthLight {
  let worst: HealthLight = 'grey';
  for (const light of lights) {
    if (rank[light] > rank[worst]) worst = light;
  }
  return worst;
}

/**
 * The light of a value against its thresholds (same unit). `higher-is-worse`: red at
 * `value >= red`, amber at `value >= amber`; `lower-is-worse`: red at `value <= red`, amber
 * at `value <= amber`. A non-finite value (NaN, Inf) gives grey.
 *
 * @public
 */
export function lightForValue(
  value: number,
  thresholds: { direction: SignalDirection; amber: number; red: number },
): HealthLight {
  if (!Number.isFinite(value)) return 'grey';
  if (thresholds.direction === 'higher-is-worse') {
    if (value >= thresholds.red) return 'red';
    if (value >= thresholds.amber) return 'amber';
    return 'green';
  }
  if (value <= thresholds.red) return 'red';
  if (value <= thresholds.amber) return 'amber';
  return 'green';
}
