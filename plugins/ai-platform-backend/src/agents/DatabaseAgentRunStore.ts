import { Knex } from 'knex';
import {
  RetentionScope,
  whereInRetentionScope,
} from '../database/retentionScope';
import { insertRows } from '../database/telemetry/batchUpsert';
import { TRACE_USAGE_TABLE } from '../database/telemetry/telemetryTables';
import { quantileFromBuckets } from '../database/logBucketSketch';
import { TimeWindow } from '../database/TelemetryStore';
import {
  AgentRun,
  AgentRunStats,
  AgentRunStore,
  InsertAgentSpansResult,
  ToolCall,
  ToolCallerStats,
  ToolCallStats,
} from './types';
import {
  RUN_COLUMNS,
  runRow,
  TOOL_CALL_COLUMNS,
  toolCallRow,
  uniqueBySpan,
} from './agentRunRows';

/** Tables of the agent run store (migration `20261205120000_agent_runs`). */
export const AGENT_RUNS_TABLE = 'ai_platform_agent_runs';
export const TOOL_CALLS_TABLE = 'ai_platform_tool_calls';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Tools listed per agent, most called first. */
const MAX_TOOLS = 50;
/** Failed runs listed per agent, latest first. */
const MAX_FAILING_RUNS = 10;

const num = (value: unknown): number => Number(value ?? 0);

function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : (part / whole) * 100;
}

function p95Of(rows: Array<{ duration_bucket: unknown; count: unknown }>) {
  return quantileFromBuckets(
    rows.map(row => ({
      bucket: num(row.duration_bucket),
      count: num(row.count),
    })),
    0.95,
  );
}

const errorCount = "SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END)";

/**
 * Whether run `r` is the first run of its trace (earliest start, then span
 * id): the one the trace's model calls count for, so a trace with nested or
 * repeated runs is counted once.
 */
const FIRST_RUN_OF_TRACE = `NOT EXISTS (SELECT 1 FROM ai_platform_agent_runs earlier WHERE earlier.trace_id = r.trace_id AND (earlier.started_at < r.started_at OR (earlier.started_at = r.started_at AND earlier.span_id < r.span_id)))`;

/** A usage column of the run's trace, for the first run of the trace only. */
const traceUsageOf = (column: string) =>
  `SUM(CASE WHEN u.trace_id IS NOT NULL AND ${FIRST_RUN_OF_TRACE} THEN u.${column} ELSE 0 END)`;

/**
 * Knex implementation of {@link AgentRunStore} on SQLite and PostgreSQL
 * (migrated with the telemetry store). Reads aggregate raw rows in SQL;
 * p95 durations come from the rows' log buckets (1 % relative accuracy),
 * so no read loads every duration.
 *
 * @internal
 */
export class DatabaseAgentRunStore implements AgentRunStore {
  constructor(private readonly db: Knex) {}

  async insert(
    runs: AgentRun[],
    toolCalls: ToolCall[],
  ): Promise<InsertAgentSpansResult> {
    if (runs.length === 0 && toolCalls.length === 0) {
      return { insertedRuns: 0, insertedToolCalls: 0, duplicates: 0 };
    }
    return this.db.transaction(async tx => {
      const tail = 'ON CONFLICT (trace_id, span_id) DO NOTHING RETURNING id';
      const insertedRuns = (
        await insertRows(
          this.db,
          tx,
          AGENT_RUNS_TABLE,
          RUN_COLUMNS,
          uniqueBySpan(runs.map(runRow)),
          tail,
        )
      ).length;
      const insertedToolCalls = (
        await insertRows(
          this.db,
          tx,
          TOOL_CALLS_TABLE,
          TOOL_CALL_COLUMNS,
          uniqueBySpan(toolCalls.map(toolCallRow)),
          tail,
        )
      ).length;
      return {
        insertedRuns,
        insertedToolCalls,
        duplicates:
          runs.length + toolCalls.length - insertedRuns - insertedToolCalls,
      };
    });
  }

  async getAgentRunStats(
    options: { agentEntityRef: string } & TimeWindow,
  ): Promise<AgentRunStats> {
    const { agentEntityRef, from, to } = options;
    const runs = () =>
      this.db(AGENT_RUNS_TABLE)
        .where('agent_entity_ref', agentEntityRef)
        .where('started_at', '>=', from.getTime())
        .where('started_at', '<', to.getTime());
    const tools = () =>
      this.db(TOOL_CALLS_TABLE)
        .where('agent_entity_ref', agentEntityRef)
        .where('started_at', '>=', from.getTime())
        .where('started_at', '<', to.getTime());

    // Model calls, tokens and cost of a run are read from its trace's
    // count-once usage (`ai_platform_trace_usage`), whatever batch or
    // reporter brought the calls; the trace counts for its first run.
    const runsWithUsage = () =>
      this.db({ r: AGENT_RUNS_TABLE })
        .leftJoin({ u: TRACE_USAGE_TABLE }, 'u.trace_id', 'r.trace_id')
        .where('r.agent_entity_ref', agentEntityRef)
        .where('r.started_at', '>=', from.getTime())
        .where('r.started_at', '<', to.getTime());
    const dayExpression = this.db.raw(`(r.started_at / ${DAY_MS})`);
    const [totals] = await runsWithUsage().select(
      this.db.raw('COUNT(*) AS runs'),
      this.db.raw(`${errorCount.replace('status', 'r.status')} AS failed_runs`),
      this.db.raw(`${traceUsageOf('cost_usd')} AS cost_usd`),
      this.db.raw(`${traceUsageOf('model_calls')} AS model_calls`),
      this.db.raw(`${traceUsageOf('input_tokens')} AS input_tokens`),
      this.db.raw(`${traceUsageOf('output_tokens')} AS output_tokens`),
    );
    const dayRows: Array<Record<string, unknown>> = await runsWithUsage()
      .select(
        this.db.raw(`${dayExpression.toQuery()} AS day`),
        this.db.raw('COUNT(*) AS runs'),
        this.db.raw(
          `${errorCount.replace('status', 'r.status')} AS failed_runs`,
        ),
        this.db.raw(`${traceUsageOf('cost_usd')} AS cost_usd`),
      )
      .groupBy(dayExpression)
      .orderBy('day');
    const runBuckets = await runs()
      .select('duration_bucket', this.db.raw('COUNT(*) AS count'))
      .groupBy('duration_bucket');
    const failing = await runs()
      .where('status', 'error')
      .select('trace_id', 'started_at', 'duration_ms', 'error_type')
      .orderBy('started_at', 'desc')
      .limit(MAX_FAILING_RUNS);

    const toolRows = await tools()
      .select(
        'tool_name',
        this.db.raw('COUNT(*) AS calls'),
        this.db.raw(`${errorCount} AS errors`),
      )
      .groupBy('tool_name')
      .orderBy([
        { column: 'calls', order: 'desc' },
        { column: 'tool_name', order: 'asc' },
      ])
      .limit(MAX_TOOLS);
    const toolNames = toolRows.map(row => String(row.tool_name));
    const toolStats = await this.toolDetails(tools, toolNames, 'tool_name');

    const runCount = num(totals?.runs);
    const failedRuns = num(totals?.failed_runs);
    const costUsd = num(totals?.cost_usd);
    return {
      runs: runCount,
      failedRuns,
      successRatePercent: percent(runCount - failedRuns, runCount),
      p95DurationMs: p95Of(runBuckets),
      costUsd,
      costPerRunUsd: runCount === 0 ? null : costUsd / runCount,
      modelCalls: num(totals?.model_calls),
      inputTokens: num(totals?.input_tokens),
      outputTokens: num(totals?.output_tokens),
      days: dayRows.map(row => ({
        day: new Date(num(row.day) * DAY_MS).toISOString().slice(0, 10),
        runs: num(row.runs),
        failedRuns: num(row.failed_runs),
        costUsd: num(row.cost_usd),
      })),
      tools: toolRows.map(row => {
        const toolName = String(row.tool_name);
        return {
          toolName,
          ...this.statsOf(row, toolStats.get(toolName)),
        };
      }),
      latestFailingRuns: failing.map(row => ({
        traceId: String(row.trace_id),
        startedAt: new Date(num(row.started_at)).toISOString(),
        durationMs: num(row.duration_ms),
        errorType: row.error_type === null ? null : String(row.error_type),
      })),
    };
  }

  async getToolCallers(
    options: { toolNames: string[] } & TimeWindow,
  ): Promise<Array<ToolCallerStats & ToolCallStats>> {
    const { toolNames, from, to } = options;
    if (toolNames.length === 0) {
      return [];
    }
    const calls = () =>
      this.db(TOOL_CALLS_TABLE)
        .whereIn('tool_name', toolNames)
        .where('started_at', '>=', from.getTime())
        .where('started_at', '<', to.getTime());
    const rows = await calls()
      .select(
        'agent_entity_ref',
        'agent_join_key',
        'tool_name',
        this.db.raw('COUNT(*) AS calls'),
        this.db.raw(`${errorCount} AS errors`),
        this.db.raw('MAX(started_at) AS last_called_at'),
      )
      .groupBy('agent_entity_ref', 'agent_join_key', 'tool_name')
      .orderBy([
        { column: 'calls', order: 'desc' },
        { column: 'tool_name', order: 'asc' },
      ])
      .limit(200);
    const keyOf = (row: Record<string, unknown>) =>
      `${row.agent_entity_ref ?? ''}\u0000${row.agent_join_key ?? ''}\u0000${
        row.tool_name
      }`;
    const details = new Map<string, DetailRows>();
    const bucketRows = await calls()
      .select(
        'agent_entity_ref',
        'agent_join_key',
        'tool_name',
        'duration_bucket',
        this.db.raw('COUNT(*) AS count'),
      )
      .groupBy(
        'agent_entity_ref',
        'agent_join_key',
        'tool_name',
        'duration_bucket',
      );
    for (const row of bucketRows) {
      detailOf(details, keyOf(row)).buckets.push(row);
    }
    const failingRows = await calls()
      .where('status', 'error')
      .select('agent_entity_ref', 'agent_join_key', 'tool_name', 'trace_id')
      .orderBy('started_at', 'desc')
      .limit(500);
    for (const row of failingRows) {
      const detail = detailOf(details, keyOf(row));
      detail.latestFailingTraceId ??= String(row.trace_id);
    }
    return rows.map(row => ({
      agentEntityRef:
        row.agent_entity_ref === null ? null : String(row.agent_entity_ref),
      agentJoinKey:
        row.agent_join_key === null ? null : String(row.agent_join_key),
      toolName: String(row.tool_name),
      lastCalledAt: new Date(num(row.last_called_at)).toISOString(),
      ...this.statsOf(row, details.get(keyOf(row))),
    }));
  }

  async listCalledTools(
    options: { limit: number } & TimeWindow,
  ): Promise<Array<{ toolName: string; calls: number; errors: number }>> {
    const rows = await this.db(TOOL_CALLS_TABLE)
      .where('started_at', '>=', options.from.getTime())
      .where('started_at', '<', options.to.getTime())
      .select(
        'tool_name',
        this.db.raw('COUNT(*) AS calls'),
        this.db.raw(`${errorCount} AS errors`),
      )
      .groupBy('tool_name')
      .orderBy([
        { column: 'calls', order: 'desc' },
        { column: 'tool_name', order: 'asc' },
      ])
      .limit(options.limit);
    return rows.map(row => ({
      toolName: String(row.tool_name),
      calls: num(row.calls),
      errors: num(row.errors),
    }));
  }

  /**
   * Deletes runs and tool calls started before `before`, of the agents in
   * `scope` (all when absent).
   */
  async deleteBefore(before: Date, scope?: RetentionScope): Promise<number> {
    const runs = await whereInRetentionScope(
      this.db(AGENT_RUNS_TABLE).where('started_at', '<', before.getTime()),
      'agent_entity_ref',
      scope,
    ).delete();
    const toolCalls = await whereInRetentionScope(
      this.db(TOOL_CALLS_TABLE).where('started_at', '<', before.getTime()),
      'agent_entity_ref',
      scope,
    ).delete();
    // Trace usage no stored run reads any more, older than the cut-off.
    await this.db(TRACE_USAGE_TABLE)
      .where('last_seen_at', '<', before.getTime())
      .whereNotExists(
        this.db(AGENT_RUNS_TABLE)
          .select(this.db.raw('1'))
          .whereRaw(
            `${AGENT_RUNS_TABLE}.trace_id = ${TRACE_USAGE_TABLE}.trace_id`,
          ),
      )
      .delete();
    return runs + toolCalls;
  }

  /** Duration buckets and latest failing trace per value of `column`. */
  private async toolDetails(
    query: () => Knex.QueryBuilder,
    values: string[],
    column: string,
  ): Promise<Map<string, DetailRows>> {
    const details = new Map<string, DetailRows>();
    if (values.length === 0) {
      return details;
    }
    const bucketRows = await query()
      .whereIn(column, values)
      .select(column, 'duration_bucket', this.db.raw('COUNT(*) AS count'))
      .groupBy(column, 'duration_bucket');
    for (const row of bucketRows) {
      detailOf(details, String(row[column])).buckets.push(row);
    }
    for (const value of values) {
      const [latest] = await query()
        .where(column, value)
        .where('status', 'error')
        .select('trace_id')
        .orderBy('started_at', 'desc')
        .limit(1);
      if (latest) {
        detailOf(details, value).latestFailingTraceId = String(latest.trace_id);
      }
    }
    return details;
  }

  private statsOf(
    row: Record<string, unknown>,
    detail: DetailRows | undefined,
  ): ToolCallStats {
    const calls = num(row.calls);
    const errors = num(row.errors);
    return {
      calls,
      errors,
      errorRatePercent: percent(errors, calls),
      p95DurationMs: detail ? p95Of(detail.buckets) : null,
      latestFailingTraceId: detail?.latestFailingTraceId ?? null,
    };
  }
}

interface DetailRows {
  buckets: Array<{ duration_bucket: unknown; count: unknown }>;
  latestFailingTraceId: string | null;
}

function detailOf(map: Map<string, DetailRows>, key: string): DetailRows {
  let detail = map.get(key);
  if (!detail) {
    detail = { buckets: [], latestFailingTraceId: null };
    map.set(key, detail);
  }
  return detail;
}
