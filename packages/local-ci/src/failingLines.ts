/** Lines that name a failure in a test runner's or a build tool's output. */
const FAILURE =
  /(^|\s)(not ok\b|FAIL\b|--- FAIL|✖|panic:|Error:|error:|ERROR|AssertionError|failed|fatal:)/;

/**
 * Picks the lines of a CI log that say what failed: every line matching a failure marker
 * (TAP `not ok`, Go `--- FAIL`, node:test `✖`, `Error:`, `failed`, ...) with the line after
 * it and up to 8 more indented lines (a TAP diagnostic: expected, actual, location), plus the log's last 5 lines (the step that stopped the script), without repeats and
 * in log order; at most `max` lines (default 40), keeping the last ones.
 */
export function failingLines(log: string, max = 40): string[] {
  const lines = log.split('\n').map(l => l.replace(/\s+$/, ''));
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  const picked = new Set<number>();
  lines.forEach((line, i) => {
    if (FAILURE.test(line)) {
      picked.add(i);
      if (i + 1 < lines.length && lines[i + 1].trim()) picked.add(i + 1);
      for (let j = i + 2; j < Math.min(lines.length, i + 10) && /^\s+\S/.test(lines[j]); j++) {
        if (/^\s+(\.\.\.|duration_ms:|type:|location:|stack: \|-|code:|failureType:|name:)/.test(lines[j])) continue;
        picked.add(j);
      }
    }
  });
  for (let i = Math.max(0, lines.length - 5); i < lines.length; i++) picked.add(i);
  return [...picked]
    .sort((a, b) => a - b)
    .map(i => lines[i])
    .filter(l => l.trim())
    .slice(-max);
}
