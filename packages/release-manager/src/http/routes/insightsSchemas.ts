import { InputError } from '@backstage/errors';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { DNS1123_LABEL } from '@slipway/plugin-release-manager-common/rules';

/** The feed's named ranges: since yesterday's end of day (in `zone`), the last 24 hours, the last 7 days. */
export const FEED_RANGES = ['since-yesterday', '24h', '7d'] as const;
/** A named feed range. */
export type FeedRange = (typeof FEED_RANGES)[number];

/** At most this many services per insights request. */
export const MAX_SERVICES = 500;

/**
 * Parses a list of service names given as `a,b,c` (or repeated query parameters,
 * already joined): 1–{@link MAX_SERVICES} DNS-1123 labels, deduplicated, in order.
 * @throws InputError naming `field` when empty, too long or not valid names
 */
export function parseServiceList(value: unknown, field = 'service'): string[] {
  const parts = (Array.isArray(value) ? value : [value])
    .flatMap(v => (typeof v === 'string' ? v.split(',') : []))
    .map(s => s.trim())
    .filter(Boolean);
  if (!parts.length)
    throw new InputError(`${field} is required (one or more service names)`);
  const out = [...new Set(parts)];
  if (out.length > MAX_SERVICES)
    throw new InputError(`${field}: at most ${MAX_SERVICES} services`);
  const bad = out.find(s => !DNS1123_LABEL.test(s));
  if (bad)
    throw new InputError(`${field}: '${bad}' is not a valid service name`);
  return out;
}

/** An RFC 3339 time or epoch milliseconds, as epoch ms. @throws InputError naming `field` */
export function parseTime(value: string, field: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InputError(
      `${field} must be an RFC 3339 time or epoch milliseconds`,
    );
  return ms;
}

/**
 * The start of a named feed range at `now` (epoch ms):
 * - `since-yesterday`: yesterday at `endOfDayHour`:00 in `zone` (the end of
 *   yesterday's working day), so a morning look shows the evening and the night;
 * - `24h`: 24 hours before `now`; `7d`: 7 days before `now`.
 * @throws InputError for an unknown range, zone or hour
 */
export function rangeStart(
  range: string,
  now: number,
  zone = 'UTC',
  endOfDayHour = 17,
): number {
  if (!IANAZone.isValidZone(zone))
    throw new InputError(`zone: '${zone}' is not an IANA time zone`);
  if (!Number.isInteger(endOfDayHour) || endOfDayHour < 0 || endOfDayHour > 23)
    throw new InputError('endOfDayHour must be an integer 0–23');
  switch (range) {
    case '24h':
      return now - 24 * 3_600_000;
    case '7d':
      return now - 7 * 24 * 3_600_000;
    case 'since-yesterday':
      return DateTime.fromMillis(now, { zone })
        .minus({ days: 1 })
        .set({ hour: endOfDayHour, minute: 0, second: 0, millisecond: 0 })
        .toMillis();
    default:
      throw new InputError(
        `range must be one of ${FEED_RANGES.join(', ')} (got '${range}')`,
      );
  }
}

const isoTime = (field: string) =>
  z.string().refine(v => Number.isFinite(Date.parse(v)), {
    message: `${field} must be an RFC 3339 time`,
  });

/** `POST /insights/dora` body. */
export const doraRequestSchema = z.object({
  services: z
    .array(z.string())
    .min(1, 'services must name at least one service'),
  days: z.number().int().min(1).max(366).optional().default(30),
  failureWindowHours: z.number().min(1).max(720).optional().default(24),
  environment: z.string().regex(DNS1123_LABEL).optional(),
  incidents: z
    .array(
      z.object({
        service: z.string().regex(DNS1123_LABEL),
        openedAt: isoTime('openedAt'),
        resolvedAt: isoTime('resolvedAt').optional(),
        urgency: z.enum(['high', 'low']),
        id: z.string().max(200).optional(),
      }),
    )
    .max(10_000)
    .optional()
    .default([]),
});
