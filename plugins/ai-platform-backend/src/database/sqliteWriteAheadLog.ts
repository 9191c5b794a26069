import { Knex } from 'knex';

/**
 * Switches a file-backed SQLite database to write-ahead logging: readers no
 * longer wait for a committing writer, and a commit appends to the log
 * instead of rewriting pages. The mode is stored in the database file; an
 * in-memory database and PostgreSQL are left alone. Returns whether WAL is on.
 *
 * @internal
 */
export async function enableSqliteWriteAheadLog(db: Knex): Promise<boolean> {
  const { client, connection } = db.client.config as Knex.Config;
  if (!/sqlite/i.test(String(client))) {
    return false;
  }
  const filename =
    typeof connection === 'string'
      ? connection
      : (connection as Knex.Sqlite3ConnectionConfig | undefined)?.filename;
  if (
    !filename ||
    filename === ':memory:' ||
    filename.startsWith('file::memory:')
  ) {
    return false;
  }
  const rows = await db.raw('PRAGMA journal_mode = WAL');
  const mode = Array.isArray(rows) ? rows[0]?.journal_mode : undefined;
  return String(mode).toLowerCase() === 'wal';
}
