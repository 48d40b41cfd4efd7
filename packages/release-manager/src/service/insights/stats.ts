/**
 * The `p`-th percentile (0–100) of `xs` by the nearest-rank method (the smallest value
 * with at least p % of the values at or below it); null for no values.
 */
export function percentile(xs: readonly number[], p: number): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(s.length, rank) - 1];
}

/**
 * The median of `xs` (mean of the two middle values for an even count); null for no
 * values.
 */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rounds to 2 decimals (hours and rates in answers). */
export function round2(x: number | null): number | null {
  return x === null ? null : Math.round(x * 100) / 100;
}
