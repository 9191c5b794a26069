import { Knex } from 'knex';
import { insertRows } from './batchUpsert';
import { EVENT_COLUMNS, EventRow } from './eventRows';
import { mergedReport } from './mergedReport';
import {
  findReportPairs,
  lockMatchableJoinKeys,
  markMerged,
} from './reportMatching';
import {
  AGENT_ENDPOINT_COLUMNS,
  AgentEndpointRow,
  aggregateRows,
  ROLLUP_COLUMNS,
  RollupRow,
  SKETCH_COLUMNS,
  SketchRow,
  TRACE_USAGE_COLUMNS,
} from './rollupAggregation';
import {
  AGENT_ENDPOINT_TABLE,
  compareStrings,
  EVENTS_TABLE,
  ROLLUPS_TABLE,
  SKETCH_TABLE,
  TRACE_USAGE_TABLE,
} from './telemetryTables';

/**
 * Stores a batch of event rows idempotently, inside `tx`: events already
 * stored are skipped, and only the new ones are added to the hourly rollups
 * and sketches. A new event that is the second report of a call (see
 * `reportMatching`) is stored and marked merged; the rollups then count
 * the call once, as the merged view of both reports. `db` decides the SQL
 * dialect.
 */
export async function insertEventBatch(
  db: Knex,
  tx: Knex.Transaction,
  rows: EventRow[],
): Promise<{ inserted: number; duplicates: number; merged?: number }> {
  await lockMatchableJoinKeys(db, tx, rows);

  // Events already stored (same source and source event id) are skipped;
  // only the new ones count in rollups and sketches, so a retried batch
  // never counts twice.
  // In unique key order, so the insert walks that index once.
  const rowsByKey = [...rows].sort(
    (a, b) =>
      compareStrings(a.source, b.source) ||
      compareStrings(a.source_event_id, b.source_event_id),
  );
  const insertedIds = new Set<string>();
  for (const { id } of await insertRows(
    db,
    tx,
    EVENTS_TABLE,
    EVENT_COLUMNS,
    rowsByKey,
    'ON CONFLICT (source, source_event_id) DO NOTHING RETURNING id',
  )) {
    insertedIds.add(String(id));
  }

  const insertedRows =
    insertedIds.size === rows.length
      ? rows
      : rows.filter(row => insertedIds.has(row.id));

  // Each pair is counted as its merged view instead of its two reports:
  // add the merged view, take away what each report added (the stored one
  // earlier; a new one is simply not added).
  const pairs = await findReportPairs(tx, insertedRows);
  await markMerged(tx, pairs);
  const pairedIds = new Set(
    pairs.flatMap(({ first, later }) => [first.id, later.id]),
  );
  const { rollups, sketchRows, agentEndpointRows, traceUsageRows } =
    aggregateRows(
      [
        ...(pairs.length === 0
          ? insertedRows
          : insertedRows.filter(row => !pairedIds.has(row.id))),
        ...pairs.map(mergedReport),
      ],
      pairs
        .flatMap(({ first, later }) => [first, later])
        .filter(row => !insertedIds.has(row.id)),
    );

  const increment = (table: string, column: string) =>
    `${column} = ${table}.${column} + excluded.${column}`;

  await insertRows(
    db,
    tx,
    ROLLUPS_TABLE,
    ROLLUP_COLUMNS,
    pairs.length === 0 ? rollups : rollups.filter(isNonZeroRollup),
    `ON CONFLICT (subject, hour_start) DO UPDATE SET ${[
      'requests',
      'errors',
      'input_tokens',
      'output_tokens',
      'cost_usd',
    ]
      .map(column => increment(ROLLUPS_TABLE, column))
      .join(', ')}`,
  );
  await insertRows(
    db,
    tx,
    SKETCH_TABLE,
    SKETCH_COLUMNS,
    pairs.length === 0 ? sketchRows : sketchRows.filter(row => row.count !== 0),
    `ON CONFLICT (subject, hour_start, metric, bucket) DO UPDATE SET ${increment(
      SKETCH_TABLE,
      'count',
    )}`,
  );
  await insertRows(
    db,
    tx,
    AGENT_ENDPOINT_TABLE,
    AGENT_ENDPOINT_COLUMNS,
    pairs.length === 0
      ? agentEndpointRows
      : agentEndpointRows.filter(isNonZeroAgentEndpoint),
    `ON CONFLICT (agent_entity_ref, endpoint_ref, hour_start) DO UPDATE SET ${[
      'requests',
      'input_tokens',
      'output_tokens',
      'cost_usd',
    ]
      .map(column => increment(AGENT_ENDPOINT_TABLE, column))
      .join(', ')}`,
  );
  await insertRows(
    db,
    tx,
    TRACE_USAGE_TABLE,
    TRACE_USAGE_COLUMNS,
    pairs.length === 0
      ? traceUsageRows
      : traceUsageRows.filter(
          row =>
            row.model_calls !== 0 ||
            row.input_tokens !== 0 ||
            row.output_tokens !== 0 ||
            row.cost_usd !== 0,
        ),
    `ON CONFLICT (trace_id) DO UPDATE SET ${[
      'model_calls',
      'input_tokens',
      'output_tokens',
      'cost_usd',
    ]
      .map(column => increment(TRACE_USAGE_TABLE, column))
      .join(
        ', ',
      )}, last_seen_at = CASE WHEN excluded.last_seen_at > ${TRACE_USAGE_TABLE}.last_seen_at THEN excluded.last_seen_at ELSE ${TRACE_USAGE_TABLE}.last_seen_at END`,
  );
  if (pairs.length > 0) {
    await deleteEmptiedRows(tx, rollups, sketchRows);
    await deleteEmptiedAgentEndpointRows(tx, agentEndpointRows);
    const emptiedTraces = traceUsageRows
      .filter(row => row.model_calls < 0)
      .map(row => row.trace_id);
    for (let start = 0; start < emptiedTraces.length; start += 250) {
      await tx(TRACE_USAGE_TABLE)
        .where('model_calls', '<=', 0)
        .whereIn('trace_id', emptiedTraces.slice(start, start + 250))
        .delete();
    }
  }

  return {
    inserted: insertedRows.length,
    duplicates: rows.length - insertedRows.length,
    ...(pairs.length > 0 ? { merged: pairs.length } : {}),
  };
}

function isNonZeroRollup(row: RollupRow): boolean {
  return (
    row.requests !== 0 ||
    row.errors !== 0 ||
    row.input_tokens !== 0 ||
    row.output_tokens !== 0 ||
    row.cost_usd !== 0
  );
}

function isNonZeroAgentEndpoint(row: AgentEndpointRow): boolean {
  return (
    row.requests !== 0 ||
    row.input_tokens !== 0 ||
    row.output_tokens !== 0 ||
    row.cost_usd !== 0
  );
}

/**
 * Deletes the agent-endpoint rows left without requests by a delta that
 * moved a call to another agent (the span's instead of the gateway's).
 */
async function deleteEmptiedAgentEndpointRows(
  tx: Knex.Transaction,
  rows: AgentEndpointRow[],
): Promise<void> {
  const emptied = rows.filter(row => row.requests < 0);
  for (let start = 0; start < emptied.length; start += 250) {
    const part = emptied.slice(start, start + 250);
    await tx(AGENT_ENDPOINT_TABLE)
      .where('requests', '<=', 0)
      .where(query => {
        for (const row of part) {
          query.orWhere({
            agent_entity_ref: row.agent_entity_ref,
            endpoint_ref: row.endpoint_ref,
            hour_start: row.hour_start,
          });
        }
      })
      .delete();
  }
}

/**
 * Deletes the rollup rows left without requests and the sketch buckets
 * left at zero by a delta that moved a call to another subject or hour
 * (e.g. from the gateway's agent to the span's), so an emptied subject is
 * not listed with zero calls.
 */
async function deleteEmptiedRows(
  tx: Knex.Transaction,
  rollups: RollupRow[],
  sketchRows: SketchRow[],
): Promise<void> {
  const lowered = (keys: Array<{ subject: string; hour_start: number }>) => [
    ...new Map(
      keys.map(key => [`${key.subject}\u0000${key.hour_start}`, key]),
    ).values(),
  ];
  const emptiedRollups = lowered(rollups.filter(row => row.requests < 0));
  const emptiedSketches = lowered(sketchRows.filter(row => row.count < 0));
  for (const [table, keys, zero] of [
    [ROLLUPS_TABLE, emptiedRollups, 'requests'],
    [SKETCH_TABLE, emptiedSketches, 'count'],
  ] as const) {
    for (let start = 0; start < keys.length; start += 250) {
      const part = keys.slice(start, start + 250);
      await tx(table)
        .where(zero, '<=', 0)
        .where(query => {
          for (const key of part) {
            query.orWhere({ subject: key.subject, hour_start: key.hour_start });
          }
        })
        .delete();
    }
  }
}
