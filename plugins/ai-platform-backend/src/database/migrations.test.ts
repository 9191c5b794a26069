import { TestDatabases } from '@backstage/backend-test-utils';
import { readdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Knex } from 'knex';

jest.setTimeout(120_000);

const MIGRATIONS = { directory: resolvePath(__dirname, '../../migrations') };

/** Every migration file of the plugin, in the order knex runs them. */
const MIGRATION_FILES = readdirSync(MIGRATIONS.directory)
  .filter(file => file.endsWith('.js'))
  .sort();

/** The tables the stores read and write (a later migration may add more). */
const STORE_TABLES = [
  'ai_platform_events',
  'ai_platform_rollups_hourly',
  'ai_platform_sketch_buckets',
  'ai_platform_eval_runs',
  'ai_platform_scorecard_results',
  'ai_platform_histogram_buckets',
  'ai_platform_histogram_series',
  'ai_platform_histogram_layouts',
  'ai_platform_pull_cursors',
];

/** knex's own bookkeeping tables, which rolling back leaves in place. */
const isKnexTable = (name: string) => name.startsWith('knex_migrations');

type Column = Record<string, unknown>;
type Index = { name: string; unique: boolean; columns: string[] };
type Schema = Record<string, { columns: Column[]; indexes: Index[] }>;

async function sqliteSchema(knex: Knex): Promise<Schema> {
  const tables: Array<{ name: string }> = await knex('sqlite_master')
    .select('name')
    .where({ type: 'table' })
    .andWhereNot('name', 'like', 'sqlite_%')
    .orderBy('name');
  const schema: Schema = {};
  for (const { name } of tables.filter(t => !isKnexTable(t.name))) {
    const columns = (await knex.raw('SELECT * FROM pragma_table_info(?)', [
      name,
    ])) as Array<{ cid: number } & Column>;
    const indexList = (await knex.raw(
      'SELECT * FROM pragma_index_list(?) ORDER BY name',
      [name],
    )) as Array<{ name: string; unique: number; origin: string }>;
    const indexes: Index[] = [];
    for (const index of indexList) {
      const indexColumns = (await knex.raw(
        'SELECT name FROM pragma_index_info(?) ORDER BY seqno',
        [index.name],
      )) as Array<{ name: string }>;
      indexes.push({
        // SQLite names the indexes of primary keys and unique constraints itself.
        name: index.origin === 'c' ? index.name : `(${index.origin})`,
        unique: index.unique === 1,
        columns: indexColumns.map(c => c.name),
      });
    }
    schema[name] = {
      columns: columns
        .sort((a, b) => a.cid - b.cid)
        .map(({ cid: _cid, ...column }) => column),
      indexes: indexes.sort((a, b) =>
        `${a.name}${a.columns}`.localeCompare(`${b.name}${b.columns}`),
      ),
    };
  }
  return schema;
}

async function postgresSchema(knex: Knex): Promise<Schema> {
  const columns = await knex.raw(`
    SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length,
           c.is_nullable, c.column_default,
           col_description(format('%I.%I', c.table_schema, c.table_name)::regclass,
                           c.ordinal_position) AS comment
      FROM information_schema.columns c
     WHERE c.table_schema = current_schema()
     ORDER BY c.table_name, c.ordinal_position`);
  const indexes = await knex.raw(`
    SELECT tablename, indexname, indexdef
      FROM pg_indexes
     WHERE schemaname = current_schema()
     ORDER BY tablename, indexname`);
  const schema: Schema = {};
  for (const { table_name: table, ...column } of columns.rows) {
    if (isKnexTable(table)) continue;
    schema[table] ??= { columns: [], indexes: [] };
    schema[table].columns.push(column);
  }
  for (const row of indexes.rows) {
    if (isKnexTable(row.tablename)) continue;
    schema[row.tablename].indexes.push({
      name: row.indexname,
      unique: /^CREATE UNIQUE INDEX/.test(row.indexdef),
      columns: [row.indexdef.replace(/^.* USING \w+ /, '')],
    });
  }
  return schema;
}

/** The plugin's tables with their columns and indexes, knex's own tables left out. */
function schemaOf(knex: Knex): Promise<Schema> {
  return knex.client.config.client === 'pg'
    ? postgresSchema(knex)
    : sqliteSchema(knex);
}

async function completedMigrations(knex: Knex): Promise<string[]> {
  const [completed]: [Array<{ name: string }>, unknown] =
    await knex.migrate.list(MIGRATIONS);
  return completed.map(m => m.name);
}

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it('finds the migrations and knows the first one', () => {
    expect(MIGRATION_FILES[0]).toBe('20261123000000_init.js');
    expect(MIGRATION_FILES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(databases.eachSupportedId())(
    'runs every migration up, every one down to nothing, and up again to the same schema, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'SQLITE_3');

      // Up one at a time, keeping the schema after each step.
      const schemaAfter: Schema[] = [await schemaOf(knex)];
      expect(schemaAfter[0]).toEqual({});
      for (const file of MIGRATION_FILES) {
        await knex.migrate.up(MIGRATIONS);
        expect(await completedMigrations(knex)).toEqual(
          MIGRATION_FILES.slice(0, schemaAfter.length),
        );
        expect({ file, schema: await schemaOf(knex) }).not.toEqual({
          file,
          schema: schemaAfter[schemaAfter.length - 1],
        });
        schemaAfter.push(await schemaOf(knex));
      }
      const latest = schemaAfter[MIGRATION_FILES.length];
      for (const table of STORE_TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      expect(Object.keys(latest)).toEqual(expect.arrayContaining(STORE_TABLES));

      // Down one at a time: each down gives back the schema before its up.
      for (let step = MIGRATION_FILES.length; step > 0; step--) {
        await knex.migrate.down(MIGRATIONS);
        expect(await completedMigrations(knex)).toEqual(
          MIGRATION_FILES.slice(0, step - 1),
        );
        expect({
          undone: MIGRATION_FILES[step - 1],
          schema: await schemaOf(knex),
        }).toEqual({
          undone: MIGRATION_FILES[step - 1],
          schema: schemaAfter[step - 1],
        });
      }
      for (const table of STORE_TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }

      // Up again, all at once, as the backend does at start.
      await knex.migrate.latest(MIGRATIONS);
      expect(await completedMigrations(knex)).toEqual(MIGRATION_FILES);
      expect(await schemaOf(knex)).toEqual(latest);
    },
  );

  it.each(databases.eachSupportedId())(
    'rolls every migration back at once, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'SQLITE_3');
      await knex.migrate.latest(MIGRATIONS);
      await knex.migrate.rollback(MIGRATIONS, true);
      expect(await completedMigrations(knex)).toEqual([]);
      expect(await schemaOf(knex)).toEqual({});
    },
  );
});
