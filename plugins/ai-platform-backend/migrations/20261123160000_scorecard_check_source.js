/*
 * Where each scorecard check result came from: the built-in telemetry store
 * or Prometheus. Rows stored before this migration came from the built-in
 * store.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_scorecard_results', table => {
    table
      .string('source', 32)
      .notNullable()
      .defaultTo('telemetry-store')
      .comment("'telemetry-store' or 'prometheus'");
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_scorecard_results', table => {
    table.dropColumn('source');
  });
};
