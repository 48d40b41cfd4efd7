import { InputError } from '@backstage/errors';
import { DateTime, IANAZone } from 'luxon';
import { RRule, rrulestr } from 'rrule';
import { FreezeWindowSpec } from '../../http/types';

/** One occurrence of a freeze window: `[start, end)` in epoch milliseconds. */
export interface Occurrence {
  start: number;
  end: number;
}

/** Longest occurrence of a recurring window: 31 days, in minutes. */
export const MAX_DURATION_MINUTES = 44_640;

/** Where recurring rules without a `DTSTART` start counting: Monday 2024-01-01 00:00, local. */
const DEFAULT_DTSTART = Date.UTC(2024, 0, 1);

const DAY = 86_400_000;

/**
 * Checks a freeze window spec and normalises it (one-off times as RFC 3339 UTC).
 * Shared by the HTTP edge and the server config.
 *
 * @param where - prefix of field names in messages, e.g. `freezeWindows[0].`
 * @throws InputError naming the field: an empty `reason`; a one-off window without
 *   both `from` and `to`, with a time that is not ISO 8601 with an offset, or with
 *   `to` not after `from`; a recurring one with an `rrule` that does not parse (or
 *   recurs more often than hourly, or has a `TZID`), an unknown IANA `timeZone`, or a
 *   `durationMinutes` outside 1–44640; or fields of both kinds.
 */
export function validateFreezeSpec<T extends FreezeWindowSpec>(
  spec: T,
  where = '',
): T {
  if (!spec.reason?.trim()) {
    throw new InputError(`${where}reason must not be empty`);
  }
  const oneOff = spec.from !== undefined || spec.to !== undefined;
  const recurring =
    spec.rrule !== undefined ||
    spec.timeZone !== undefined ||
    spec.durationMinutes !== undefined;
  if (oneOff && recurring) {
    throw new InputError(
      `${where}from/to (a one-off window) and rrule/timeZone/durationMinutes (a recurring one) cannot be combined`,
    );
  }
  if (!oneOff && !recurring) {
    throw new InputError(
      `${where}from and to (a one-off window), or rrule, timeZone and durationMinutes (a recurring one), are required`,
    );
  }
  if (oneOff) {
    const from = instant(spec.from, `${where}from`);
    const to = instant(spec.to, `${where}to`);
    if (to <= from) {
      throw new InputError(
        `${where}to must be after from (${spec.from} → ${spec.to})`,
      );
    }
    return {
      ...spec,
      reason: spec.reason.trim(),
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
  }
  if (!spec.timeZone || !IANAZone.isValidZone(spec.timeZone)) {
    throw new InputError(
      `${where}timeZone must be an IANA time zone such as Europe/Copenhagen, got '${
        spec.timeZone ?? ''
      }'`,
    );
  }
  const d = spec.durationMinutes;
  if (
    typeof d !== 'number' ||
    !Number.isInteger(d) ||
    d < 1 ||
    d > MAX_DURATION_MINUTES
  ) {
    throw new InputError(
      `${where}durationMinutes must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES}, got ${d}`,
    );
  }
  parseRule(spec.rrule, `${where}rrule`);
  return { ...spec, reason: spec.reason.trim(), rrule: spec.rrule!.trim() };
}

function instant(value: string | undefined, field: string): number {
  if (!value) throw new InputError(`${field} is required`);
  const dt = DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid || !/(Z|[+-]\d\d:?\d\d)$/i.test(value.trim())) {
    throw new InputError(
      `${field} must be an ISO 8601 time with an offset (e.g. 2026-12-24T18:00:00+01:00), got '${value}'`,
    );
  }
  return dt.toMillis();
}

/**
 * Parses an RFC 5545 recurrence rule whose times are the local wall-clock times of
 * the window's zone: the rule runs on "floating" times, represented as `Date`s whose
 * UTC fields are the local fields.
 * @throws InputError naming `field`
 */
function parseRule(text: string | undefined, field: string): RRule {
  if (!text?.trim()) throw new InputError(`${field} is required`);
  const t = text.trim();
  if (/TZID=/i.test(t)) {
    throw new InputError(
      `${field} must not carry a TZID; give the zone in timeZone`,
    );
  }
  if (/DTSTART[^:]*:\s*\d{8}T\d{6}Z/i.test(t)) {
    throw new InputError(
      `${field}: DTSTART must be a local time without Z (it is read in timeZone)`,
    );
  }
  let rule: RRule;
  try {
    const hasDtstart = /DTSTART/i.test(t);
    const body = /RRULE:/i.test(t) || hasDtstart ? t : `RRULE:${t}`;
    const parsed = rrulestr(body, {
      dtstart: hasDtstart ? undefined : new Date(DEFAULT_DTSTART),
    });
    if (!(parsed instanceof RRule)) {
      throw new Error('only one RRULE is supported');
    }
    rule = parsed;
  } catch (error) {
    throw new InputError(
      `${field} is not an RFC 5545 recurrence rule: ${
        (error as Error).message
      }`,
    );
  }
  if (rule.options.freq === undefined || rule.options.freq === null) {
    throw new InputError(`${field} needs FREQ`);
  }
  if (rule.options.freq > RRule.HOURLY) {
    throw new InputError(
      `${field}: FREQ must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY`,
    );
  }
  return rule;
}

/** Epoch ms → the same wall-clock time in `zone`, as a floating `Date`. */
function toFloating(ms: number, zone: string): Date {
  const l = DateTime.fromMillis(ms, { zone });
  return new Date(
    Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second),
  );
}

/** A floating `Date` (wall-clock time in `zone`) → epoch ms. Times skipped by DST move forward. */
function fromFloating(d: Date, zone: string): number {
  return DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    },
    { zone },
  ).toMillis();
}

/**
 * The occurrence of a (validated) window that covers `at`, else the next one to start
 * after `at`; undefined when none covers or follows it.
 *
 * One-off windows are `[from, to)`. Recurring windows start at each local time the
 * rule yields in `timeZone` (a local time DST skips moves forward to the first valid
 * one; a repeated one takes the earlier offset) and last `durationMinutes` of elapsed
 * time, so an occurrence across a DST change ends an hour earlier or later on the
 * wall clock.
 */
export function occurrenceAt(
  spec: FreezeWindowSpec,
  at: number,
): { active: boolean; occurrence?: Occurrence } {
  if (spec.from && spec.to) {
    const start = Date.parse(spec.from);
    const end = Date.parse(spec.to);
    if (at >= end) return { active: false };
    return { active: at >= start, occurrence: { start, end } };
  }
  const zone = spec.timeZone!;
  const duration = spec.durationMinutes! * 60_000;
  const rule = parseRule(spec.rrule, 'rrule');
  const here = toFloating(at, zone).getTime();
  // Occurrences starting up to a duration (plus a day for DST) before `at` may cover it.
  const candidates = rule.between(
    new Date(here - duration - DAY),
    new Date(here + DAY),
    true,
  );
  let active: Occurrence | undefined;
  let next: Occurrence | undefined;
  for (const c of candidates) {
    const start = fromFloating(c, zone);
    const end = start + duration;
    if (start <= at && at < end) {
      if (!active || end > active.end) active = { start, end };
    } else if (start > at && !next) {
      next = { start, end };
    }
  }
  if (active) return { active: true, occurrence: active };
  if (!next) {
    const after = rule.after(new Date(here + DAY), false);
    if (after) {
      const start = fromFloating(after, zone);
      next = { start, end: start + duration };
    }
  }
  return { active: false, occurrence: next };
}
