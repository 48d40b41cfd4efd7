import path from 'node:path';
import fs from 'node:fs';
import knexFactory from 'knex';
import { Database, migrationsDir } from '../db/Database';
import { tmpDir } from '../__testUtils__/helpers';

describe('Database: knex migrations', () => {
  it('creates the tables through the migrations folder and records them', async () => {
    expect(fs.readdirSync(migrationsDir())).toContain('20261202000000_init.js');
    const filename = path.join(tmpDir(), 'rm.sqlite');
    const db = await Database.open({
      client: 'better-sqlite3',
      connection: { filename },
    });
    try {
      for (const table of ['rm_rollout_events', 'rm_events', 'rm_locks']) {
        expect(await db.knex.schema.hasTable(table)).toBe(true);
      }
      // Every file of the folder ran, in name order.
      const files = fs
        .readdirSync(migrationsDir())
        .filter(f => f.endsWith('.js'))
        .sort();
      const done = await db.knex('rm_knex_migrations').select('name');
      expect(done.map(r => r.name)).toEqual(files);
      await db.addEvent({ type: 'policy', message: 'hello' });
      expect((await db.events({ limit: 5 })).map(e => e.message)).toEqual([
        'hello',
      ]);
    } finally {
      await db.close();
    }
    // Opening again runs nothing new and keeps the rows.
    const again = await Database.open({
      client: 'better-sqlite3',
      connection: { filename },
    });
    try {
      const files = fs
        .readdirSync(migrationsDir())
        .filter(f => f.endsWith('.js'));
      expect(await again.knex('rm_knex_migrations').count({ n: '*' })).toEqual([
        { n: files.length },
      ]);
      expect(await again.events({ limit: 5 })).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('adopts a database made before migrations, keeping its rows', async () => {
    const filename = path.join(tmpDir(), 'old.sqlite');
    const old = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    // The feed table as the release manager made it on open before migrations.
    await old.raw(
      'create table `rm_events` (`id` integer not null primary key autoincrement, `type` varchar(32) not null, `service` varchar(63) null, `environment` varchar(63) null, `artifact_id` varchar(200) null, `actor_name` varchar(200) null, `actor_email` varchar(200) null, `message` text not null, `data` text null, `created_at` varchar(32) not null)',
    );
    await old('rm_events').insert({
      type: 'release',
      message: 'from before',
      created_at: '2026-11-01T00:00:00.000Z',
    });
    await old.destroy();
    const db = await Database.open({
      client: 'better-sqlite3',
      connection: { filename },
    });
    try {
      expect((await db.events({ limit: 5 })).map(e => e.message)).toEqual([
        'from before',
      ]);
      expect(await db.knex.schema.hasTable('rm_locks')).toBe(true);
    } finally {
      await db.close();
    }
  });
});
