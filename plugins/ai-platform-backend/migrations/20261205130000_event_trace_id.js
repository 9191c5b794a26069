/*
 * The trace a call belongs to, when known: the span's trace id for the
 * application's report, the caller's propagated trace (`traceparent`,
 * `metadata.trace_id`, a W3C-shaped LiteLLM `trace_id`) for the gateway's.
 * Two reports of one call in the same trace, of the same model alias,
 * are matched by it before the fallback by tokens and time. Read with the
 * (reporter, join_key, occurred_at) index of the match-key migration plus
 * this column as a filter, so no index of its own (no cost per insert).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table
      .string('trace_id', 32)
      .nullable()
      .comment('W3C trace id (32 lower-case hex) of the call, when known');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table.dropColumn('trace_id');
  });
};
