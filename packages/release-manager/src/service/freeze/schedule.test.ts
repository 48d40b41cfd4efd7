import { FreezeWindowSpec } from '../../http/types';
import { occurrenceAt, validateFreezeSpec } from './schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('freeze window schedule', () => {
  // Sundays from local midnight, for 24 hours of elapsed time, in Copenhagen:
  // CET (+01:00) in winter, CEST (+02:00) from the last Sunday of March 02:00 to the
  // last Sunday of October 03:00.
  const sundays: FreezeWindowSpec = validateFreezeSpec({
    environment: 'prod',
    reason: 'Sunday rest',
    rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=0;BYMINUTE=0;BYSECOND=0',
    timeZone: 'Europe/Copenhagen',
    durationMinutes: 1440,
  });

  it('starts at local midnight on an ordinary Sunday (CET)', () => {
    expect(occurrenceAt(sundays, at('2026-03-21T22:59:59Z')).active).toBe(
      false,
    );
    const o = occurrenceAt(sundays, at('2026-03-21T23:00:00Z'));
    expect(o.active).toBe(true);
    expect(iso(o.occurrence!.start)).toBe('2026-03-21T23:00:00.000Z');
    expect(iso(o.occurrence!.end)).toBe('2026-03-22T23:00:00.000Z');
  });

  it('starts at local midnight on the last Sunday of March (the day DST begins)', () => {
    // Saturday 23:59:59 CET: open; Sunday 00:00 CET (23:00Z): frozen.
    const before = occurrenceAt(sundays, at('2026-03-28T22:59:59Z'));
    expect(before.active).toBe(false);
    expect(iso(before.occurrence!.start)).toBe('2026-03-28T23:00:00.000Z');
    const o = occurrenceAt(sundays, at('2026-03-28T23:00:00Z'));
    expect(o.active).toBe(true);
    // The day has 23 hours: 24 h of elapsed time end at 01:00 CEST on Monday.
    expect(iso(o.occurrence!.end)).toBe('2026-03-29T23:00:00.000Z');
    expect(occurrenceAt(sundays, at('2026-03-29T22:59:59Z')).active).toBe(true);
    expect(occurrenceAt(sundays, at('2026-03-29T23:00:00Z')).active).toBe(
      false,
    );
  });

  it('starts at local midnight on the first Sunday in CEST (22:00Z)', () => {
    expect(occurrenceAt(sundays, at('2026-04-04T21:59:59Z')).active).toBe(
      false,
    );
    expect(occurrenceAt(sundays, at('2026-04-04T22:00:00Z')).active).toBe(true);
  });

  it('starts at local midnight on the last Sunday of October (the day DST ends)', () => {
    // Saturday 23:59:59 CEST: open; Sunday 00:00 CEST (22:00Z): frozen.
    expect(occurrenceAt(sundays, at('2026-10-24T21:59:59Z')).active).toBe(
      false,
    );
    const o = occurrenceAt(sundays, at('2026-10-24T22:00:00Z'));
    expect(o.active).toBe(true);
    // The day has 25 hours: 24 h of elapsed time end at 23:00 CET on Sunday.
    expect(iso(o.occurrence!.end)).toBe('2026-10-25T22:00:00.000Z');
    // The following Sunday starts at midnight CET (23:00Z).
    const next = occurrenceAt(sundays, at('2026-10-25T22:00:00Z'));
    expect(next.active).toBe(false);
    expect(iso(next.occurrence!.start)).toBe('2026-10-31T23:00:00.000Z');
  });

  it('moves a local time that DST skips forward (02:30 on the last Sunday of March)', () => {
    const nightly = validateFreezeSpec({
      environment: 'prod',
      reason: 'Nightly batch',
      rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=30',
      timeZone: 'Europe/Copenhagen',
      durationMinutes: 30,
    });
    // 02:30 does not exist that night (02:00 CET jumps to 03:00 CEST): the occurrence
    // moves forward by the gap, to 03:30 CEST (01:30Z), and lasts 30 minutes.
    const before = occurrenceAt(nightly, at('2026-03-29T01:15:00Z'));
    expect(before.active).toBe(false);
    expect(iso(before.occurrence!.start)).toBe('2026-03-29T01:30:00.000Z');
    const o = occurrenceAt(nightly, at('2026-03-29T01:45:00Z'));
    expect(o.active).toBe(true);
    expect(iso(o.occurrence!.end)).toBe('2026-03-29T02:00:00.000Z');
    // The night before, 02:30 CET is 01:30Z too; the night after, 02:30 CEST is 00:30Z.
    expect(
      iso(occurrenceAt(nightly, at('2026-03-29T02:00:00Z')).occurrence!.start),
    ).toBe('2026-03-30T00:30:00.000Z');
  });

  it('honours a DTSTART and UNTIL (local times)', () => {
    const december = validateFreezeSpec({
      environment: 'prod',
      reason: 'Christmas',
      rrule: 'DTSTART:20261221T000000\nRRULE:FREQ=DAILY;UNTIL=20261224T000000',
      timeZone: 'Europe/Copenhagen',
      durationMinutes: 1440,
    });
    expect(occurrenceAt(december, at('2026-12-20T12:00:00Z')).active).toBe(
      false,
    );
    expect(occurrenceAt(december, at('2026-12-24T12:00:00Z')).active).toBe(
      true,
    );
    const after = occurrenceAt(december, at('2026-12-25T12:00:00Z'));
    expect(after).toEqual({ active: false, occurrence: undefined });
  });

  it('treats a one-off window as [from, to)', () => {
    const w = validateFreezeSpec({
      environment: 'prod',
      reason: 'Launch',
      from: '2026-12-01T00:00:00+01:00',
      to: '2026-12-02T00:00:00+01:00',
    });
    expect(w.from).toBe('2026-11-30T23:00:00.000Z');
    expect(occurrenceAt(w, at('2026-11-30T22:59:59Z')).active).toBe(false);
    expect(occurrenceAt(w, at('2026-11-30T23:00:00Z')).active).toBe(true);
    expect(occurrenceAt(w, at('2026-12-01T23:00:00Z'))).toEqual({
      active: false,
    });
  });

  it.each([
    [{ rrule: 'FREQ=SOMETIMES', timeZone: 'UTC', durationMinutes: 5 }, /rrule/],
    [{ rrule: 'FREQ=MINUTELY', timeZone: 'UTC', durationMinutes: 5 }, /rrule/],
    [
      { rrule: 'FREQ=DAILY', timeZone: 'Mars/Olympus', durationMinutes: 5 },
      /timeZone must be an IANA time zone/,
    ],
    [
      { rrule: 'FREQ=DAILY', timeZone: 'UTC', durationMinutes: 0 },
      /durationMinutes/,
    ],
    [
      { from: '2026-12-01', to: '2026-12-02T00:00:00Z' },
      /from must be an ISO 8601 time with an offset/,
    ],
    [
      { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      /to must be after from/,
    ],
    [
      {
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00Z',
        rrule: 'FREQ=DAILY',
      },
      /cannot be combined/,
    ],
    [{}, /are required/],
  ])('refuses %j naming the field', (spec, message) => {
    expect(() =>
      validateFreezeSpec({ environment: 'prod', reason: 'x', ...spec }),
    ).toThrow(message);
  });

  it('refuses an empty reason', () => {
    expect(() =>
      validateFreezeSpec({
        environment: 'prod',
        reason: '  ',
        from: '2026-12-01T00:00:00Z',
        to: '2026-12-02T00:00:00Z',
      }),
    ).toThrow('reason must not be empty');
  });
});
