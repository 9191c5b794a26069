/*
 * Eval runs (promptfoo or the generic format, POST /evals) and scorecard
 * results: one row per check per evaluation, kept as history.
 *
 * Times are epoch milliseconds in bigint columns, like the telemetry tables.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_eval_runs', table => {
    table.comment('One eval suite run bound to a catalog entity');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Evaluated catalog entity, lower case');
    table.string('suite', 255).notNullable().comment('Eval suite name');
    table
      .string('suite_version', 255)
      .notNullable()
      .comment('Version of the suite (its test set)');
    table
      .string('run_id', 255)
      .notNullable()
      .comment("The runner's id of the run (promptfoo evalId)");
    table
      .string('source', 32)
      .notNullable()
      .comment("'promptfoo' or 'generic'");
    table.double('score').notNullable().comment('0 to 1');
    table.integer('passed').notNullable();
    table.integer('failed').notNullable();
    table.integer('total').notNullable();
    table.bigInteger('started_at').notNullable().comment('epoch ms');
    table.bigInteger('finished_at').nullable().comment('epoch ms');
    table.bigInteger('created_at').notNullable().comment('epoch ms');
    table.unique(['source', 'run_id'], {
      indexName: 'ai_platform_eval_runs_source_run_uniq',
    });
    table.index(
      ['entity_ref', 'suite', 'started_at'],
      'ai_platform_eval_runs_entity_suite_idx',
    );
  });

  await knex.schema.createTable('ai_platform_scorecard_results', table => {
    table.comment('Scorecard check results, one row per check per evaluation');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('evaluation_id', 36)
      .notNullable()
      .comment('Groups the rows of one evaluation');
    table.string('entity_ref', 255).notNullable().comment('lower case');
    table.bigInteger('evaluated_at').notNullable().comment('epoch ms');
    table
      .string('check_id', 255)
      .notNullable()
      .comment("e.g. 'ttft-p95', 'eval:helpfulness'");
    table
      .string('status', 32)
      .notNullable()
      .comment("'pass', 'warn', 'fail' or 'not-enough-data'");
    table.double('value').nullable();
    table.double('threshold').nullable();
    table
      .string('window', 64)
      .notNullable()
      .comment("What the value covers, e.g. '24h', 'month-to-date'");
    table.text('message').notNullable();
    table
      .string('level', 64)
      .nullable()
      .comment("The entity's level at this evaluation; null if none reached");
    table.index(
      ['entity_ref', 'evaluated_at'],
      'ai_platform_scorecard_results_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_scorecard_results');
  await knex.schema.dropTable('ai_platform_eval_runs');
};
