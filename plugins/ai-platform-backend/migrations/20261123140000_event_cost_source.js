/*
 * Where an event's cost_usd came from: 'gateway' (reported by the gateway),
 * 'endpoint-pricing' (tokens x the ModelEndpoint's spec.pricing),
 * 'config-pricing' (tokens x aiPlatform.pricing.models) or 'unknown' (no
 * price found, cost stored as 0). Null for events stored before.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table
      .string('cost_source', 32)
      .nullable()
      .comment(
        "'gateway', 'endpoint-pricing', 'config-pricing' or 'unknown'; null before pricing existed",
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ai_platform_events', table => {
    table.dropColumn('cost_source');
  });
};
