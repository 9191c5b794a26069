/*
 * Agent runs and tool calls, from `invoke_agent` / `execute_tool` spans (and
 * the OpenInference AGENT / TOOL and Vercel AI SDK `ai.toolCall` spans).
 *
 * A run is one agent span: its trace id, its agent, start, duration, status
 * and the model calls below it in the trace (count, tokens, cost summed from
 * them). A tool call is one tool span: tool name and call id, its run and
 * agent, status, duration and error type. Both are unique on
 * (trace_id, span_id), so a re-sent batch stores each once. Times are epoch
 * milliseconds in bigint columns; `duration_bucket` is the log-bucket index
 * of the duration (see logBucketSketch.ts), so p95 durations are read with
 * `COUNT(*) ... GROUP BY duration_bucket` on either database. Raw rows are
 * deleted after the telemetry retention period like events.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ai_platform_agent_runs', table => {
    table.comment('Agent runs (invoke_agent spans), kept for the retention');
    table.increments('id').primary();
    table.string('trace_id', 32).notNullable().comment('Lower-case hex');
    table.string('span_id', 16).notNullable().comment('The agent span');
    table.string('parent_span_id', 16).nullable();
    table
      .string('agent_join_key', 255)
      .notNullable()
      .comment('gen_ai.agent.id, else gen_ai.agent.name');
    table
      .string('agent_entity_ref', 255)
      .nullable()
      .comment('Agent entity declaring the join key; null if unattributed');
    table.string('agent_name', 255).nullable();
    table.bigInteger('started_at').notNullable().comment('Epoch ms');
    table.double('duration_ms').notNullable();
    table.integer('duration_bucket').notNullable();
    table.string('status', 16).notNullable().comment("'ok' or 'error'");
    table.string('error_type', 255).nullable();
    table.integer('model_calls').notNullable().defaultTo(0);
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.double('cost_usd').notNullable().defaultTo(0);
    table.unique(['trace_id', 'span_id'], {
      indexName: 'ai_platform_agent_runs_span_uniq',
    });
    table.index(
      ['agent_entity_ref', 'started_at'],
      'ai_platform_agent_runs_entity_started_idx',
    );
    table.index(
      ['agent_join_key', 'started_at'],
      'ai_platform_agent_runs_join_key_started_idx',
    );
    table.index(['started_at'], 'ai_platform_agent_runs_started_idx');
  });

  await knex.schema.createTable('ai_platform_tool_calls', table => {
    table.comment('Tool calls (execute_tool spans), kept for the retention');
    table.increments('id').primary();
    table.string('trace_id', 32).notNullable();
    table.string('span_id', 16).notNullable().comment('The tool span');
    table
      .string('run_span_id', 16)
      .nullable()
      .comment('The agent span of the run; null when not in the batch');
    table.string('tool_name', 255).notNullable().comment('gen_ai.tool.name');
    table.string('tool_call_id', 255).nullable().comment('gen_ai.tool.call.id');
    table.string('agent_join_key', 255).nullable();
    table.string('agent_entity_ref', 255).nullable();
    table.bigInteger('started_at').notNullable().comment('Epoch ms');
    table.double('duration_ms').notNullable();
    table.integer('duration_bucket').notNullable();
    table.string('status', 16).notNullable().comment("'ok' or 'error'");
    table.string('error_type', 255).nullable();
    table.unique(['trace_id', 'span_id'], {
      indexName: 'ai_platform_tool_calls_span_uniq',
    });
    table.index(
      ['tool_name', 'started_at'],
      'ai_platform_tool_calls_tool_started_idx',
    );
    table.index(
      ['agent_entity_ref', 'started_at'],
      'ai_platform_tool_calls_entity_started_idx',
    );
    table.index(['started_at'], 'ai_platform_tool_calls_started_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ai_platform_tool_calls');
  await knex.schema.dropTable('ai_platform_agent_runs');
};
