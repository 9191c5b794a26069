/*
 * Histogram bucket layouts keyed by a hash. Every bucket and series row
 * carried the whole explicit-bounds text, so a point of N bounds stored
 * N rows of N bounds each (O(N²)). The bounds text is now kept once per
 * layout in `ai_platform_histogram_layouts`, keyed by its sha256 (hex);
 * bucket and series rows carry the 64-character hash in `layout_hash`
 * instead of `bounds`. Existing rows are converted: the hash is of the
 * stored bounds text, exactly as the store hashes new points, so
 * cumulative series keep differencing across the upgrade.
 */

const { createHash } = require('node:crypto');

const BUCKETS = 'ai_platform_histogram_buckets';
const SERIES = 'ai_platform_histogram_series';
const LAYOUTS = 'ai_platform_histogram_layouts';
const ROWS_PER_STATEMENT = 500;

/** The columns of both tables but the layout, in order. */
const BUCKET_COLUMNS = ['subject', 'hour_start', 'metric'];
const BUCKET_TAIL_COLUMNS = ['bucket_index', 'count'];
const SERIES_COLUMNS = [
  'series_key',
  'start_time_unix_nano',
  'time_unix_nano',
  'bucket_counts',
];

function layoutHashOf(boundsText) {
  return createHash('sha256').update(boundsText).digest('hex');
}

/**
 * @param {import('knex').Knex} knex
 */
function createBucketsTable(knex, name, layoutColumn) {
  return knex.schema.createTable(name, table => {
    table.comment('Delta bucket counts of GenAI OTLP histograms per hour');
    table
      .string('subject', 512)
      .notNullable()
      .comment("'entity:<ref>' or 'unattributed:<model alias>'");
    table.bigInteger('hour_start').notNullable().comment('epoch ms');
    table
      .string('metric', 128)
      .notNullable()
      .comment("e.g. 'gen_ai.server.time_to_first_token'");
    layoutColumn(table);
    table
      .integer('bucket_index')
      .notNullable()
      .comment('0..len(bounds); the last bucket is (last bound, +Inf)');
    table.bigInteger('count').notNullable();
  });
}

/**
 * @param {import('knex').Knex} knex
 */
function createSeriesTable(knex, name, layoutColumn) {
  return knex.schema.createTable(name, table => {
    table.comment('Last data point seen per OTLP histogram series');
    table
      .string('series_key', 64)
      .notNullable()
      .comment('sha256 of metric, resource and point attributes');
    table
      .string('start_time_unix_nano', 32)
      .notNullable()
      .comment('Start of the cumulative series; a change means a reset');
    table
      .string('time_unix_nano', 32)
      .notNullable()
      .comment(
        'Time of the last point taken; older or equal points are skipped',
      );
    table
      .text('bucket_counts')
      .notNullable()
      .comment('JSON array of the last cumulative bucket counts');
    layoutColumn(table);
  });
}

/**
 * Copies `from` into `to` (same columns but the layout), joining the
 * layouts table on `joinOn` to take its `take` column.
 *
 * @param {import('knex').Knex} knex
 */
async function copyJoined(knex, { from, to, head, tail, joinOn, take, where }) {
  const columns = [...head, take.as, ...tail];
  const select = [
    ...head.map(c => `r.${c}`),
    `l.${take.column}`,
    ...tail.map(c => `r.${c}`),
  ];
  await knex.raw(
    `INSERT INTO ?? (${columns.map(() => '??').join(', ')}) SELECT ${select
      .map(() => '??')
      .join(', ')} FROM ?? AS r JOIN ?? AS l ON l.?? = r.??${
      where ? ` WHERE ${where}` : ''
    }`,
    [to, ...columns, ...select, from, LAYOUTS, joinOn.layout, joinOn.row],
  );
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(LAYOUTS, table => {
    table.comment(
      'Explicit-bounds layouts of GenAI OTLP histograms, stored once each',
    );
    table
      .string('layout_hash', 64)
      .primary()
      .notNullable()
      .comment('sha256 (hex) of bounds');
    table
      .text('bounds')
      .notNullable()
      .comment('Explicit bounds, comma separated, in the unit of the metric');
  });

  const boundsTexts = new Set();
  for (const table of [BUCKETS, SERIES]) {
    for (const row of await knex(table).distinct('bounds')) {
      boundsTexts.add(row.bounds);
    }
  }
  const layouts = [...boundsTexts].map(bounds => ({
    layout_hash: layoutHashOf(bounds),
    bounds,
  }));
  for (let i = 0; i < layouts.length; i += ROWS_PER_STATEMENT) {
    await knex(LAYOUTS).insert(layouts.slice(i, i + ROWS_PER_STATEMENT));
  }

  await knex.schema.renameTable(BUCKETS, `${BUCKETS}_bounds`);
  await createBucketsTable(knex, BUCKETS, table => {
    table
      .string('layout_hash', 64)
      .notNullable()
      .comment('The layout of the bucket: ai_platform_histogram_layouts');
    table.primary(
      ['subject', 'hour_start', 'metric', 'layout_hash', 'bucket_index'],
      'ai_platform_histogram_buckets_layout_pkey',
    );
  });
  await copyJoined(knex, {
    from: `${BUCKETS}_bounds`,
    to: BUCKETS,
    head: BUCKET_COLUMNS,
    tail: BUCKET_TAIL_COLUMNS,
    joinOn: { layout: 'bounds', row: 'bounds' },
    take: { column: 'layout_hash', as: 'layout_hash' },
  });
  await knex.schema.dropTable(`${BUCKETS}_bounds`);

  await knex.schema.renameTable(SERIES, `${SERIES}_bounds`);
  await createSeriesTable(knex, SERIES, table => {
    table
      .string('layout_hash', 64)
      .notNullable()
      .comment('Layout of the last point: ai_platform_histogram_layouts');
    table.primary(['series_key'], 'ai_platform_histogram_series_layout_pkey');
  });
  await copyJoined(knex, {
    from: `${SERIES}_bounds`,
    to: SERIES,
    head: SERIES_COLUMNS,
    tail: [],
    joinOn: { layout: 'bounds', row: 'bounds' },
    take: { column: 'layout_hash', as: 'layout_hash' },
  });
  await knex.schema.dropTable(`${SERIES}_bounds`);
};

/**
 * Back to the bounds text in every row (`varchar(1024)` as before):
 * layouts whose text is longer, which the old schema could not hold on
 * PostgreSQL, are dropped with their buckets and series.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const fits = 'length(l.bounds) <= 1024';

  await knex.schema.renameTable(BUCKETS, `${BUCKETS}_layout`);
  await createBucketsTable(knex, BUCKETS, table => {
    table
      .string('bounds', 1024)
      .notNullable()
      .comment('Explicit bounds, comma separated, in the unit of the metric');
    table.primary(
      ['subject', 'hour_start', 'metric', 'bounds', 'bucket_index'],
      'ai_platform_histogram_buckets_pkey',
    );
  });
  await copyJoined(knex, {
    from: `${BUCKETS}_layout`,
    to: BUCKETS,
    head: BUCKET_COLUMNS,
    tail: BUCKET_TAIL_COLUMNS,
    joinOn: { layout: 'layout_hash', row: 'layout_hash' },
    take: { column: 'bounds', as: 'bounds' },
    where: fits,
  });
  await knex.schema.dropTable(`${BUCKETS}_layout`);

  await knex.schema.renameTable(SERIES, `${SERIES}_layout`);
  await createSeriesTable(knex, SERIES, table => {
    table.string('bounds', 1024).notNullable();
    table.primary(['series_key'], 'ai_platform_histogram_series_pkey');
  });
  await copyJoined(knex, {
    from: `${SERIES}_layout`,
    to: SERIES,
    head: SERIES_COLUMNS,
    tail: [],
    joinOn: { layout: 'layout_hash', row: 'layout_hash' },
    take: { column: 'bounds', as: 'bounds' },
    where: fits,
  });
  await knex.schema.dropTable(`${SERIES}_layout`);

  await knex.schema.dropTable(LAYOUTS);
};
