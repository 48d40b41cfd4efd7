// @ts-check

/**
 * The release notifier's cursor: the newest event of the release manager's events feed
 * that it has handled (one row, id `events`).
 *
 * Installations from before this migrations folder already have the table (the
 * notifier used to create it itself); it is kept as it is.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await knex.schema.hasTable('release_manager_notifier_cursor')) return;
  await knex.schema.createTable('release_manager_notifier_cursor', table => {
    table.comment('Where the release notifier stands in the events feed');
    table.string('id').primary().comment('Cursor name');
    table
      .bigInteger('last_event_id')
      .notNullable()
      .comment('Id of the newest handled event');
    table
      .string('last_event_at')
      .notNullable()
      .comment('Time of the newest handled event, RFC 3339');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_manager_notifier_cursor');
};
