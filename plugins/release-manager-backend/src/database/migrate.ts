import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/**
 * Brings the plugin's database up to date with the knex migrations in the package's
 * `migrations/` folder (bookkeeping table `release_manager_knex_migrations`).
 */
export async function migrateReleaseManagerDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@slipway/plugin-release-manager-backend',
      'migrations',
    ),
    tableName: 'release_manager_knex_migrations',
  });
}
