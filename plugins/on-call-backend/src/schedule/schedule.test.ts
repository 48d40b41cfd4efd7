import { DateTime } from 'luxon';
import { computeOnCall, readSchedules, rotationShiftAt } from './schedule';

const A = 'user:default/astrid.nilsson';
const B = 'user:default/mikkel.jensen';
const C = 'user:default/jonas.eriksson';

function at(iso: string) {
  return DateTime.fromISO(iso, { setZone: true });
}

function one(config: Record<string, unknown>) {
  return readSchedules([
    { id: 's', timeZone: 'Europe/Copenhagen', ...config },
  ])[0];
}

describe('readSchedules', () => {
  it('reads a schedule with defaults (P1W, 09:00, name = id)', () => {
    const s = one({
      levels: [{ members: [A, 'mikkel.jensen'], startDate: '2026-01-05' }],
    });
    expect(s.name).toBe('s');
    expect(s.levels[0].members).toEqual([A, B]);
    expect(s.levels[0].start.toISO()).toBe('2026-01-05T09:00:00.000+01:00');
    expect(s.levels[0].length.toISO()).toBe('P1W');
  });

  it.each([
    [
      {
        timeZone: 'Mars/Olympus',
        levels: [{ members: [A], startDate: '2026-01-05' }],
      },
      'onCall.schedules[0].timeZone',
    ],
    [
      { levels: [{ members: [], startDate: '2026-01-05' }] },
      'onCall.schedules[0].levels[0].members',
    ],
    [
      {
        levels: [
          { members: [A], startDate: '2026-01-05', handoffTime: '25:00' },
        ],
      },
      'onCall.schedules[0].levels[0].handoffTime',
    ],
    [
      { levels: [{ members: [A], startDate: '5 Jan' }] },
      'onCall.schedules[0].levels[0].startDate',
    ],
    [
      {
        levels: [
          { members: [A], startDate: '2026-01-05', rotationLength: 'weekly' },
        ],
      },
      'rotationLength must be',
    ],
    [
      {
        levels: [
          { members: ['group:default/payments'], startDate: '2026-01-05' },
        ],
      },
      'members[0]: must be a user entity ref',
    ],
    [
      {
        levels: [{ members: [A], startDate: '2026-01-05' }],
        overrides: [
          { user: B, start: '2026-02-02T10:00', end: '2026-02-01T10:00' },
        ],
      },
      'end must be after start',
    ],
  ])('rejects invalid config %#, naming the key', (config, message) => {
    expect(() => one(config)).toThrow(message);
  });
});

describe('computeOnCall', () => {
  const weekly = one({
    levels: [
      {
        name: 'Primary',
        members: [A, B, C],
        startDate: '2026-01-05',
        handoffTime: '09:00',
        rotationLength: 'P1W',
      },
    ],
  });

  it('finds the member of the current shift and the next one', () => {
    const [l1] = computeOnCall(weekly, at('2026-01-07T12:00:00Z'));
    expect(l1.now.user).toBe(A);
    expect(l1.now.start?.toISO()).toBe('2026-01-05T09:00:00.000+01:00');
    expect(l1.now.end?.toISO()).toBe('2026-01-12T09:00:00.000+01:00');
    expect(l1.next?.user).toBe(B);
    expect(l1.next?.end?.toISO()).toBe('2026-01-19T09:00:00.000+01:00');
  });

  it('hands off exactly at the hand-off time and wraps around', () => {
    expect(computeOnCall(weekly, at('2026-01-12T07:59:59Z'))[0].now.user).toBe(
      A,
    );
    expect(computeOnCall(weekly, at('2026-01-12T08:00:00Z'))[0].now.user).toBe(
      B,
    );
    expect(computeOnCall(weekly, at('2026-01-19T08:00:00Z'))[0].now.user).toBe(
      C,
    );
    expect(computeOnCall(weekly, at('2026-01-26T08:00:00Z'))[0].now.user).toBe(
      A,
    );
    // a year later: 52 weeks = 17*3 + 1 shifts, so B
    expect(computeOnCall(weekly, at('2027-01-04T08:00:00Z'))[0].now.user).toBe(
      B,
    );
  });

  it('keeps the local hand-off time when daylight saving starts (Europe)', () => {
    // EU clocks go forward on Sunday 2026-03-29; the hand-off on Monday 2026-03-30 is
    // at 09:00 CEST = 07:00Z, not 08:00Z (168 hours after the previous one).
    const s = one({
      levels: [
        { members: [A, B], startDate: '2026-03-23', rotationLength: 'P1W' },
      ],
    });
    const before = computeOnCall(s, at('2026-03-30T06:59:00Z'))[0];
    expect(before.now.user).toBe(A);
    expect(before.now.end?.toISO()).toBe('2026-03-30T09:00:00.000+02:00');
    expect(computeOnCall(s, at('2026-03-30T07:30:00Z'))[0].now.user).toBe(B);
  });

  it('keeps the local hand-off time when daylight saving ends (US), daily rotation', () => {
    // US clocks go back on Sunday 2026-11-01: 09:00 EDT = 13:00Z before, 09:00 EST = 14:00Z after.
    const s = readSchedules([
      {
        id: 'ny',
        timeZone: 'America/New_York',
        levels: [
          { members: [A, B], startDate: '2026-10-30', rotationLength: 1 },
        ],
      },
    ])[0];
    // 10-30 A, 10-31 B, 11-01 A, 11-02 B; the clocks go back at 02:00 on 11-01.
    const saturday = computeOnCall(s, at('2026-10-31T13:30:00Z'))[0];
    expect(saturday.now.user).toBe(B);
    expect(saturday.now.start?.toUTC().toISO()).toBe(
      '2026-10-31T13:00:00.000Z',
    );
    expect(saturday.now.end?.toUTC().toISO()).toBe('2026-11-01T14:00:00.000Z');
    expect(saturday.now.end?.toISO()).toBe('2026-11-01T09:00:00.000-05:00');
    // 13:30Z on Sunday is 08:30 EST: still B (naive 24h arithmetic would say A)
    expect(computeOnCall(s, at('2026-11-01T13:30:00Z'))[0].now.user).toBe(B);
    expect(computeOnCall(s, at('2026-11-01T14:00:00Z'))[0].now.user).toBe(A);
  });

  it('uses absolute hours for hour-based rotations across DST', () => {
    const s = one({
      levels: [
        {
          members: [A, B],
          startDate: '2026-03-28',
          handoffTime: '20:00',
          rotationLength: 'PT12H',
        },
      ],
    });
    // 2026-03-28T20:00+01:00 = 19:00Z; +12h = 07:00Z (= 09:00 CEST after the change)
    const l = computeOnCall(s, at('2026-03-29T06:00:00Z'))[0];
    expect(l.now.user).toBe(A);
    expect(l.now.end?.toUTC().toISO()).toBe('2026-03-29T07:00:00.000Z');
  });

  it('reads hand-off times in the schedule time zone, whatever zone "now" is in', () => {
    const tokyo = readSchedules([
      {
        id: 't',
        timeZone: 'Asia/Tokyo',
        levels: [
          { members: [A, B], startDate: '2026-01-05', rotationLength: 'P1D' },
        ],
      },
    ])[0];
    // 09:00 JST = 00:00Z
    expect(computeOnCall(tokyo, at('2026-01-05T23:59:00Z'))[0].now.user).toBe(
      A,
    );
    expect(computeOnCall(tokyo, at('2026-01-06T00:00:00Z'))[0].now.user).toBe(
      B,
    );
    expect(
      computeOnCall(tokyo, at('2026-01-05T19:00:00-05:00'))[0].now.user,
    ).toBe(B);
    expect(
      computeOnCall(tokyo, at('2026-01-06T00:00:00Z'))[0].now.end?.toISO(),
    ).toBe('2026-01-07T09:00:00.000+09:00');
  });

  it('has nobody on call before the first hand-off, and names the first member as next', () => {
    const [l] = computeOnCall(weekly, at('2026-01-01T00:00:00Z'));
    expect(l.now.user).toBeUndefined();
    expect(l.now.end?.toISO()).toBe('2026-01-05T09:00:00.000+01:00');
    expect(l.next?.user).toBe(A);
  });

  it('applies an override, ends "until" at the override, and resumes the rotation', () => {
    const s = one({
      levels: [{ members: [A, B, C], startDate: '2026-01-05' }],
      overrides: [
        { user: C, start: '2026-01-07T18:00', end: '2026-01-08T09:00' },
      ],
    });
    const before = computeOnCall(s, at('2026-01-07T12:00:00Z'))[0];
    expect(before.now.user).toBe(A);
    expect(before.now.end?.toISO()).toBe('2026-01-07T18:00:00.000+01:00');
    expect(before.next).toMatchObject({ user: C, override: true });
    expect(before.next?.end?.toISO()).toBe('2026-01-08T09:00:00.000+01:00');

    const during = computeOnCall(s, at('2026-01-07T20:00:00Z'))[0];
    expect(during.now).toMatchObject({ user: C, override: true });
    expect(during.next?.user).toBe(A);
    expect(during.next?.end?.toISO()).toBe('2026-01-12T09:00:00.000+01:00');
  });

  it('merges an override of the person who is on call anyway into one shift', () => {
    const s = one({
      levels: [{ members: [A, B], startDate: '2026-01-05' }],
      overrides: [
        { user: B, start: '2026-01-11T09:00', end: '2026-01-12T09:00' },
      ],
    });
    // B covers A's last day, then B's own week follows: B is on call until 19 Jan.
    const l = computeOnCall(s, at('2026-01-11T10:00:00Z'))[0];
    expect(l.now.user).toBe(B);
    expect(l.now.end?.toISO()).toBe('2026-01-19T09:00:00.000+01:00');
    expect(l.next?.user).toBe(A);
  });

  it('computes every escalation level independently', () => {
    const s = one({
      levels: [
        {
          name: 'Primary',
          members: [A, B],
          startDate: '2026-01-05',
          rotationLength: 'P1W',
        },
        {
          name: 'Manager',
          members: [C],
          startDate: '2026-01-01',
          rotationLength: 'P1W',
        },
      ],
      overrides: [
        {
          user: A,
          level: 2,
          start: '2026-01-20T00:00',
          end: '2026-01-21T00:00',
        },
      ],
    });
    const [l1, l2] = computeOnCall(s, at('2026-01-13T12:00:00Z'));
    expect(l1).toMatchObject({ level: 1, name: 'Primary' });
    expect(l1.now.user).toBe(B);
    expect(l2).toMatchObject({ level: 2, name: 'Manager' });
    expect(l2.now.user).toBe(C);
    // single member: on call until the level-2 override starts
    expect(l2.now.end?.toISO()).toBe('2026-01-20T00:00:00.000+01:00');
    expect(l2.next?.user).toBe(A);
  });

  it('has no end for a single-member rotation without overrides', () => {
    const s = one({ levels: [{ members: [A], startDate: '2026-01-05' }] });
    const [l] = computeOnCall(s, at('2026-06-01T12:00:00Z'));
    expect(l.now.user).toBe(A);
    expect(l.now.end).toBeUndefined();
    expect(l.next).toBeUndefined();
  });
});

describe('rotationShiftAt', () => {
  it('is consistent with its boundaries over two years of daily shifts in a DST zone', () => {
    const s = one({
      levels: [
        {
          members: [A, B, C],
          startDate: '2026-01-01',
          handoffTime: '02:30',
          rotationLength: 'P1D',
        },
      ],
    });
    let t = s.levels[0].start.plus({ hours: 1 });
    for (let i = 0; i < 730; i++) {
      const r = rotationShiftAt(s.levels[0], t)!;
      expect(r.start <= t && t < r.end).toBe(true);
      expect(r.index).toBe(i);
      t = t.plus({ days: 1 });
    }
  });
});
