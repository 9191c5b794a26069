import { InsertColumn } from '../database/telemetry/batchUpsert';
import { bucketForValue } from '../database/logBucketSketch';
import { AgentRun, ToolCall } from './types';

/** A row of `ai_platform_agent_runs`. */
export interface RunRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  agent_join_key: string;
  agent_entity_ref: string | null;
  agent_name: string | null;
  started_at: number;
  duration_ms: number;
  duration_bucket: number;
  status: string;
  error_type: string | null;
  model_calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface ToolCallRow {
  trace_id: string;
  span_id: string;
  run_span_id: string | null;
  tool_name: string;
  tool_call_id: string | null;
  agent_join_key: string | null;
  agent_entity_ref: string | null;
  started_at: number;
  duration_ms: number;
  duration_bucket: number;
  status: string;
  error_type: string | null;
}

export const RUN_COLUMNS: ReadonlyArray<InsertColumn<RunRow>> = [
  ['trace_id', 'text'],
  ['span_id', 'text'],
  ['parent_span_id', 'text'],
  ['agent_join_key', 'text'],
  ['agent_entity_ref', 'text'],
  ['agent_name', 'text'],
  ['started_at', 'bigint'],
  ['duration_ms', 'double precision'],
  ['duration_bucket', 'integer'],
  ['status', 'text'],
  ['error_type', 'text'],
  ['model_calls', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cost_usd', 'double precision'],
];

export const TOOL_CALL_COLUMNS: ReadonlyArray<InsertColumn<ToolCallRow>> = [
  ['trace_id', 'text'],
  ['span_id', 'text'],
  ['run_span_id', 'text'],
  ['tool_name', 'text'],
  ['tool_call_id', 'text'],
  ['agent_join_key', 'text'],
  ['agent_entity_ref', 'text'],
  ['started_at', 'bigint'],
  ['duration_ms', 'double precision'],
  ['duration_bucket', 'integer'],
  ['status', 'text'],
  ['error_type', 'text'],
];

export function runRow(run: AgentRun): RunRow {
  return {
    trace_id: run.traceId,
    span_id: run.spanId,
    parent_span_id: run.parentSpanId,
    agent_join_key: run.agentJoinKey,
    agent_entity_ref: run.agentEntityRef,
    agent_name: run.agentName,
    started_at: run.startedAt.getTime(),
    duration_ms: run.durationMs,
    duration_bucket: bucketForValue(run.durationMs),
    status: run.status,
    error_type: run.errorType,
    model_calls: run.modelCalls,
    input_tokens: run.inputTokens,
    output_tokens: run.outputTokens,
    cost_usd: run.costUsd,
  };
}

export function toolCallRow(call: ToolCall): ToolCallRow {
  return {
    trace_id: call.traceId,
    span_id: call.spanId,
    run_span_id: call.runSpanId,
    tool_name: call.toolName,
    tool_call_id: call.toolCallId,
    agent_join_key: call.agentJoinKey,
    agent_entity_ref: call.agentEntityRef,
    started_at: call.startedAt.getTime(),
    duration_ms: call.durationMs,
    duration_bucket: bucketForValue(call.durationMs),
    status: call.status,
    error_type: call.errorType,
  };
}

/** Keeps the first row of each (trace id, span id): a batch may repeat spans. */
export function uniqueBySpan<Row extends { trace_id: string; span_id: string }>(
  rows: Row[],
): Row[] {
  const seen = new Set<string>();
  return rows.filter(row => {
    const key = `${row.trace_id}${row.span_id}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
