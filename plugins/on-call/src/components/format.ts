import { DateTime } from 'luxon';

/**
 * "in 3 days" / "2 hours ago" for an ISO 8601 time, relative to `now` (default: the
 * current time); an empty string for a missing or invalid time.
 */
export function relativeTime(iso: string | undefined, now?: DateTime): string {
  if (!iso) return '';
  const dt = DateTime.fromISO(iso);
  if (!dt.isValid) return '';
  return dt.toRelative({ base: now ?? DateTime.now() }) ?? '';
}

/** "Mon, 23 Nov, 09:00" in the viewer's zone and locale, for a tooltip/secondary text. */
export function absoluteTime(iso: string | undefined): string {
  if (!iso) return '';
  const dt = DateTime.fromISO(iso);
  if (!dt.isValid) return '';
  return dt.toLocal().toLocaleString({
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}
