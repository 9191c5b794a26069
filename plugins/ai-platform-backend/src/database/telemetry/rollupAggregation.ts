import { bucketForValue } from '../logBucketSketch';
import {
  entitySubject,
  unattributedAgentSubject,
  unattributedSubject,
} from '../telemetrySubject';
import { InsertColumn } from './batchUpsert';
import { EventRow } from './eventRows';
import {
  compareStrings,
  hourStartOf,
  memoized,
  SketchMetric,
} from './telemetryTables';

/** A row of `ai_platform_rollups_hourly`: one subject's hour. */
export interface RollupRow {
  subject: string;
  hour_start: number;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/**
 * A row of `ai_platform_agent_endpoint_hourly`: the calls one Agent entity
 * made to one ModelEndpoint entity in one hour.
 */
export interface AgentEndpointRow {
  agent_entity_ref: string;
  endpoint_ref: string;
  hour_start: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export const AGENT_ENDPOINT_COLUMNS: ReadonlyArray<
  InsertColumn<AgentEndpointRow>
> = [
  ['agent_entity_ref', 'text'],
  ['endpoint_ref', 'text'],
  ['hour_start', 'int8'],
  ['requests', 'int8'],
  ['input_tokens', 'int8'],
  ['output_tokens', 'int8'],
  ['cost_usd', 'float8'],
];

/** A row of `ai_platform_trace_usage`: the model calls of one trace. */
export interface TraceUsageRow {
  trace_id: string;
  last_seen_at: number;
  model_calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export const TRACE_USAGE_COLUMNS: ReadonlyArray<InsertColumn<TraceUsageRow>> = [
  ['trace_id', 'text'],
  ['last_seen_at', 'int8'],
  ['model_calls', 'int8'],
  ['input_tokens', 'int8'],
  ['output_tokens', 'int8'],
  ['cost_usd', 'float8'],
];

/** A row of `ai_platform_sketch_buckets`: one bucket of a subject's hour. */
export interface SketchRow {
  subject: string;
  hour_start: number;
  metric: SketchMetric;
  bucket: number;
  count: number;
}

export const ROLLUP_COLUMNS: ReadonlyArray<InsertColumn<RollupRow>> = [
  ['subject', 'text'],
  ['hour_start', 'int8'],
  ['requests', 'int8'],
  ['errors', 'int8'],
  ['input_tokens', 'int8'],
  ['output_tokens', 'int8'],
  ['cost_usd', 'float8'],
];

export const SKETCH_COLUMNS: ReadonlyArray<InsertColumn<SketchRow>> = [
  ['subject', 'text'],
  ['hour_start', 'int8'],
  ['metric', 'text'],
  ['bucket', 'int4'],
  ['count', 'int8'],
];

/**
 * The rollup subjects an event counts for: its primary subject (model
 * endpoint or unattributed model alias) and, for calls made by an agent, the
 * agent's subject (Agent entity or unattributed agent id).
 */
function subjectsOf(
  row: EventRow,
  entitySubjectOf: (entityRef: string) => string,
): string[] {
  const primary = row.entity_ref
    ? entitySubjectOf(row.entity_ref)
    : unattributedSubject(row.join_key);
  if (!row.agent_join_key) {
    return [primary];
  }
  const agent = row.agent_entity_ref
    ? entitySubjectOf(row.agent_entity_ref)
    : unattributedAgentSubject(row.agent_join_key);
  return agent === primary ? [primary] : [primary, agent];
}

/**
 * Adds events to per (subject, hour) rollup rows and per (subject, hour,
 * metric, bucket) sketch rows, so each key appears once per upsert.
 * `subtracted` events are taken away instead (their earlier contribution,
 * when two reports of one call are counted once): rollup sums and sketch
 * counts are additive, so the result is a delta that may be negative.
 */
export function aggregateRows(
  rows: EventRow[],
  subtracted: EventRow[] = [],
): {
  rollups: RollupRow[];
  sketchRows: SketchRow[];
  agentEndpointRows: AgentEndpointRow[];
  traceUsageRows: TraceUsageRow[];
} {
  const traceUsage = new Map<string, TraceUsageRow>();
  // The model calls of each trace: what an agent run's cost is read from.
  const addToTrace = (row: EventRow, sign: 1 | -1) => {
    if (!row.trace_id) {
      return;
    }
    let trace = traceUsage.get(row.trace_id);
    if (!trace) {
      trace = {
        trace_id: row.trace_id,
        last_seen_at: 0,
        model_calls: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
      };
      traceUsage.set(row.trace_id, trace);
    }
    trace.last_seen_at = Math.max(trace.last_seen_at, row.occurred_at);
    trace.model_calls += sign;
    trace.input_tokens += sign * row.input_tokens;
    trace.output_tokens += sign * row.output_tokens;
    trace.cost_usd += sign * row.cost_usd;
  };
  const rollups = new Map<string, RollupRow>();
  const sketchRows = new Map<string, SketchRow>();
  const agentEndpointRows = new Map<string, AgentEndpointRow>();

  // Calls an Agent entity made to a ModelEndpoint entity, per hour: what
  // the agent's share of a self-hosted endpoint's GPU cost is computed from.
  const addToAgentEndpoint = (row: EventRow, sign: 1 | -1) => {
    if (!row.agent_entity_ref || !row.entity_ref) {
      return;
    }
    const hourStart = hourStartOf(row.occurred_at);
    const key = `${row.agent_entity_ref}\u0000${row.entity_ref}\u0000${hourStart}`;
    let pair = agentEndpointRows.get(key);
    if (!pair) {
      pair = {
        agent_entity_ref: row.agent_entity_ref,
        endpoint_ref: row.entity_ref,
        hour_start: hourStart,
        requests: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
      };
      agentEndpointRows.set(key, pair);
    }
    pair.requests += sign;
    pair.input_tokens += sign * row.input_tokens;
    pair.output_tokens += sign * row.output_tokens;
    pair.cost_usd += sign * row.cost_usd;
  };

  const addToSketch = (
    subject: string,
    hourStart: number,
    metric: SketchMetric,
    value: number,
    sign: 1 | -1,
  ) => {
    const bucket = bucketForValue(value);
    const key = `${subject}\u0000${hourStart}\u0000${metric}\u0000${bucket}`;
    const existing = sketchRows.get(key);
    if (existing) {
      existing.count += sign;
    } else {
      sketchRows.set(key, {
        subject,
        hour_start: hourStart,
        metric,
        bucket,
        count: sign,
      });
    }
  };

  const addRow = (subject: string, row: EventRow, sign: 1 | -1) => {
    const hourStart = hourStartOf(row.occurred_at);
    const key = `${subject}\u0000${hourStart}`;
    let rollup = rollups.get(key);
    if (!rollup) {
      rollup = {
        subject,
        hour_start: hourStart,
        requests: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
      };
      rollups.set(key, rollup);
    }
    rollup.requests += sign;
    rollup.errors += row.status === 'error' ? sign : 0;
    rollup.input_tokens += sign * row.input_tokens;
    rollup.output_tokens += sign * row.output_tokens;
    rollup.cost_usd += sign * row.cost_usd;

    // Percentiles describe successful calls only; TTFT only streamed ones.
    if (row.status === 'ok') {
      addToSketch(subject, hourStart, 'latency_ms', row.latency_ms, sign);
      if (row.streamed && row.ttft_ms !== null) {
        addToSketch(subject, hourStart, 'ttft_ms', row.ttft_ms, sign);
      }
    }
  };

  const entitySubjectOf = memoized(entitySubject);
  for (const row of rows) {
    for (const subject of subjectsOf(row, entitySubjectOf)) {
      addRow(subject, row, 1);
    }
    addToAgentEndpoint(row, 1);
    addToTrace(row, 1);
  }
  for (const row of subtracted) {
    for (const subject of subjectsOf(row, entitySubjectOf)) {
      addRow(subject, row, -1);
    }
    addToAgentEndpoint(row, -1);
    addToTrace(row, -1);
  }

  // In primary key order, so the upserts walk each index once.
  return {
    rollups: [...rollups.values()].sort(compareRollupKeys),
    sketchRows: [...sketchRows.values()].sort(compareSketchKeys),
    agentEndpointRows: [...agentEndpointRows.values()].sort(
      (a, b) =>
        compareStrings(a.agent_entity_ref, b.agent_entity_ref) ||
        compareStrings(a.endpoint_ref, b.endpoint_ref) ||
        a.hour_start - b.hour_start,
    ),
    traceUsageRows: [...traceUsage.values()].sort((a, b) =>
      compareStrings(a.trace_id, b.trace_id),
    ),
  };
}

function compareRollupKeys(a: RollupRow, b: RollupRow): number {
  return compareStrings(a.subject, b.subject) || a.hour_start - b.hour_start;
}

function compareSketchKeys(a: SketchRow, b: SketchRow): number {
  return (
    compareStrings(a.subject, b.subject) ||
    a.hour_start - b.hour_start ||
    compareStrings(a.metric, b.metric) ||
    a.bucket - b.bucket
  );
}
