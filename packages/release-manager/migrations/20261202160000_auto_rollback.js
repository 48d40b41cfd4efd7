// @ts-check

/*
 * Automatic rollback (issue 14):
 *
 * - rm_auto_rollbacks: one row per automatic rollback, unique per (service,
 *   environment, failed artifact), so that repeated or concurrent failure reports
 *   (and restarts) roll a failed release back exactly once;
 * - rm_auto_release_pauses: auto-release into an environment is paused after an
 *   automatic rollback, until a person releases there again or resumes it.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('rm_auto_rollbacks', t => {
    t.increments('id').primary();
    t.string('service', 63).notNullable();
    t.string('environment', 63).notNullable();
    t.string('failed_artifact_id', 200).notNullable();
    t.string('trigger', 32).notNullable();
    t.text('reason').notNullable();
    t.string('state', 16).notNullable();
    t.string('rolled_back_to', 200).nullable();
    t.string('commit', 64).nullable();
    t.text('message').nullable();
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['service', 'environment', 'failed_artifact_id'], {
      indexName: 'rm_auto_rollbacks_once',
    });
  });
  await knex.schema.createTable('rm_auto_release_pauses', t => {
    t.string('service', 63).notNullable();
    t.string('environment', 63).notNullable();
    t.string('since', 32).notNullable();
    t.text('reason').notNullable();
    t.string('failed_artifact_id', 200).notNullable();
    t.primary(['service', 'environment']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('rm_auto_release_pauses');
  await knex.schema.dropTableIfExists('rm_auto_rollbacks');
};
