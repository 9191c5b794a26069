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
 */
export function aggregateRows(rows: EventRow[]): {
  rollups: RollupRow[];
  sketchRows: SketchRow[];
} {
  const rollups = new Map<string, RollupRow>();
  const sketchRows = new Map<string, SketchRow>();

  const addToSketch = (
    subject: string,
    hourStart: number,
    metric: SketchMetric,
    value: number,
  ) => {
    const bucket = bucketForValue(value);
    const key = `${subject}\u0000${hourStart}\u0000${metric}\u0000${bucket}`;
    const existing = sketchRows.get(key);
    if (existing) {
      existing.count += 1;
    } else {
      sketchRows.set(key, {
        subject,
        hour_start: hourStart,
        metric,
        bucket,
        count: 1,
      });
    }
  };

  const addRow = (subject: string, row: EventRow) => {
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
    rollup.requests += 1;
    rollup.errors += row.status === 'error' ? 1 : 0;
    rollup.input_tokens += row.input_tokens;
    rollup.output_tokens += row.output_tokens;
    rollup.cost_usd += row.cost_usd;

    // Percentiles describe successful calls only; TTFT only streamed ones.
    if (row.status === 'ok') {
      addToSketch(subject, hourStart, 'latency_ms', row.latency_ms);
      if (row.streamed && row.ttft_ms !== null) {
        addToSketch(subject, hourStart, 'ttft_ms', row.ttft_ms);
      }
    }
  };

  const entitySubjectOf = memoized(entitySubject);
  for (const row of rows) {
    for (const subject of subjectsOf(row, entitySubjectOf)) {
      addRow(subject, row);
    }
  }

  // In primary key order, so the upserts walk each index once.
  return {
    rollups: [...rollups.values()].sort(compareRollupKeys),
    sketchRows: [...sketchRows.values()].sort(compareSketchKeys),
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
