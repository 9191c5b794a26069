/*
 * A call reported twice, by the gateway (LiteLLM callback or spend-log pull)
 * and by the application's own OTel instrumentation, is one call. Events
 * now say who reported them (`reporter`: 'gateway' or 'application'; null
 * for events stored before, which are never matched) and carry the id both
 * reports share when there is one (`match_key`: the provider response id,
 * LiteLLM `id` / `request_id` = span `gen_ai.response.id`). When a report
 * matches a stored report of the other reporter, the later row points at
 * the first (`merged_into_event_id`) and the rollups count the pair once.
 * The fallback match (same model alias, tokens and status, start within a
 * few seconds) reads (reporter, join_key, occurred_at): only the other
 * reporter's events of the alias and time.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table
      .string('reporter', 16)
      .nullable()
      .comment("'gateway' or 'application'; null: never matched");
    table
      .string('match_key', 255)
      .nullable()
      .comment('Id shared by both reports of a call (provider response id)');
    table
      .string('merged_into_event_id', 36)
      .nullable()
      .comment('The first report of the same call; counted once with it');
    // Partial: most events have neither, and their inserts skip these.
    table.index(['match_key'], 'ai_platform_events_match_key_idx', {
      predicate: knex.whereNotNull('match_key'),
    });
    table.index(
      ['merged_into_event_id'],
      'ai_platform_events_merged_into_idx',
      {
        predicate: knex.whereNotNull('merged_into_event_id'),
      },
    );
    table.index(
      ['reporter', 'join_key', 'occurred_at'],
      'ai_platform_events_reporter_join_key_occurred_at_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table.dropIndex([], 'ai_platform_events_match_key_idx');
    table.dropIndex([], 'ai_platform_events_merged_into_idx');
    table.dropIndex([], 'ai_platform_events_reporter_join_key_occurred_at_idx');
  });
  await knex.schema.alterTable('ai_platform_events', table => {
    table.dropColumn('reporter');
    table.dropColumn('match_key');
    table.dropColumn('merged_into_event_id');
  });
};
