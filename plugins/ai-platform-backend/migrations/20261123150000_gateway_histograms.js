/*
 * Pre-aggregated OTLP histograms of the GenAI metrics (POST /v1/metrics),
 * kept apart from the event sketches: bucket counts per subject, hour,
 * metric and bucket layout (explicit bounds), as deltas. Cumulative series
 * are differenced with the last point seen per series.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_histogram_buckets', table => {
    table.comment('Delta bucket counts of GenAI OTLP histograms per hour');
    table
      .string('subject', 512)
      .notNullable()
      .comment("'entity:<ref>' or 'unattributed:<model alias>'");
    table.bigInteger('hour_start').notNullable().comment('epoch ms');
    table
      .string('metric', 128)
      .notNullable()
      .comment("e.g. 'gen_ai.server.time_to_first_token'");
    table
      .string('bounds', 1024)
      .notNullable()
      .comment('Explicit bounds, comma separated, in the unit of the metric');
    table
      .integer('bucket_index')
      .notNullable()
      .comment('0..len(bounds); the last bucket is (last bound, +Inf)');
    table.bigInteger('count').notNullable();
    table.primary(
      ['subject', 'hour_start', 'metric', 'bounds', 'bucket_index'],
      'ai_platform_histogram_buckets_pkey',
    );
  });

  await knex.schema.createTable('ai_platform_histogram_series', table => {
    table.comment('Last data point seen per OTLP histogram series');
    table
      .string('series_key', 64)
      .primary()
      .notNullable()
      .comment('sha256 of metric, resource and point attributes');
    table
      .string('start_time_unix_nano', 32)
      .notNullable()
      .comment('Start of the cumulative series; a change means a reset');
    table
      .string('time_unix_nano', 32)
      .notNullable()
      .comment(
        'Time of the last point taken; older or equal points are skipped',
      );
    table
      .text('bucket_counts')
      .notNullable()
      .comment('JSON array of the last cumulative bucket counts');
    table.string('bounds', 1024).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_histogram_series');
  await knex.schema.dropTable('ai_platform_histogram_buckets');
};
