/*
 * The fleet summary's time to first inference reads the earliest event of
 * each entity (MIN(occurred_at) per entity_ref and per agent_entity_ref).
 * With only the single-column indexes that read walks every event of the
 * entity, so it grew with the stored telemetry (about 0.5 s per summary on
 * SQLite at 125,000 events) and held the one SQLite connection that long.
 * Indexes on (ref, occurred_at) answer it from the index alone.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table.index(
      ['entity_ref', 'occurred_at'],
      'ai_platform_events_entity_ref_occurred_at_idx',
    );
    table.index(
      ['agent_entity_ref', 'occurred_at'],
      'ai_platform_events_agent_entity_ref_occurred_at_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table.dropIndex([], 'ai_platform_events_entity_ref_occurred_at_idx');
    table.dropIndex([], 'ai_platform_events_agent_entity_ref_occurred_at_idx');
  });
};
