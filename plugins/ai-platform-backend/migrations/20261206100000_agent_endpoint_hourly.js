/**
 * Hourly counters of the calls an Agent made to a ModelEndpoint, so an
 * agent's share of a self-hosted endpoint's GPU cost can be computed per
 * hour (its tokens to the endpoint ÷ all tokens the endpoint served in that
 * hour). Kept after the raw events, like the other rollups. Filled from the
 * raw events still stored, each call counted once (a call reported by the
 * gateway and by the application's span counts as their merged view).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_agent_endpoint_hourly', table => {
    table.comment(
      'Per agent, model endpoint and hour counters of the calls the agent made',
    );
    table
      .string('agent_entity_ref', 255)
      .notNullable()
      .comment('Agent entity, lower case');
    table
      .string('endpoint_ref', 255)
      .notNullable()
      .comment('ModelEndpoint entity the call was attributed to, lower case');
    table
      .bigInteger('hour_start')
      .notNullable()
      .comment('Start of the hour, epoch ms');
    table.bigInteger('requests').notNullable().defaultTo(0);
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    table.primary(
      ['agent_entity_ref', 'endpoint_ref', 'hour_start'],
      'ai_platform_agent_endpoint_hourly_pkey',
    );
  });

  // The merged view of a pair takes tokens, cost, endpoint and time from
  // the gateway's report and the agent from the span when it names one
  // (see src/database/telemetry/mergedReport.ts).
  const counted = `
    SELECT
      CASE
        WHEN m.id IS NULL THEN e.agent_entity_ref
        WHEN e.reporter = 'gateway' THEN
          CASE WHEN m.agent_join_key IS NOT NULL THEN m.agent_entity_ref ELSE e.agent_entity_ref END
        ELSE
          CASE WHEN e.agent_join_key IS NOT NULL THEN e.agent_entity_ref ELSE m.agent_entity_ref END
      END AS agent_entity_ref,
      CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.entity_ref ELSE m.entity_ref END AS endpoint_ref,
      CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.occurred_at ELSE m.occurred_at END AS occurred_at,
      CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.input_tokens ELSE m.input_tokens END AS input_tokens,
      CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.output_tokens ELSE m.output_tokens END AS output_tokens,
      CASE WHEN m.id IS NULL OR e.reporter = 'gateway' THEN e.cost_usd ELSE m.cost_usd END AS cost_usd
    FROM ai_platform_events e
    LEFT JOIN ai_platform_events m ON m.merged_into_event_id = e.id
    WHERE e.merged_into_event_id IS NULL`;
  await knex.raw(`
    INSERT INTO ai_platform_agent_endpoint_hourly
      (agent_entity_ref, endpoint_ref, hour_start, requests, input_tokens, output_tokens, cost_usd)
    SELECT
      agent_entity_ref,
      endpoint_ref,
      occurred_at - (occurred_at % 3600000),
      COUNT(*),
      SUM(input_tokens),
      SUM(output_tokens),
      SUM(cost_usd)
    FROM (${counted}) counted
    WHERE agent_entity_ref IS NOT NULL AND endpoint_ref IS NOT NULL
    GROUP BY agent_entity_ref, endpoint_ref, occurred_at - (occurred_at % 3600000)`);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_agent_endpoint_hourly');
};
