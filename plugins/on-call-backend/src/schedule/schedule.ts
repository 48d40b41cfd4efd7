import { DateTime, Duration, IANAZone } from 'luxon';
import { z } from 'zod';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * One escalation level of an embedded schedule: a rotation of members with a fixed
 * hand-off.
 */
export interface RotationLevel {
  name?: string;
  /** User entity refs, in rotation order (at least one). */
  members: string[];
  /** The first hand-off, in the schedule's zone. */
  start: DateTime;
  /** Length of one shift (calendar units keep the wall-clock hand-off across DST). */
  length: Duration;
}

/** A temporary replacement of a level's rotation, `[start, end)`. */
export interface ScheduleOverride {
  user: string;
  start: DateTime;
  end: DateTime;
  /** 1-based escalation level. */
  level: number;
}

/** An embedded on-call schedule, as read from `onCall.schedules[]`. */
export interface Schedule {
  id: string;
  name: string;
  /** IANA time zone. */
  timeZone: string;
  levels: RotationLevel[];
  overrides: ScheduleOverride[];
}

/** One computed shift: who (user entity ref, or none) from when until when. */
export interface ComputedShift {
  /** User entity ref, or undefined when nobody is on call (rotation not started yet). */
  user?: string;
  start?: DateTime;
  /** Undefined when the person stays on call (single-member rotation without overrides). */
  end?: DateTime;
  override: boolean;
}

/** Who is on call at one level now, and who takes over at `now.end`. */
export interface ComputedLevel {
  level: number;
  name?: string;
  now: ComputedShift;
  next?: ComputedShift;
}

const userRef = z.string().refine(
  v => {
    try {
      return (
        parseEntityRef(v, { defaultKind: 'user' }).kind.toLowerCase() === 'user'
      );
    } catch {
      return false;
    }
  },
  { message: 'must be a user entity ref like user:default/jane' },
);

const zone = z.string().refine(v => IANAZone.isValidZone(v), {
  message: 'must be an IANA time zone like Europe/Copenhagen',
});

const scheduleSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  timeZone: zone,
  levels: z
    .array(
      z.object({
        name: z.string().optional(),
        members: z.array(userRef).min(1),
        startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, {
          message: 'must be a date YYYY-MM-DD',
        }),
        handoffTime: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
            message: 'must be a time HH:mm',
          })
          .optional(),
        rotationLength: z.union([z.string(), z.number().positive()]).optional(),
      }),
    )
    .min(1),
  overrides: z
    .array(
      z.object({
        user: userRef,
        start: z.string(),
        end: z.string(),
        level: z.number().int().min(1).optional(),
      }),
    )
    .optional(),
});

/**
 * Parses an ISO 8601 shift length, or a number of days, into a positive Duration.
 *
 * @throws Error when the value is not a positive duration.
 */
export function parseRotationLength(
  value: string | number | undefined,
): Duration {
  if (value === undefined) return Duration.fromObject({ weeks: 1 });
  const d =
    typeof value === 'number'
      ? Duration.fromObject({ days: value })
      : Duration.fromISO(value);
  if (!d.isValid || d.as('milliseconds') <= 0) {
    throw new Error(
      `rotationLength must be an ISO 8601 duration like P1W, P1D or PT12H, or a number of days; got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return d;
}

function parseInZone(value: string, timeZone: string, field: string): DateTime {
  const dt = DateTime.fromISO(value, { zone: timeZone, setZone: false });
  if (!dt.isValid) {
    throw new Error(
      `${field} must be an ISO 8601 date-time; got ${JSON.stringify(value)}`,
    );
  }
  return dt.setZone(timeZone);
}

/**
 * Reads and validates the embedded schedules (`onCall.schedules`, see config.d.ts).
 *
 * @param raw - the raw config value (array or undefined)
 * @throws Error naming the offending key (e.g. `onCall.schedules[0].timeZone`).
 */
export function readSchedules(raw: unknown): Schedule[] {
  if (raw === undefined) return [];
  const parsed = z.array(scheduleSchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Invalid onCall.schedules${issue.path
        .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')}: ${issue.message}`,
    );
  }
  const seen = new Set<string>();
  return parsed.data.map((s, i) => {
    if (seen.has(s.id)) {
      throw new Error(
        `Invalid onCall.schedules[${i}].id: duplicate schedule id '${s.id}'`,
      );
    }
    seen.add(s.id);
    const where = `onCall.schedules[${i}]`;
    const levels = s.levels.map((l, j) => {
      let length: Duration;
      try {
        length = parseRotationLength(l.rotationLength);
      } catch (e) {
        throw new Error(
          `Invalid ${where}.levels[${j}]: ${(e as Error).message}`,
        );
      }
      const start = parseInZone(
        `${l.startDate}T${l.handoffTime ?? '09:00'}`,
        s.timeZone,
        `${where}.levels[${j}].startDate`,
      );
      return {
        name: l.name,
        members: l.members.map(m => normalizeUserRef(m)),
        start,
        length,
      };
    });
    const overrides = (s.overrides ?? []).map((o, j) => {
      const start = parseInZone(
        o.start,
        s.timeZone,
        `${where}.overrides[${j}].start`,
      );
      const end = parseInZone(
        o.end,
        s.timeZone,
        `${where}.overrides[${j}].end`,
      );
      if (end <= start) {
        throw new Error(
          `Invalid ${where}.overrides[${j}]: end must be after start`,
        );
      }
      const level = o.level ?? 1;
      if (level > levels.length) {
        throw new Error(
          `Invalid ${where}.overrides[${j}].level: the schedule has ${levels.length} level(s)`,
        );
      }
      return { user: normalizeUserRef(o.user), start, end, level };
    });
    return {
      id: s.id,
      name: s.name ?? s.id,
      timeZone: s.timeZone,
      levels,
      overrides,
    };
  });
}

function normalizeUserRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' }),
  );
}

function boundary(level: RotationLevel, k: number): DateTime {
  return level.start.plus(level.length.mapUnits(x => x * k));
}

/**
 * The rotation shift (ignoring overrides) that contains `t`, or undefined before the
 * rotation's first hand-off. Shift k runs from `start + k*length` to `start + (k+1)*length`,
 * added in the schedule's zone (so `P1W` hands off at the same local time across DST).
 */
export function rotationShiftAt(
  level: RotationLevel,
  t: DateTime,
):
  | { member: string; start: DateTime; end: DateTime; index: number }
  | undefined {
  if (t < level.start) return undefined;
  const approx = Math.floor(
    t.diff(level.start).as('milliseconds') / level.length.as('milliseconds'),
  );
  let k = Math.max(0, approx - 1);
  while (boundary(level, k + 1) <= t) k++;
  while (k > 0 && boundary(level, k) > t) k--;
  return {
    member: level.members[k % level.members.length],
    start: boundary(level, k),
    end: boundary(level, k + 1),
    index: k,
  };
}

/**
 * Who is on call at escalation level `levelNo` (1-based) at instant `t`, from when until
 * when, taking overrides into account (the latest-starting override covering `t` wins).
 */
export function shiftAt(
  schedule: Schedule,
  levelNo: number,
  t: DateTime,
): ComputedShift {
  const level = schedule.levels[levelNo - 1];
  const overrides = schedule.overrides.filter(o => o.level === levelNo);
  const covering = overrides
    .filter(o => o.start <= t && t < o.end)
    .sort((a, b) => b.start.toMillis() - a.start.toMillis())[0];
  if (covering) {
    return {
      user: covering.user,
      start: covering.start,
      end: covering.end,
      override: true,
    };
  }
  const r = rotationShiftAt(level, t);
  let start = r?.start;
  let end = r ? r.end : level.start;
  for (const o of overrides) {
    if (o.start > t && o.start < end) end = o.start;
    if (o.end <= t && start && o.end > start) start = o.end;
  }
  return { user: r?.member, start, end, override: false };
}

const MAX_MERGE = 50;

/** Follows consecutive shifts of the same person so that "until" is the real hand-off. */
function merged(
  schedule: Schedule,
  levelNo: number,
  first: ComputedShift,
): ComputedShift {
  let cur = first;
  for (let i = 0; i < MAX_MERGE && cur.end; i++) {
    const following = shiftAt(schedule, levelNo, cur.end);
    if (following.user !== cur.user) return cur;
    cur = {
      ...cur,
      end: following.end,
      override: cur.override && following.override,
    };
  }
  return cur.end ? { ...cur, end: undefined } : cur;
}

/**
 * Who is on call now and next at every level of the schedule.
 *
 * @param now - the instant to evaluate (any zone; results are in the schedule's zone)
 */
export function computeOnCall(
  schedule: Schedule,
  now: DateTime,
): ComputedLevel[] {
  const t = now.setZone(schedule.timeZone);
  return schedule.levels.map((level, i) => {
    const levelNo = i + 1;
    const current = merged(schedule, levelNo, shiftAt(schedule, levelNo, t));
    const next = current.end
      ? merged(schedule, levelNo, shiftAt(schedule, levelNo, current.end))
      : undefined;
    return { level: levelNo, name: level.name, now: current, next };
  });
}
