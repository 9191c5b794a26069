/*
 * Eval run details (POST /evals): the cases that did not run, kept apart
 * from the failed ones (promptfoo provider errors, failureReason 2; Inspect
 * samples with an error), and the run's named metrics (promptfoo
 * namedScores, Inspect scorer metrics) as a JSON object of names to
 * numbers. Rows stored before this have 0 errors and no metrics.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_eval_runs', table => {
    table
      .integer('errors')
      .notNullable()
      .defaultTo(0)
      .comment('Cases that did not run (provider or runtime errors)');
    table
      .text('metrics')
      .nullable()
      .comment('Named metric means, a JSON object of names to numbers');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_eval_runs', table => {
    table.dropColumn('metrics');
    table.dropColumn('errors');
  });
};
