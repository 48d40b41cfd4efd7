// @ts-check

/**
 * Incidents of the embedded on-call provider.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('on_call_incidents', table => {
    table.comment('Incidents triggered through the embedded on-call provider');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('entity_ref')
      .notNullable()
      .index()
      .comment('Entity ref of the service');
    table.string('title', 255).notNullable();
    table.text('description').nullable();
    table.string('urgency', 8).notNullable().comment('high | low');
    table
      .string('status', 16)
      .notNullable()
      .index()
      .comment('triggered | acknowledged | resolved');
    table.string('triggered_by').notNullable().comment('User entity ref');
    table.string('created_at', 30).notNullable().comment('ISO 8601, UTC');
    table.string('acknowledged_by').nullable();
    table.string('acknowledged_at', 30).nullable();
    table.string('resolved_by').nullable();
    table.string('resolved_at', 30).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('on_call_incidents');
};
