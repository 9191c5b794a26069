/**
 * Tokens and cost of the model calls of each trace, each call counted once
 * (like the hourly rollups: a call reported by the gateway and by the
 * application's span counts as their merged view), whatever batch or
 * reporter brought them. An agent run's cost is read from its trace here,
 * so a run whose model-call spans arrive in a later batch, or whose calls
 * only the gateway reported with the propagated trace id, is not $0.
 * Filled from the raw events still stored.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_trace_usage', table => {
    table.comment('Per trace counters of its model calls, counted once');
    table.string('trace_id', 32).primary().comment('Lower-case hex');
    table
      .bigInteger('last_seen_at')
      .notNullable()
      .comment('Latest call of the trace, epoch ms (retention)');
    table.bigInteger('model_calls').notNullable().defaultTo(0);
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
  });

  // The merged view of a pair takes tokens, cost and time from the
  // gateway's report (see src/database/telemetry/mergedReport.ts); its
  // trace is the span's when the gateway's report carries none.
  await knex.raw(`
    INSERT INTO ai_platform_trace_usage
      (trace_id, last_seen_at, model_calls, input_tokens, output_tokens, cost_usd)
    SELECT trace_id, MAX(occurred_at), COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost_usd)
    FROM (
      SELECT
        CASE
          WHEN m.id IS NULL OR e.reporter = 'gateway' THEN COALESCE(e.trace_id, m.trace_id)
          ELSE COALESCE(m.trace_id, e.trace_id)
        END AS trace_id,
        CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.occurred_at ELSE m.occurred_at END AS occurred_at,
        CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.input_tokens ELSE m.input_tokens END AS input_tokens,
        CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.output_tokens ELSE m.output_tokens END AS output_tokens,
        CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.cost_usd ELSE m.cost_usd END AS cost_usd
      FROM ai_platform_events e
      LEFT JOIN ai_platform_events m ON m.merged_into_event_id = e.id
      WHERE e.merged_into_event_id IS NULL
    ) counted
    WHERE trace_id IS NOT NULL
    GROUP BY trace_id`);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_trace_usage');
};
