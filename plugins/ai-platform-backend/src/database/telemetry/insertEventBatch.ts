import { Knex } from 'knex';
import { insertRows } from './batchUpsert';
import { EVENT_COLUMNS, EventRow } from './eventRows';
import {
  aggregateRows,
  ROLLUP_COLUMNS,
  SKETCH_COLUMNS,
} from './rollupAggregation';
import {
  compareStrings,
  EVENTS_TABLE,
  ROLLUPS_TABLE,
  SKETCH_TABLE,
} from './telemetryTables';

/**
 * Stores a batch of event rows idempotently, inside `tx`: events already
 * stored are skipped, and only the new ones are added to the hourly rollups
 * and sketches. `db` decides the SQL dialect.
 */
export async function insertEventBatch(
  db: Knex,
  tx: Knex.Transaction,
  rows: EventRow[],
): Promise<{ inserted: number; duplicates: number }> {
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
  const { rollups, sketchRows } = aggregateRows(insertedRows);

  const increment = (table: string, column: string) =>
    `${column} = ${table}.${column} + excluded.${column}`;

  await insertRows(
    db,
    tx,
    ROLLUPS_TABLE,
    ROLLUP_COLUMNS,
    rollups,
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
    sketchRows,
    `ON CONFLICT (subject, hour_start, metric, bucket) DO UPDATE SET ${increment(
      SKETCH_TABLE,
      'count',
    )}`,
  );

  return {
    inserted: insertedRows.length,
    duplicates: rows.length - insertedRows.length,
  };
}
