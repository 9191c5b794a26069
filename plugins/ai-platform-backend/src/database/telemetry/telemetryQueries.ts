import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  percentilesFromBuckets,
  quantileFromBuckets,
  SketchBucketCount,
} from '../logBucketSketch';
import {
  UNATTRIBUTED_AGENT_SUBJECT_PREFIX,
  UNATTRIBUTED_SUBJECT_PREFIX,
} from '../telemetrySubject';
import {
  AgentEndpointHour,
  FirstTelemetry,
  LatencyPercentilesMs,
  SubjectHourTokens,
  SubjectUsage,
  SubjectUsageTotals,
  TimeseriesMetric,
  TimeseriesPoint,
  TimeWindow,
  UNATTRIBUTED_DEFAULT_LIMIT,
  UNATTRIBUTED_MAX_LIMIT,
  UnattributedPageRequest,
  UnattributedUsage,
} from '../TelemetryStore';
import { MAX_ROWS_PER_STATEMENT } from './batchUpsert';
import {
  AGENT_ENDPOINT_TABLE,
  EVENTS_TABLE,
  HOUR_MS,
  hourStartOf,
  isPostgres,
  ROLLUPS_TABLE,
  SKETCH_TABLE,
  SketchMetric,
} from './telemetryTables';

/** Prefix of entity subjects, see `entitySubject`. */
const ENTITY_SUBJECT_PREFIX = 'entity:';

/** Bound parameters per statement: far under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BOUND_PARAMETERS = 8_000;

function chunk<T>(items: T[], columnsPerRow: number): T[][] {
  const size = Math.max(
    1,
    Math.min(
      MAX_ROWS_PER_STATEMENT,
      Math.floor(MAX_BOUND_PARAMETERS / columnsPerRow),
    ),
  );
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined) {
    return 0;
  }
  return Number(value);
}

function hourAlignedWindow({ from, to }: TimeWindow) {
  const fromMs = hourStartOf(from.getTime());
  const toMs = Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS;
  return { fromMs, toMs };
}
/**
 * The read queries of the telemetry store: usage and percentiles of a
 * window, time series, unattributed subjects, totals and first telemetry
 * of many subjects. Same SQL on SQLite and PostgreSQL except where noted.
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

  /** Rollup rows of unattributed subjects inside the hour-aligned window. */
  private unattributedRollups(options: TimeWindow) {
    const { fromMs, toMs } = hourAlignedWindow(options);
    return this.db(ROLLUPS_TABLE)
      .where(builder =>
        builder
          .where('subject', 'like', `${UNATTRIBUTED_SUBJECT_PREFIX}%`)
          .orWhere('subject', 'like', `${UNATTRIBUTED_AGENT_SUBJECT_PREFIX}%`),
      )
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', toMs);
  }

  async listUnattributed(
    options: UnattributedPageRequest,
  ): Promise<UnattributedUsage[]> {
    const limit = Math.min(
      Math.max(Math.trunc(options.limit ?? UNATTRIBUTED_DEFAULT_LIMIT), 0),
      UNATTRIBUTED_MAX_LIMIT,
    );
    const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
    if (limit === 0) {
      return [];
    }
    // Byte order for ties, so both databases page the same way:
    // 'unattributed-agent:' sorts before 'unattributed:' (agents first).
    const subjectOrder = isPostgres(this.db)
      ? 'subject COLLATE "C" ASC'
      : 'subject ASC';
    const worstFirst =
      options.orderBy === 'cost'
        ? 'SUM(cost_usd) DESC, SUM(requests) DESC'
        : 'SUM(requests) DESC, SUM(cost_usd) DESC';
    const rows = await this.unattributedRollups(options)
      .groupBy('subject')
      .select<Array<Record<string, unknown>>>(
        'subject',
        this.db.raw('SUM(requests) as requests'),
        this.db.raw('SUM(errors) as errors'),
        this.db.raw('SUM(input_tokens) as input_tokens'),
        this.db.raw('SUM(output_tokens) as output_tokens'),
        this.db.raw('SUM(cost_usd) as cost_usd'),
        this.db.raw('MAX(hour_start) as last_hour_start'),
      )
      .orderByRaw(`${worstFirst}, ${subjectOrder}`)
      .limit(limit)
      .offset(offset);

    return rows.map(row => {
      const subject = String(row.subject);
      const isAgent = subject.startsWith(UNATTRIBUTED_AGENT_SUBJECT_PREFIX);
      return {
        joinKey: subject.slice(
          isAgent
            ? UNATTRIBUTED_AGENT_SUBJECT_PREFIX.length
            : UNATTRIBUTED_SUBJECT_PREFIX.length,
        ),
        joinKeyKind: isAgent ? ('agent' as const) : ('model' as const),
        requests: toNumber(row.requests),
        errors: toNumber(row.errors),
        inputTokens: toNumber(row.input_tokens),
        outputTokens: toNumber(row.output_tokens),
        costUsd: toNumber(row.cost_usd),
        lastSeenHourStart: new Date(
          toNumber(row.last_hour_start),
        ).toISOString(),
      };
    });
  }

  async countUnattributed(options: TimeWindow): Promise<number> {
    const [row] = await this.unattributedRollups(options).countDistinct<
      Array<Record<string, unknown>>
    >({ count: 'subject' });
    return toNumber(row?.count ?? 0);
  }

  async getUsageTotalsBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectUsageTotals>> {
    const { fromMs, toMs } = hourAlignedWindow(options);
    const totals = new Map<string, SubjectUsageTotals>();
    for (const subjects of chunk([...new Set(options.subjects)], 1)) {
      const rows = await this.db(ROLLUPS_TABLE)
        .whereIn('subject', subjects)
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .groupBy('subject')
        .select<Array<Record<string, unknown>>>(
          'subject',
          this.db.raw('SUM(requests) as requests'),
          this.db.raw('SUM(errors) as errors'),
          this.db.raw('SUM(input_tokens) as input_tokens'),
          this.db.raw('SUM(output_tokens) as output_tokens'),
          this.db.raw('SUM(cost_usd) as cost_usd'),
        );
      for (const row of rows) {
        totals.set(String(row.subject), {
          requests: toNumber(row.requests),
          errors: toNumber(row.errors),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
          costUsd: toNumber(row.cost_usd),
        });
      }
    }
    return totals;
  }

  async getAgentEndpointHours(
    options: { agentEntityRefs: string[] } & TimeWindow,
  ): Promise<AgentEndpointHour[]> {
    const { fromMs, toMs } = hourAlignedWindow(options);
    const result: AgentEndpointHour[] = [];
    for (const refs of chunk([...new Set(options.agentEntityRefs)], 1)) {
      const rows = await this.db(AGENT_ENDPOINT_TABLE)
        .whereIn('agent_entity_ref', refs)
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .andWhere('requests', '>', 0)
        .orderBy(['agent_entity_ref', 'endpoint_ref', 'hour_start'])
        .select<Array<Record<string, unknown>>>(
          'agent_entity_ref',
          'endpoint_ref',
          'hour_start',
          'requests',
          'input_tokens',
          'output_tokens',
          'cost_usd',
        );
      for (const row of rows) {
        result.push({
          agentEntityRef: String(row.agent_entity_ref),
          endpointRef: String(row.endpoint_ref),
          hourStartMs: toNumber(row.hour_start),
          requests: toNumber(row.requests),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
          costUsd: toNumber(row.cost_usd),
        });
      }
    }
    return result;
  }

  async getHourlyTokensBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectHourTokens[]>> {
    const { fromMs, toMs } = hourAlignedWindow(options);
    const result = new Map<string, SubjectHourTokens[]>();
    for (const subjects of chunk([...new Set(options.subjects)], 1)) {
      const rows = await this.db(ROLLUPS_TABLE)
        .whereIn('subject', subjects)
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .orderBy(['subject', 'hour_start'])
        .select<Array<Record<string, unknown>>>(
          'subject',
          'hour_start',
          'input_tokens',
          'output_tokens',
        );
      for (const row of rows) {
        const subject = String(row.subject);
        const hours = result.get(subject) ?? [];
        hours.push({
          hourStartMs: toNumber(row.hour_start),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
        });
        result.set(subject, hours);
      }
    }
    return result;
  }

  async getFirstTelemetryBySubject(
    subjects: string[],
  ): Promise<Map<string, FirstTelemetry>> {
    const unique = [...new Set(subjects)];
    const firstHourBySubject = new Map<string, number>();
    for (const batch of chunk(unique, 1)) {
      const rows = await this.db(ROLLUPS_TABLE)
        .whereIn('subject', batch)
        .groupBy('subject')
        .select<Array<Record<string, unknown>>>(
          'subject',
          this.db.raw('MIN(hour_start) as first_hour_start'),
        );
      for (const row of rows) {
        firstHourBySubject.set(
          String(row.subject),
          toNumber(row.first_hour_start),
        );
      }
    }

    // Exact times from the raw events of entity subjects (an event counts
    // for its model endpoint and, when made by one, its agent).
    const subjectByEntityRef = new Map<string, string>();
    for (const subject of firstHourBySubject.keys()) {
      if (subject.startsWith(ENTITY_SUBJECT_PREFIX)) {
        subjectByEntityRef.set(
          subject.slice(ENTITY_SUBJECT_PREFIX.length),
          subject,
        );
      }
    }
    const firstEventByEntityRef = new Map<string, number>();
    const refs = [...subjectByEntityRef.keys()];
    for (const column of ['entity_ref', 'agent_entity_ref'] as const) {
      // One ref per query and no GROUP BY: both databases then read MIN
      // from the (ref, occurred_at) index in one step, instead of walking
      // every event of the ref (which held SQLite's one connection ~0.5 s
      // per fleet summary at 125,000 events).
      for (const ref of refs) {
        const [row] = await this.db(EVENTS_TABLE)
          .where(column, ref)
          // A second report of a call counts with its first, not alone.
          .whereNull('merged_into_event_id')
          .select<Array<Record<string, unknown>>>(
            this.db.raw('MIN(occurred_at) as first_occurred_at'),
          );
        if (row?.first_occurred_at === null || row === undefined) {
          continue;
        }
        const occurredAt = toNumber(row.first_occurred_at);
        const previous = firstEventByEntityRef.get(ref);
        if (previous === undefined || occurredAt < previous) {
          firstEventByEntityRef.set(ref, occurredAt);
        }
      }
    }

    const result = new Map<string, FirstTelemetry>();
    for (const [subject, firstHourStart] of firstHourBySubject) {
      const firstEvent = subject.startsWith(ENTITY_SUBJECT_PREFIX)
        ? firstEventByEntityRef.get(subject.slice(ENTITY_SUBJECT_PREFIX.length))
        : undefined;
      // When retention deleted the earliest hour's events, the oldest event
      // left is later than the first rollup hour: only the hour is known.
      result.set(
        subject,
        firstEvent !== undefined && hourStartOf(firstEvent) === firstHourStart
          ? { firstSeenAt: new Date(firstEvent), precision: 'event' }
          : { firstSeenAt: new Date(firstHourStart), precision: 'hour' },
      );
    }
    return result;
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
