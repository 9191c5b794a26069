import { Knex } from 'knex';
import { isPostgres } from './telemetryTables';

/**
 * Bound parameters per multi-row insert on SQLite: the bundled SQLite allows
 * 32,766. One statement per 500 events keeps statement preparation cheap.
 */
const MAX_SQLITE_INSERT_PARAMETERS = 16_000;

/**
 * knex writes a multi-row insert on SQLite as one compound SELECT, which
 * SQLite limits to 500 terms.
 */
export const MAX_ROWS_PER_STATEMENT = 500;

/**
 * A column written by the batch inserts, with its PostgreSQL array type for
 * `unnest` (PostgreSQL takes a whole batch as one array per column).
 */
export type InsertColumn<Row> = readonly [keyof Row & string, string];

/**
 * Inserts rows with as few statements as possible, followed by `tail` (an
 * `ON CONFLICT` clause, optionally with `RETURNING`); returns the returned
 * rows. PostgreSQL gets one statement per call, with one array parameter
 * per column (`unnest`), so its size does not grow with the batch. SQLite
 * gets multi-row `VALUES` statements.
 *
 * `db` decides the dialect; the statements run in `tx`.
 */
export async function insertRows<Row>(
  db: Knex,
  tx: Knex.Transaction,
  table: string,
  columns: ReadonlyArray<InsertColumn<Row>>,
  rows: Row[],
  tail: string,
): Promise<Array<Record<string, unknown>>> {
  if (rows.length === 0) {
    return [];
  }
  const columnList = columns.map(([name]) => name).join(', ');

  if (isPostgres(db)) {
    const arrays = columns.map(([name]) =>
      rows.map(row => row[name as keyof Row] ?? null),
    );
    const result = await tx.raw(
      `INSERT INTO ${table} (${columnList}) SELECT * FROM unnest(${columns
        .map(([, type]) => `?::${type}[]`)
        .join(', ')}) ${tail}`,
      arrays as Knex.RawBinding[],
    );
    return result.rows ?? [];
  }

  const rowPlaceholders = `(${columns.map(() => '?').join(', ')})`;
  const rowsPerStatement = Math.max(
    1,
    Math.min(
      MAX_ROWS_PER_STATEMENT,
      Math.floor(MAX_SQLITE_INSERT_PARAMETERS / columns.length),
    ),
  );
  const returned: Array<Record<string, unknown>> = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const batch = rows.slice(start, start + rowsPerStatement);
    const bindings: unknown[] = [];
    for (const row of batch) {
      for (const [name] of columns) {
        bindings.push(row[name as keyof Row] ?? null);
      }
    }
    const result = await tx.raw(
      `INSERT INTO ${table} (${columnList}) VALUES ${Array(batch.length)
        .fill(rowPlaceholders)
        .join(', ')} ${tail}`,
      bindings as Knex.RawBinding[],
    );
    if (Array.isArray(result)) {
      returned.push(...result);
    }
  }
  return returned;
}
