import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  percentilesFromBuckets,
  quantileFromBuckets,
  SketchBucketCount,
} from '../logBucketSketch';
import {
  LatencyPercentilesMs,
  SubjectUsage,
  TimeseriesMetric,
  TimeseriesPoint,
  TimeWindow,
} from '../TelemetryStore';
import { hourAlignedWindow, toNumber } from './telemetryQueryRows';
import {
  HOUR_MS,
  hourStartOf,
  ROLLUPS_TABLE,
  SKETCH_TABLE,
  SketchMetric,
} from './telemetryTables';

/**
 * The read queries of one subject's telemetry: usage and percentiles of a
 * window (percentiles merged from the sketches in SQL) and time series.
 * Same SQL on SQLite and PostgreSQL. Unattributed subjects are in
 * `UnattributedQueries`, many subjects at once in `SubjectBatchQueries`.
 */
export class TelemetryQueries {
  constructor(private readonly db: Knex) {}

  async getUsage(
    options: { subject: string; percentiles?: boolean } & TimeWindow,
  ): Promise<SubjectUsage> {
    const { subject } = options;
    const { fromMs, toMs } = hourAlignedWindow(options);

    const [totals] = await this.db(ROLLUPS_TABLE)
      .where('subject', subject)
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', toMs)
      .sum({
        requests: 'requests',
        errors: 'errors',
        input_tokens: 'input_tokens',
        output_tokens: 'output_tokens',
        cost_usd: 'cost_usd',
      });

    const requests = toNumber(totals?.requests);
    const errors = toNumber(totals?.errors);

    const notRead: LatencyPercentilesMs = { p50: null, p95: null, count: 0 };
    const [ttftMs, latencyMs] =
      options.percentiles === false
        ? [notRead, notRead]
        : await Promise.all([
            this.readPercentiles(subject, 'ttft_ms', fromMs, toMs),
            this.readPercentiles(subject, 'latency_ms', fromMs, toMs),
          ]);

    return {
      subject,
      window: {
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      },
      requests,
      errors,
      errorRatePercent: requests > 0 ? (errors / requests) * 100 : null,
      inputTokens: toNumber(totals?.input_tokens),
      outputTokens: toNumber(totals?.output_tokens),
      costUsd: toNumber(totals?.cost_usd),
      ttftMs,
      latencyMs,
    };
  }

  async getTimeseries(options: {
    subject: string;
    metric: TimeseriesMetric;
    from: Date;
    stepMs: number;
    steps: number;
  }): Promise<TimeseriesPoint[]> {
    const { subject, metric, stepMs, steps } = options;
    if (
      !Number.isSafeInteger(steps) ||
      steps < 1 ||
      stepMs < HOUR_MS ||
      stepMs % HOUR_MS !== 0
    ) {
      throw new InputError(
        `A time series needs at least one step of whole hours, got ${steps} steps of ${stepMs} ms`,
      );
    }
    const fromMs = hourStartOf(options.from.getTime());
    const toMs = fromMs + steps * stepMs;
    const stepIndexOf = (hourStart: number) =>
      Math.floor((hourStart - fromMs) / stepMs);
    const points: TimeseriesPoint[] = Array.from({ length: steps }, (_, i) => ({
      start: new Date(fromMs + i * stepMs).toISOString(),
      value: metric === 'ttft_p95_ms' ? null : 0,
    }));

    if (metric === 'ttft_p95_ms') {
      const rows = await this.db(SKETCH_TABLE)
        .where({ subject, metric: 'ttft_ms' })
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .select<Array<Record<string, unknown>>>(
          'hour_start',
          'bucket',
          'count',
        );
      const bucketsPerStep = new Map<number, SketchBucketCount[]>();
      for (const row of rows) {
        const index = stepIndexOf(toNumber(row.hour_start));
        const buckets = bucketsPerStep.get(index) ?? [];
        buckets.push({
          bucket: toNumber(row.bucket),
          count: toNumber(row.count),
        });
        bucketsPerStep.set(index, buckets);
      }
      for (const [index, buckets] of bucketsPerStep) {
        points[index].value = quantileFromBuckets(buckets, 0.95);
      }
      return points;
    }

    const rows = await this.db(ROLLUPS_TABLE)
      .where('subject', subject)
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', toMs)
      .select<Array<Record<string, unknown>>>('hour_start', metric);
    for (const row of rows) {
      const point = points[stepIndexOf(toNumber(row.hour_start))];
      point.value = (point.value ?? 0) + toNumber(row[metric]);
    }
    return points;
  }

  /** Merges the sketches of a window in SQL and reads p50/p95 from them. */
  private async readPercentiles(
    subject: string,
    metric: SketchMetric,
    fromMs: number,
    toMs: number,
  ): Promise<LatencyPercentilesMs> {
    const rows = await this.db(SKETCH_TABLE)
      .where({ subject, metric })
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', toMs)
      .groupBy('bucket')
      .select<Array<Record<string, unknown>>>(
        'bucket',
        this.db.raw('SUM(count) as count'),
      );
    const buckets: SketchBucketCount[] = rows.map(row => ({
      bucket: toNumber(row.bucket),
      count: toNumber(row.count),
    }));
    return percentilesFromBuckets(buckets);
  }
}
