import { Knex } from 'knex';
import { GatewayHistogramPoint } from '../ingest/otlpMetricsRequest';
import { TimeWindow } from './TelemetryStore';

const BUCKETS_TABLE = 'ai_platform_histogram_buckets';
const SERIES_TABLE = 'ai_platform_histogram_series';
const HOUR_MS = 60 * 60 * 1000;
const NANOS_PER_MS = 1_000_000n;

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
  bounds: string;
}

function boundsKey(bounds: number[]): string {
  return bounds.join(',');
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
  previous: SeriesRow | undefined,
): number[] | undefined {
  if (
    previous &&
    BigInt(point.timeUnixNano) <= BigInt(previous.time_unix_nano)
  ) {
    return undefined;
  }
  if (point.temporality === 'delta' || !previous) {
    return point.bucketCounts;
  }
  const previousCounts = JSON.parse(previous.bucket_counts) as number[];
  const sameSeries =
    previous.start_time_unix_nano === point.startTimeUnixNano &&
    previous.bounds === boundsKey(point.bounds) &&
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
 * quantile estimates from them. Runs on SQLite and PostgreSQL.
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
      const increments = new Map<
        string,
        {
          subject: string;
          hour_start: number;
          metric: string;
          bounds: string;
          bucket_index: number;
          count: number;
        }
      >();
      let accepted = 0;
      let skipped = 0;
      // Oldest first, so several points of a series in one batch chain.
      const ordered = [...points].sort((a, b) =>
        BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1,
      );
      for (const point of ordered) {
        const query = tx<SeriesRow>(SERIES_TABLE).where(
          'series_key',
          point.seriesKey,
        );
        const previous =
          this.db.client.config.client === 'pg'
            ? await query.forUpdate().first()
            : await query.first();
        const delta = deltaCounts(point, previous);
        if (!delta) {
          skipped += 1;
          continue;
        }
        accepted += 1;
        const bounds = boundsKey(point.bounds);
        await tx(SERIES_TABLE)
          .insert({
            series_key: point.seriesKey,
            start_time_unix_nano: point.startTimeUnixNano,
            time_unix_nano: point.timeUnixNano,
            bucket_counts: JSON.stringify(point.bucketCounts),
            bounds,
          })
          .onConflict('series_key')
          .merge();
        const timeMs = Number(BigInt(point.timeUnixNano) / NANOS_PER_MS);
        const hourStart = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
        delta.forEach((count, bucketIndex) => {
          if (count === 0) return;
          const key = JSON.stringify([
            point.subject,
            hourStart,
            point.metric,
            bounds,
            bucketIndex,
          ]);
          const existing = increments.get(key);
          if (existing) {
            existing.count += count;
          } else {
            increments.set(key, {
              subject: point.subject,
              hour_start: hourStart,
              metric: point.metric,
              bounds,
              bucket_index: bucketIndex,
              count,
            });
          }
        });
      }
      for (const row of increments.values()) {
        await tx(BUCKETS_TABLE)
          .insert(row)
          .onConflict([
            'subject',
            'hour_start',
            'metric',
            'bounds',
            'bucket_index',
          ])
          .merge({
            count: tx.raw('?? + ??', [
              `${BUCKETS_TABLE}.count`,
              'excluded.count',
            ]),
          });
      }
      return { accepted, skipped };
    });
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
      bounds: string;
      bucket_index: number;
      count: unknown;
    }> = await this.db(BUCKETS_TABLE)
      .where({ subject, metric })
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', window.to.getTime())
      .groupBy('bounds', 'bucket_index')
      .select('bounds', 'bucket_index')
      .sum({ count: 'count' });
    const buckets = rows.map(row => {
      const bounds = row.bounds === '' ? [] : row.bounds.split(',').map(Number);
      const index = Number(row.bucket_index);
      return {
        lower: index === 0 ? 0 : bounds[index - 1],
        upper: index < bounds.length ? bounds[index] : Infinity,
        count: Number(row.count),
      };
    });
    return estimateHistogramQuantile(buckets, q);
  }
}
