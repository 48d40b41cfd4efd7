// @ts-check

/*
 * The signals the portal pushes (`PUT /webhook/signals/{service}`): one row per
 * service with the newest health light and open incidents, read by the promotion
 * gates, the incident freeze and automatic rollback.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('rm_signals', t => {
    t.string('service', 63).primary();
    // ServiceSignals as JSON.
    t.text('payload').notNullable();
    t.string('observed_at', 32).notNullable();
    t.string('received_at', 32).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('rm_signals');
};
