import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateReleaseManagerDatabase } from './migrate';

jest.setTimeout(60_000);

describe('migrateReleaseManagerDatabase', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'creates the notifier cursor table once, and adopts one made before migrations, %p',
    async databaseId => {
      const fresh = await databases.init(databaseId);
      await migrateReleaseManagerDatabase(fresh);
      await migrateReleaseManagerDatabase(fresh);
      await fresh('release_manager_notifier_cursor').insert({
        id: 'events',
        last_event_id: 42,
        last_event_at: '2026-12-02T10:00:00Z',
      });
      expect(
        await fresh('release_manager_knex_migrations').pluck('name'),
      ).toEqual(['20261202000000_notifier_cursor.js']);

      // an install from before the migrations folder: the notifier made the table itself
      const old = await databases.init(databaseId);
      await old.schema.createTable('release_manager_notifier_cursor', t => {
        t.string('id').primary();
        t.bigInteger('last_event_id').notNullable();
        t.string('last_event_at').notNullable();
      });
      await old('release_manager_notifier_cursor').insert({
        id: 'events',
        last_event_id: 7,
        last_event_at: '2026-12-01T00:00:00Z',
      });
      await migrateReleaseManagerDatabase(old);
      expect(
        await old('release_manager_notifier_cursor').select('last_event_id'),
      ).toEqual([{ last_event_id: 7 }]);
    },
  );
});
