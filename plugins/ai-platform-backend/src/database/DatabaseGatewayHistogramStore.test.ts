import { TestDatabases } from '@backstage/backend-test-utils';
import {
  DatabaseGatewayHistogramStore,
  estimateHistogramQuantile,
  SubjectHistogramPoint,
} from './DatabaseGatewayHistogramStore';
import { DatabaseTelemetryStore } from './DatabaseTelemetryStore';
import { Knex } from 'knex';
import { resolve as resolvePath } from 'node:path';

jest.setTimeout(60_000);

const SUBJECT = 'entity:modelendpoint:default/gpt-4o-mini';
const TTFT = 'gen_ai.server.time_to_first_token';
const BOUNDS = [0.1, 0.25, 0.5, 1];
/** 2026-09-20T10:00:00Z and the next hours, in nanoseconds. */
const HOUR_10_NANOS = 1789898400000000000n;
const HOUR_NANOS = 3600000000000n;
const WINDOW = {
  from: new Date('2026-09-20T00:00:00Z'),
  to: new Date('2026-09-21T00:00:00Z'),
};

function point(
  overrides: Partial<SubjectHistogramPoint> & { hour: number },
): SubjectHistogramPoint {
  const { hour, ...rest } = overrides;
  return {
    subject: SUBJECT,
    metric: TTFT,
    temporality: 'cumulative',
    seriesKey: 'series-1',
    joinKey: 'gpt-4o-mini',
    startTimeUnixNano: String(HOUR_10_NANOS),
    timeUnixNano: String(HOUR_10_NANOS + BigInt(hour) * HOUR_NANOS + 1n),
    bounds: BOUNDS,
    bucketCounts: [0, 10, 80, 10, 0],
    ...rest,
  };
}

describe('estimateHistogramQuantile', () => {
  it('interpolates inside the bucket that holds the rank', () => {
    // rank 95 of 100 lies in (0.5, 1] after 90: 0.5 + 0.5 × 5 / 10
    expect(
      estimateHistogramQuantile(
        [
          { lower: 0.1, upper: 0.25, count: 10 },
          { lower: 0.25, upper: 0.5, count: 80 },
          { lower: 0.5, upper: 1, count: 10 },
        ],
        0.95,
      ),
    ).toEqual({ estimate: 0.75, count: 100 });
  });

  it('answers the lower bound of the +Inf bucket and null without samples', () => {
    expect(
      estimateHistogramQuantile(
        [
          { lower: 0, upper: 1, count: 1 },
          { lower: 1, upper: Infinity, count: 9 },
        ],
        0.95,
      ),
    ).toEqual({ estimate: 1, count: 10 });
    expect(estimateHistogramQuantile([], 0.95)).toEqual({
      estimate: null,
      count: 0,
    });
  });
});

describe('DatabaseGatewayHistogramStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return { store: new DatabaseGatewayHistogramStore(knex), knex };
  }

  async function hourlyCounts(
    knex: Awaited<ReturnType<typeof createStore>>['knex'],
  ) {
    const rows: Array<Record<string, unknown>> = await knex(
      'ai_platform_histogram_buckets',
    )
      .where({ metric: TTFT })
      .groupBy('hour_start')
      .select('hour_start')
      .sum({ count: 'count' })
      .orderBy('hour_start');
    return rows.map(row => [
      new Date(Number(row.hour_start)).toISOString(),
      Number(row.count),
    ]);
  }

  it.each(databases.eachSupportedId())(
    'differences cumulative series, skips retries and takes resets in full, %p',
    async databaseId => {
      const { store, knex } = await createStore(databaseId);
      expect(await store.insertPoints([point({ hour: 0 })])).toEqual({
        accepted: 1,
        skipped: 0,
      });
      // The next export: twice the counts, so the same delta again.
      const second = point({ hour: 1, bucketCounts: [0, 20, 160, 20, 0] });
      expect(await store.insertPoints([second])).toEqual({
        accepted: 1,
        skipped: 0,
      });
      // A retried export is skipped.
      expect(await store.insertPoints([second])).toEqual({
        accepted: 0,
        skipped: 1,
      });
      // The process restarted: a new start time, taken in full.
      await store.insertPoints([
        point({
          hour: 2,
          startTimeUnixNano: String(HOUR_10_NANOS + 2n * HOUR_NANOS),
          bucketCounts: [0, 0, 0, 0, 4],
        }),
      ]);
      expect(await hourlyCounts(knex)).toEqual([
        ['2026-09-20T10:00:00.000Z', 100],
        ['2026-09-20T11:00:00.000Z', 100],
        ['2026-09-20T12:00:00.000Z', 4],
      ]);
      // rank 0.95 × 204 = 193.8: after 180 in (0.25, 0.5], 20 in (0.5, 1]
      const estimate = await store.getQuantileEstimate({
        subject: SUBJECT,
        metric: TTFT,
        q: 0.95,
        window: WINDOW,
      });
      expect(estimate.count).toBe(204);
      expect(estimate.estimate).toBeCloseTo(0.5 + 0.5 * (13.8 / 20), 12);
    },
  );

  it.each(databases.eachSupportedId())(
    'adds delta points and keeps subjects and metrics apart, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const delta = (hour: number, seriesKey = 'delta-1') =>
        point({ hour, seriesKey, temporality: 'delta' });
      await store.insertPoints([delta(0), delta(1), delta(0, 'delta-2')]);
      await store.insertPoints([delta(1)]); // retry
      await store.insertPoints([
        { ...delta(0, 'other'), subject: 'unattributed:other' },
        {
          ...delta(0, 'duration'),
          metric: 'gen_ai.server.request.duration',
        },
      ]);
      const estimate = await store.getQuantileEstimate({
        subject: SUBJECT,
        metric: TTFT,
        q: 0.95,
        window: WINDOW,
      });
      expect(estimate).toEqual({ estimate: 0.75, count: 300 });
      expect(
        await store.getQuantileEstimate({
          subject: SUBJECT,
          metric: TTFT,
          q: 0.95,
          window: {
            from: new Date('2026-09-21T00:00:00Z'),
            to: new Date('2026-09-22T00:00:00Z'),
          },
        }),
      ).toEqual({ estimate: null, count: 0 });
    },
  );

  const MIGRATIONS = { directory: resolvePath(__dirname, '../../migrations') };
  const LAYOUT_MIGRATION = '20261204100000_histogram_layout_hash.js';

  /** Migrates up to, not including, the layout hash migration. */
  async function migrateToBoundsLayout(knex: Knex) {
    for (;;) {
      const [, pending]: [unknown, Array<{ file: string }>] =
        await knex.migrate.list(MIGRATIONS);
      if (pending.length === 0 || pending[0].file >= LAYOUT_MIGRATION) return;
      await knex.migrate.up(MIGRATIONS);
    }
  }

  it.each(databases.eachSupportedId())(
    'migrates bounds in every row to layouts keyed by hash and back, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'SQLITE_3');
      await migrateToBoundsLayout(knex);
      const hourStart = Date.parse('2026-09-20T10:00:00Z');
      const boundsText = BOUNDS.join(',');
      const first = point({ hour: 0 });
      // What the old store wrote for the first point of the first test.
      await knex('ai_platform_histogram_buckets').insert(
        [1, 2, 3].map(bucketIndex => ({
          subject: SUBJECT,
          hour_start: hourStart,
          metric: TTFT,
          bounds: boundsText,
          bucket_index: bucketIndex,
          count: first.bucketCounts[bucketIndex],
        })),
      );
      await knex('ai_platform_histogram_series').insert({
        series_key: first.seriesKey,
        start_time_unix_nano: first.startTimeUnixNano,
        time_unix_nano: first.timeUnixNano,
        bucket_counts: JSON.stringify(first.bucketCounts),
        bounds: boundsText,
      });

      await knex.migrate.up(MIGRATIONS);
      expect(await knex('ai_platform_histogram_layouts')).toEqual([
        {
          layout_hash:
            '4009d3dc885cc43086e5e68d361401dc983754e2c27286719f04f5c9b3f7b60c',
          bounds: boundsText,
        },
      ]);
      const store = new DatabaseGatewayHistogramStore(knex);
      // The series keeps differencing: the hash of the migrated layout is
      // the hash of the point's bounds, so this is a delta of 100, not a
      // reset of 200.
      expect(
        await store.insertPoints([
          point({ hour: 1, bucketCounts: [0, 20, 160, 20, 0] }),
        ]),
      ).toEqual({ accepted: 1, skipped: 0 });
      const estimate = await store.getQuantileEstimate({
        subject: SUBJECT,
        metric: TTFT,
        q: 0.95,
        window: WINDOW,
      });
      expect(estimate).toEqual({ estimate: 0.75, count: 200 });
      // A layout too long for the old varchar(1024) column.
      const longBounds = Array.from({ length: 300 }, (_, i) => i + 1);
      await store.insertPoints([
        point({
          hour: 0,
          seriesKey: 'long',
          subject: 'unattributed:long',
          bounds: longBounds,
          bucketCounts: [...longBounds, 0],
        }),
      ]);

      await knex.migrate.down(MIGRATIONS);
      expect(await knex.schema.hasTable('ai_platform_histogram_layouts')).toBe(
        false,
      );
      const buckets = await knex('ai_platform_histogram_buckets')
        .select('subject', 'hour_start', 'bounds', 'bucket_index', 'count')
        .orderBy(['hour_start', 'bucket_index']);
      expect(
        buckets.map(row => [
          Number(row.hour_start),
          row.bounds,
          Number(row.bucket_index),
          Number(row.count),
        ]),
      ).toEqual([
        [hourStart, boundsText, 1, 10],
        [hourStart, boundsText, 2, 80],
        [hourStart, boundsText, 3, 10],
        [hourStart + 3_600_000, boundsText, 1, 10],
        [hourStart + 3_600_000, boundsText, 2, 80],
        [hourStart + 3_600_000, boundsText, 3, 10],
      ]);
      expect(
        await knex('ai_platform_histogram_series').select(
          'series_key',
          'bounds',
          'bucket_counts',
        ),
      ).toEqual([
        {
          series_key: 'series-1',
          bounds: boundsText,
          bucket_counts: '[0,20,160,20,0]',
        },
      ]);
    },
  );
});
