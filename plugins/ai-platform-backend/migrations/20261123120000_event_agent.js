/*
 * An LLM call made by an agent counts for two subjects: the model endpoint
 * (primary `entity_ref` / `join_key`, the gateway model alias) and the agent
 * (`agent_entity_ref` / `agent_join_key`, the gateway agent id).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table
      .string('agent_entity_ref', 255)
      .nullable()
      .comment('Attributed Agent entity, lower case; null if none matched');
    table
      .string('agent_join_key', 255)
      .nullable()
      .comment('Gateway agent id seen on the call; null if the call had none');
    table.index(
      ['agent_entity_ref'],
      'ai_platform_events_agent_entity_ref_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table.dropIndex(
      ['agent_entity_ref'],
      'ai_platform_events_agent_entity_ref_idx',
    );
    table.dropColumn('agent_entity_ref');
    table.dropColumn('agent_join_key');
  });
};
