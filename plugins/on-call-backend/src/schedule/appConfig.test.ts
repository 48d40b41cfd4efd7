import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DateTime } from 'luxon';
import { computeOnCall, readSchedules } from './schedule';

// The portal's own app-config.yaml and example catalog: every schedule must be valid,
// every member a real example user, and every example service must point at a schedule.
const root = join(__dirname, '../../../..');

describe('the portal configuration', () => {
  const appConfig = parse(readFileSync(join(root, 'app-config.yaml'), 'utf8'));
  const schedules = readSchedules(appConfig.onCall.schedules);
  const users = new Set(
    parseAllDocuments(readFileSync(join(root, 'examples/org.yaml'), 'utf8'))
      .map(d => d.toJSON())
      .filter(e => e?.kind === 'User')
      .map(e => `user:default/${e.metadata.name}`),
  );

  it('has a valid schedule per team whose members are example users', () => {
    expect(schedules.map(s => s.id).sort()).toEqual([
      'customer-experience',
      'lending',
      'payments',
      'platform',
    ]);
    for (const s of schedules) {
      for (const l of s.levels)
        for (const m of l.members) expect(users).toContain(m);
      for (const o of s.overrides) expect(users).toContain(o.user);
      const levels = computeOnCall(s, DateTime.now());
      expect(levels.every(l => l.now.user)).toBe(true);
    }
  });

  it('annotates every example service with an existing schedule', () => {
    const dir = join(root, 'examples/components');
    const ids = new Set(schedules.map(s => s.id));
    for (const file of readdirSync(dir).filter(f => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(
        readFileSync(join(dir, file), 'utf8'),
      )) {
        const e = doc.toJSON();
        if (e?.kind !== 'Component' || e.spec?.type !== 'service') continue;
        expect([
          file,
          ids.has(e.metadata.annotations?.['slipway.dev/on-call-schedule']),
        ]).toEqual([file, true]);
      }
    }
  });
});
