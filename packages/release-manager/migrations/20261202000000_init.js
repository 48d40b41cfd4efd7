// @ts-check

/*
 * The release manager's tables (knex migration; run by Database.open with
 * knex.migrate.latest, bookkeeping in `rm_knex_migrations`):
 *
 * - rm_rollout_events: daemon and Flux webhook events (payload: the event as JSON);
 * - rm_events: the events feed (`GET /events`);
 * - rm_locks: the config repo write lock shared by replicas (a row per lock, with a lease).
 *
 * Databases from before migrations (tables made on open) already hold these tables:
 * this first migration adopts them as they are and creates only the missing ones.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!(await knex.schema.hasTable('rm_rollout_events'))) {
    await knex.schema.createTable('rm_rollout_events', t => {
      t.increments('id').primary();
      t.string('environment', 63).notNullable();
      t.string('service', 63).notNullable();
      t.string('artifact_id', 200).nullable();
      t.string('kind', 16).notNullable();
      t.text('payload').notNullable();
      t.string('created_at', 32).notNullable();
      t.index(['environment', 'service', 'id'], 'rm_rollout_env_service');
    });
  }
  if (!(await knex.schema.hasTable('rm_events'))) {
    await knex.schema.createTable('rm_events', t => {
      t.increments('id').primary();
      t.string('type', 32).notNullable();
      t.string('service', 63).nullable();
      t.string('environment', 63).nullable();
      t.string('artifact_id', 200).nullable();
      t.string('actor_name', 200).nullable();
      t.string('actor_email', 200).nullable();
      t.text('message').notNullable();
      t.text('data').nullable();
      t.string('created_at', 32).notNullable();
      t.index(['created_at'], 'rm_events_created');
      t.index(['service', 'id'], 'rm_events_service');
    });
  }
  if (!(await knex.schema.hasTable('rm_locks'))) {
    await knex.schema.createTable('rm_locks', t => {
      t.string('name', 100).primary();
      t.string('owner', 200).notNullable();
      t.bigInteger('expires_at').notNullable();
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('rm_locks');
  await knex.schema.dropTableIfExists('rm_events');
  await knex.schema.dropTableIfExists('rm_rollout_events');
};
