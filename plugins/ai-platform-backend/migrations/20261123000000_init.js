/*
 * Telemetry store: raw normalized events, hourly rollups and the log-bucket
 * sketches used for TTFT and latency percentiles.
 *
 * Times are epoch milliseconds in bigint columns (no SQLite DateTime quirks).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_events', table => {
    table.comment('Raw normalized LLM calls, kept for the retention period');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('source', 64)
      .notNullable()
      .comment('Where the event came from, e.g. litellm or otlp');
    table
      .string('source_event_id', 255)
      .notNullable()
      .comment("The source's own id of the event");
    table
      .bigInteger('occurred_at')
      .notNullable()
      .comment('Start of the call, epoch ms');
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Attributed catalog entity, lower case; null if unattributed');
    table
      .string('join_key', 255)
      .notNullable()
      .comment('Gateway model alias or agent id seen on the call');
    table.string('operation', 64).notNullable();
    table.string('model', 255).nullable();
    table.string('provider', 64).nullable();
    table.boolean('streamed').notNullable();
    table.string('status', 16).notNullable().comment("'ok' or 'error'");
    table.string('error_type', 255).nullable();
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    table.double('ttft_ms').nullable().comment('Only set for streamed calls');
    table.double('latency_ms').notNullable();
    table.unique(['source', 'source_event_id'], {
      indexName: 'ai_platform_events_source_event_uniq',
    });
    table.index(['occurred_at'], 'ai_platform_events_occurred_at_idx');
    table.index(['entity_ref'], 'ai_platform_events_entity_ref_idx');
  });

  await knex.schema.createTable('ai_platform_rollups_hourly', table => {
    table.comment('Per subject and hour counters, kept after raw events');
    table
      .string('subject', 512)
      .notNullable()
      .comment("'entity:<entity ref>' or 'unattributed:<join key>'");
    table
      .bigInteger('hour_start')
      .notNullable()
      .comment('Start of the hour, epoch ms');
    table.bigInteger('requests').notNullable().defaultTo(0);
    table.bigInteger('errors').notNullable().defaultTo(0);
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    // The string form: knex's SQLite dialect mis-renders the options form.
    table.primary(['subject', 'hour_start'], 'ai_platform_rollups_hourly_pkey');
    table.index(['hour_start'], 'ai_platform_rollups_hourly_hour_start_idx');
  });

  await knex.schema.createTable('ai_platform_sketch_buckets', table => {
    table.comment('Log-bucket sketch counts per subject, hour and metric');
    table.string('subject', 512).notNullable();
    table.bigInteger('hour_start').notNullable();
    table
      .string('metric', 32)
      .notNullable()
      .comment("'ttft_ms' or 'latency_ms'");
    table
      .integer('bucket')
      .notNullable()
      .comment('ceil(log_gamma(value)), gamma = 1.01/0.99');
    table.bigInteger('count').notNullable().defaultTo(0);
    table.primary(
      ['subject', 'hour_start', 'metric', 'bucket'],
      'ai_platform_sketch_buckets_pkey',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_sketch_buckets');
  await knex.schema.dropTable('ai_platform_rollups_hourly');
  await knex.schema.dropTable('ai_platform_events');
};
