import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { GatewayHistogramPoint } from '../domain/gatewayHistogramPoint';
import { TimeWindow } from './TelemetryStore';

const BUCKETS_TABLE = 'ai_platform_histogram_buckets';
const SERIES_TABLE = 'ai_platform_histogram_series';
const LAYOUTS_TABLE = 'ai_platform_histogram_layouts';
const HOUR_MS = 60 * 60 * 1000;
const NANOS_PER_MS = 1_000_000n;

/** Largest stored bucket count: `Number.MAX_SAFE_INTEGER`. */
const MAX_STORED_COUNT = Number.MAX_SAFE_INTEGER;
/** Rows per multi-row statement (SQLite binds at most 32,766 values). */
const ROWS_PER_STATEMENT = 500;
/** Buckets added up between two turns of the event loop. */
const BUCKETS_PER_TURN = 20_000;

/**
 * A histogram data point with the subject it counts for.
 *
 * @internal
 */
export interface SubjectHistogramPoint extends GatewayHistogramPoint {
  /** `entity:<ref>` or `unattributed:<model alias>`. */
  subject: string;
}

/**
 * A quantile estimated from explicit-bucket histograms.
 *
 * @internal
 */
export interface HistogramQuantileEstimate {
  /** In the metric's unit; `null` without samples. */
  estimate: number | null;
  count: number;
}

interface SeriesRow {
  series_key: string;
  start_time_unix_nano: string;
  time_unix_nano: string;
  bucket_counts: string;
  layout_hash: string;
}

/** The last point taken of a series, as it is (or will be) stored. */
interface SeriesState {
  startTimeUnixNano: string;
  timeUnixNano: string;
  bucketCounts: number[];
  layoutHash: string;
}

/** The bounds as stored once per layout: comma separated. */
function boundsText(bounds: number[]): string {
  return bounds.join(',');
}

function parseBoundsText(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

/**
 * The key of a bucket layout: sha256 (hex) of its bounds text, so bucket
 * and series rows carry 64 characters whatever the number of bounds. The
 * migration `20261204100000_histogram_layout_hash` hashes the same way.
 */
function layoutHashOf(boundsTextValue: string): string {
  return createHash('sha256').update(boundsTextValue).digest('hex');
}

/**
 * Lets timers and I/O (other requests, health checks) run. SQLite's driver
 * is synchronous and knex chains its statements in microtasks, so without
 * this a batch of many statements holds the event loop until it commits.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}

function chunked<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

/**
 * The delta counts of a point against the last point of its series, or
 * `undefined` when the point is not newer (a retry or out of order).
 * Cumulative series are differenced; a changed start time, bucket layout
 * or a decreasing count is a reset and the point is taken in full, as is
 * the first point of a series (it covers its own start..time).
 */
function deltaCounts(
  point: GatewayHistogramPoint,
  layoutHash: string,
  previous: SeriesState | undefined,
): number[] | undefined {
  if (previous && BigInt(point.timeUnixNano) <= BigInt(previous.timeUnixNano)) {
    return undefined;
  }
  if (point.temporality === 'delta' || !previous) {
    return point.bucketCounts;
  }
  const previousCounts = previous.bucketCounts;
  const sameSeries =
    previous.startTimeUnixNano === point.startTimeUnixNano &&
    previous.layoutHash === layoutHash &&
    previousCounts.length === point.bucketCounts.length &&
    point.bucketCounts.every((count, i) => count >= previousCounts[i]);
  return sameSeries
    ? point.bucketCounts.map((count, i) => count - previousCounts[i])
    : point.bucketCounts;
}

/**
 * Estimates a quantile from bucket counts the way `histogram_quantile`
 * does: linear interpolation inside the bucket holding rank `q × count`,
 * the first bucket starting at 0, the +Inf bucket answering its lower
 * bound. Buckets of different layouts are merged by their upper bounds,
 * which is a coarser estimate.
 *
 * @internal
 */
export function estimateHistogramQuantile(
  buckets: Array<{ lower: number; upper: number; count: number }>,
  q: number,
): HistogramQuantileEstimate {
  const sorted = buckets
    .filter(bucket => bucket.count > 0)
    .sort((a, b) => a.upper - b.upper || a.lower - b.lower);
  const count = sorted.reduce((sum, bucket) => sum + bucket.count, 0);
  if (count === 0) {
    return { estimate: null, count: 0 };
  }
  const rank = q * count;
  let cumulative = 0;
  for (const bucket of sorted) {
    if (cumulative + bucket.count >= rank) {
      if (!Number.isFinite(bucket.upper)) {
        return { estimate: bucket.lower, count };
      }
      const fraction = (rank - cumulative) / bucket.count;
      return {
        estimate: bucket.lower + (bucket.upper - bucket.lower) * fraction,
        count,
      };
    }
    cumulative += bucket.count;
  }
  const last = sorted[sorted.length - 1];
  return {
    estimate: Number.isFinite(last.upper) ? last.upper : last.lower,
    count,
  };
}

/**
 * Stores the GenAI OTLP histograms as delta bucket counts per subject,
 * hour, metric and bucket layout, apart from the event sketches, and reads
 * quantile estimates from them. A layout (the explicit bounds) is stored
 * once and named by its hash in bucket and series rows, so storage grows
 * linearly with the buckets. Runs on SQLite and PostgreSQL.
 *
 * @internal
 */
export class DatabaseGatewayHistogramStore {
  constructor(private readonly db: Knex) {}

  /**
   * Adds the points' deltas to the hourly buckets (by `timeUnixNano`) in one
   * transaction. Points not newer than their series' last point are
   * skipped, so a retried export counts once.
   */
  async insertPoints(
    points: SubjectHistogramPoint[],
  ): Promise<{ accepted: number; skipped: number }> {
    if (points.length === 0) {
      return { accepted: 0, skipped: 0 };
    }
    return this.db.transaction(async tx => {
      const previousBySeries = await this.lockSeries(
        tx,
        points.map(point => point.seriesKey),
      );
      const layouts = new Map<string, string>();
      const latestBySeries = new Map<string, SeriesState>();
      const increments = new Map<
        string,
        {
          subject: string;
          hour_start: number;
          metric: string;
          layout_hash: string;
          bucket_index: number;
          count: number;
        }
      >();
      let accepted = 0;
      let skipped = 0;
      let bucketsThisTurn = 0;
      // Oldest first, so several points of a series in one batch chain.
      const ordered = points
        .map(point => ({ point, time: BigInt(point.timeUnixNano) }))
        .sort((a, b) => (a.time < b.time ? -1 : 1));
      for (const { point, time } of ordered) {
        const text = boundsText(point.bounds);
        const layoutHash = layoutHashOf(text);
        const delta = deltaCounts(
          point,
          layoutHash,
          latestBySeries.get(point.seriesKey) ??
            previousBySeries.get(point.seriesKey),
        );
        if (!delta) {
          skipped += 1;
          continue;
        }
        accepted += 1;
        bucketsThisTurn += delta.length;
        if (bucketsThisTurn >= BUCKETS_PER_TURN) {
          bucketsThisTurn = 0;
          await yieldToEventLoop();
        }
        layouts.set(layoutHash, text);
        latestBySeries.set(point.seriesKey, {
          startTimeUnixNano: point.startTimeUnixNano,
          timeUnixNano: point.timeUnixNano,
          bucketCounts: point.bucketCounts,
          layoutHash,
        });
        const timeMs = Number(time / NANOS_PER_MS);
        const hourStart = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
        // Of constant size per bucket: the layout is named by its hash.
        const keyPrefix = JSON.stringify([
          point.subject,
          hourStart,
          point.metric,
          layoutHash,
        ]);
        delta.forEach((count, bucketIndex) => {
          if (count === 0) return;
          const key = `${keyPrefix}${bucketIndex}`;
          const existing = increments.get(key);
          if (existing) {
            existing.count = Math.min(existing.count + count, MAX_STORED_COUNT);
          } else {
            increments.set(key, {
              subject: point.subject,
              hour_start: hourStart,
              metric: point.metric,
              layout_hash: layoutHash,
              bucket_index: bucketIndex,
              count,
            });
          }
        });
      }
      // Layouts are content-addressed: an existing row is the same layout.
      for (const chunk of chunked([...layouts])) {
        await tx(LAYOUTS_TABLE)
          .insert(
            chunk.map(([layoutHash, bounds]) => ({
              layout_hash: layoutHash,
              bounds,
            })),
          )
          .onConflict('layout_hash')
          .ignore();
        await yieldToEventLoop();
      }
      for (const chunk of chunked([...latestBySeries])) {
        await tx(SERIES_TABLE)
          .insert(
            chunk.map(([seriesKey, state]) => ({
              series_key: seriesKey,
              start_time_unix_nano: state.startTimeUnixNano,
              time_unix_nano: state.timeUnixNano,
              bucket_counts: JSON.stringify(state.bucketCounts),
              layout_hash: state.layoutHash,
            })),
          )
          .onConflict('series_key')
          .merge();
        await yieldToEventLoop();
      }
      for (const chunk of chunked([...increments.values()])) {
        await tx(BUCKETS_TABLE)
          .insert(chunk)
          .onConflict([
            'subject',
            'hour_start',
            'metric',
            'layout_hash',
            'bucket_index',
          ])
          .merge({
            // Saturating at 2^53 - 1 (the largest count JavaScript reads
            // exactly): an overflowing bigint would fail every later batch
            // of this row on PostgreSQL, while SQLite turned it into a float.
            count:
              this.db.client.config.client === 'pg'
                ? tx.raw('LEAST(??::numeric + ??, ?)::bigint', [
                    `${BUCKETS_TABLE}.count`,
                    'excluded.count',
                    MAX_STORED_COUNT,
                  ])
                : tx.raw('MIN(??, ? - ??) + ??', [
                    `${BUCKETS_TABLE}.count`,
                    MAX_STORED_COUNT,
                    'excluded.count',
                    'excluded.count',
                  ]),
          });
        await yieldToEventLoop();
      }
      return { accepted, skipped };
    });
  }

  /**
   * The last stored point of each series, locked on PostgreSQL until the
   * transaction ends so concurrent exports of a series difference in turn.
   */
  private async lockSeries(
    tx: Knex.Transaction,
    seriesKeys: string[],
  ): Promise<Map<string, SeriesState>> {
    const previous = new Map<string, SeriesState>();
    // Sorted: concurrent batches lock shared series in the same order.
    const keys = [...new Set(seriesKeys)].sort();
    for (const chunk of chunked(keys)) {
      const query = tx<SeriesRow>(SERIES_TABLE).whereIn('series_key', chunk);
      const rows: SeriesRow[] =
        this.db.client.config.client === 'pg'
          ? await query.forUpdate()
          : await query;
      for (const row of rows) {
        previous.set(row.series_key, {
          startTimeUnixNano: row.start_time_unix_nano,
          timeUnixNano: row.time_unix_nano,
          bucketCounts: JSON.parse(row.bucket_counts) as number[],
          layoutHash: row.layout_hash,
        });
      }
      await yieldToEventLoop();
    }
    return previous;
  }

  /**
   * The `q` quantile of one metric of a subject over the whole hours of a
   * window, with the number of samples.
   */
  async getQuantileEstimate(options: {
    subject: string;
    metric: string;
    q: number;
    window: TimeWindow;
  }): Promise<HistogramQuantileEstimate> {
    const { subject, metric, q, window } = options;
    const fromMs = Math.floor(window.from.getTime() / HOUR_MS) * HOUR_MS;
    const rows: Array<{
      layout_hash: string;
      bucket_index: number;
      count: unknown;
    }> = await this.db(BUCKETS_TABLE)
      .where({ subject, metric })
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', window.to.getTime())
      .groupBy('layout_hash', 'bucket_index')
      .select('layout_hash', 'bucket_index')
      .sum({ count: 'count' });
    const boundsByLayout = new Map<string, number[]>();
    const layoutHashes = [...new Set(rows.map(row => row.layout_hash))];
    for (const chunk of chunked(layoutHashes)) {
      const layouts: Array<{ layout_hash: string; bounds: string }> =
        await this.db(LAYOUTS_TABLE)
          .whereIn('layout_hash', chunk)
          .select('layout_hash', 'bounds');
      for (const layout of layouts) {
        boundsByLayout.set(layout.layout_hash, parseBoundsText(layout.bounds));
      }
    }
    const buckets = rows.flatMap(row => {
      const bounds = boundsByLayout.get(row.layout_hash);
      if (!bounds) return [];
      const index = Number(row.bucket_index);
      return [
        {
          lower: index === 0 ? 0 : bounds[index - 1],
          upper: index < bounds.length ? bounds[index] : Infinity,
          count: Number(row.count),
        },
      ];
    });
    return estimateHistogramQuantile(buckets, q);
  }
}
