/*
 * Cursors of scheduled pulls from external telemetry APIs (the LiteLLM
 * spend-log pull): the latest source start time taken and the ids of the
 * rows taken at exactly that time, so a restart neither skips nor repeats.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_pull_cursors', table => {
    table.comment('Position of each scheduled telemetry pull');
    table
      .string('pull_id', 512)
      .primary()
      .notNullable()
      .comment("e.g. 'litellm-spend-logs:https://litellm.example.com'");
    table
      .bigInteger('last_start_time')
      .notNullable()
      .comment('epoch ms of the latest row start time taken');
    table
      .text('ids_at_last_start_time')
      .notNullable()
      .comment('JSON array of the source ids taken at last_start_time');
    table.bigInteger('updated_at').notNullable().comment('epoch ms');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_pull_cursors');
};
