import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  describeValue,
  EVENT_TEXT_MAX_CHARS,
  textColumnProblem,
} from '../ingest/ingestLimits';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  bucketForValue,
  percentilesFromBuckets,
  quantileFromBuckets,
  SketchBucketCount,
} from './logBucketSketch';
import {
  entitySubject,
  normalizeTelemetryEntityRef,
  UNATTRIBUTED_AGENT_SUBJECT_PREFIX,
  UNATTRIBUTED_SUBJECT_PREFIX,
  unattributedAgentSubject,
  unattributedSubject,
} from './telemetrySubject';
import {
  FirstTelemetry,
  InsertEventsResult,
  LatencyPercentilesMs,
  SubjectUsageTotals,
  TelemetryFleetQueries,
  SubjectUsage,
  TelemetryEvent,
  TelemetryStore,
  TimeseriesMetric,
  TimeseriesPoint,
  TimeWindow,
  UNATTRIBUTED_DEFAULT_LIMIT,
  UNATTRIBUTED_MAX_LIMIT,
  UnattributedPageRequest,
  UnattributedUsage,
} from './TelemetryStore';

const EVENTS_TABLE = 'ai_platform_events';
const ROLLUPS_TABLE = 'ai_platform_rollups_hourly';
const SKETCH_TABLE = 'ai_platform_sketch_buckets';

const HOUR_MS = 60 * 60 * 1000;

/** Prefix of entity subjects, see `entitySubject`. */
const ENTITY_SUBJECT_PREFIX = 'entity:';

/** Sketch metrics stored in `ai_platform_sketch_buckets.metric`. */
type SketchMetric = 'ttft_ms' | 'latency_ms';

/** Bound parameters per statement: far under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BOUND_PARAMETERS = 8_000;

/**
 * Bound parameters per multi-row insert on SQLite: the bundled SQLite allows
 * 32,766. One statement per 500 events keeps statement preparation cheap.
 */
const MAX_SQLITE_INSERT_PARAMETERS = 16_000;

/**
 * knex writes a multi-row insert on SQLite as one compound SELECT, which
 * SQLite limits to 500 terms.
 */
const MAX_ROWS_PER_STATEMENT = 500;

const migrationsDir = resolvePackagePath(
  '@ai-platform/plugin-ai-platform-backend',
  'migrations',
);

/** knex client names of PostgreSQL. */
const POSTGRES_CLIENTS = new Set(['pg', 'postgres', 'postgresql']);

/**
 * A column written by the batch inserts, with its PostgreSQL array type for
 * `unnest` (PostgreSQL takes a whole batch as one array per column).
 */
type InsertColumn<Row> = readonly [keyof Row & string, string];

interface EventRow {
  id: string;
  source: string;
  source_event_id: string;
  occurred_at: number;
  entity_ref: string | null;
  join_key: string;
  agent_entity_ref: string | null;
  agent_join_key: string | null;
  operation: string;
  model: string | null;
  provider: string | null;
  streamed: boolean;
  status: 'ok' | 'error';
  error_type: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  cost_source: string | null;
  ttft_ms: number | null;
  latency_ms: number;
}

interface RollupRow {
  subject: string;
  hour_start: number;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

interface SketchRow {
  subject: string;
  hour_start: number;
  metric: SketchMetric;
  bucket: number;
  count: number;
}

const EVENT_COLUMNS: ReadonlyArray<InsertColumn<EventRow>> = [
  ['id', 'text'],
  ['source', 'text'],
  ['source_event_id', 'text'],
  ['occurred_at', 'int8'],
  ['entity_ref', 'text'],
  ['join_key', 'text'],
  ['agent_entity_ref', 'text'],
  ['agent_join_key', 'text'],
  ['operation', 'text'],
  ['model', 'text'],
  ['provider', 'text'],
  ['streamed', 'bool'],
  ['status', 'text'],
  ['error_type', 'text'],
  ['input_tokens', 'int8'],
  ['output_tokens', 'int8'],
  ['cost_usd', 'float8'],
  ['cost_source', 'text'],
  ['ttft_ms', 'float8'],
  ['latency_ms', 'float8'],
];

const ROLLUP_COLUMNS: ReadonlyArray<InsertColumn<RollupRow>> = [
  ['subject', 'text'],
  ['hour_start', 'int8'],
  ['requests', 'int8'],
  ['errors', 'int8'],
  ['input_tokens', 'int8'],
  ['output_tokens', 'int8'],
  ['cost_usd', 'float8'],
];

const SKETCH_COLUMNS: ReadonlyArray<InsertColumn<SketchRow>> = [
  ['subject', 'text'],
  ['hour_start', 'int8'],
  ['metric', 'text'],
  ['bucket', 'int4'],
  ['count', 'int8'],
];

/** Returns `fn` with its results kept per argument (for one batch). */
function memoized(fn: (value: string) => string): (value: string) => string {
  const results = new Map<string, string>();
  return value => {
    let result = results.get(value);
    if (result === undefined) {
      result = fn(value);
      results.set(value, result);
    }
    return result;
  };
}

/**
 * A time-ordered UUID (version 7, RFC 9562): the batch's time in the first
 * 48 bits and the event's position in the batch in the 12 `rand_a` bits, the
 * rest random. New ids land at the end of the primary key index instead of
 * anywhere in it, so a batch touches few index pages.
 */
function timeOrderedEventId(batchTimeHex: string, position: number): string {
  const random = randomUUID();
  return `${batchTimeHex.slice(0, 8)}-${batchTimeHex.slice(8, 12)}-7${(
    position & 0xfff
  )
    .toString(16)
    .padStart(3, '0')}${random.slice(18)}`;
}

function hourStartOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

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

function assertNonEmptyString(value: unknown, field: string, index: number) {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(
      `Telemetry event ${index}: '${field}' must be a non-empty string`,
    );
  }
}

function assertNonNegativeNumber(value: unknown, field: string, index: number) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InputError(
      `Telemetry event ${index}: '${field}' must be a finite number >= 0, got ${value}`,
    );
  }
}

function assertTokenCount(value: unknown, field: string, index: number) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InputError(
      `Telemetry event ${index}: '${field}' must be an integer >= 0, got ${value}`,
    );
  }
}

function toEventRow(
  event: TelemetryEvent,
  index: number,
  normalizeEntityRef: (entityRef: string) => string,
  batchTimeHex: string,
): EventRow {
  assertNonEmptyString(event.source, 'source', index);
  assertNonEmptyString(event.sourceEventId, 'sourceEventId', index);
  assertNonEmptyString(event.joinKey, 'joinKey', index);
  assertNonEmptyString(event.operation, 'operation', index);
  if (event.agentJoinKey !== undefined && event.agentJoinKey !== null) {
    assertNonEmptyString(event.agentJoinKey, 'agentJoinKey', index);
  }
  if (event.agentEntityRef && !event.agentJoinKey) {
    throw new InputError(
      `Telemetry event ${index}: 'agentEntityRef' needs the 'agentJoinKey' it was resolved from`,
    );
  }
  if (
    !(event.occurredAt instanceof Date) ||
    Number.isNaN(event.occurredAt.getTime())
  ) {
    throw new InputError(
      `Telemetry event ${index}: 'occurredAt' must be a valid Date`,
    );
  }
  if (event.status !== 'ok' && event.status !== 'error') {
    throw new InputError(
      `Telemetry event ${index}: 'status' must be 'ok' or 'error', got '${event.status}'`,
    );
  }
  assertTokenCount(event.inputTokens, 'inputTokens', index);
  assertTokenCount(event.outputTokens, 'outputTokens', index);
  assertNonNegativeNumber(event.costUsd, 'costUsd', index);
  assertNonNegativeNumber(event.latencyMs, 'latencyMs', index);
  if (event.ttftMs !== null) {
    assertNonNegativeNumber(event.ttftMs, 'ttftMs', index);
  }
  return {
    id: timeOrderedEventId(batchTimeHex, index),
    source: event.source,
    source_event_id: event.sourceEventId,
    occurred_at: event.occurredAt.getTime(),
    entity_ref: event.entityRef ? normalizeEntityRef(event.entityRef) : null,
    join_key: event.joinKey,
    agent_entity_ref: event.agentEntityRef
      ? normalizeEntityRef(event.agentEntityRef)
      : null,
    agent_join_key: event.agentJoinKey ?? null,
    operation: event.operation,
    model: event.model,
    provider: event.provider,
    streamed: Boolean(event.streamed),
    status: event.status,
    error_type: event.errorType,
    input_tokens: event.inputTokens,
    output_tokens: event.outputTokens,
    cost_usd: event.costUsd,
    cost_source: event.costSource ?? null,
    // TTFT of a non-streamed call is the full duration (LiteLLM sets
    // completionStartTime = endTime), so it is never stored.
    ttft_ms: event.streamed ? event.ttftMs : null,
    latency_ms: event.latencyMs,
  };
}

/** Text columns of an event row and the characters each holds. */
const EVENT_TEXT_COLUMNS: ReadonlyArray<[keyof EventRow & string, number]> = [
  ['source', EVENT_TEXT_MAX_CHARS.source],
  ['source_event_id', EVENT_TEXT_MAX_CHARS.sourceEventId],
  ['entity_ref', EVENT_TEXT_MAX_CHARS.entityRef],
  ['join_key', EVENT_TEXT_MAX_CHARS.joinKey],
  ['agent_entity_ref', EVENT_TEXT_MAX_CHARS.agentEntityRef],
  ['agent_join_key', EVENT_TEXT_MAX_CHARS.agentJoinKey],
  ['operation', EVENT_TEXT_MAX_CHARS.operation],
  ['model', EVENT_TEXT_MAX_CHARS.model],
  ['provider', EVENT_TEXT_MAX_CHARS.provider],
  ['status', EVENT_TEXT_MAX_CHARS.status],
  ['error_type', EVENT_TEXT_MAX_CHARS.errorType],
  ['cost_source', EVENT_TEXT_MAX_CHARS.costSource],
];

/**
 * Why a row cannot be stored the same way on PostgreSQL and SQLite (text
 * too long for its `varchar`, a NUL character, invalid Unicode), or null.
 * Checked before any SQL, so such a row is refused on its own on both
 * databases instead of failing the whole batch on PostgreSQL only.
 */
function columnFitProblem(row: EventRow): string | null {
  for (const [column, maxChars] of EVENT_TEXT_COLUMNS) {
    const value = row[column];
    if (typeof value === 'string') {
      const problem = textColumnProblem(value, maxChars);
      if (problem) {
        return `'${column}' ${describeValue(value)} ${problem}`;
      }
    }
  }
  return null;
}

/**
 * The rollup subjects an event counts for: its primary subject (model
 * endpoint or unattributed model alias) and, for calls made by an agent, the
 * agent's subject (Agent entity or unattributed agent id).
 */
function subjectsOf(
  row: EventRow,
  entitySubjectOf: (entityRef: string) => string,
): string[] {
  const primary = row.entity_ref
    ? entitySubjectOf(row.entity_ref)
    : unattributedSubject(row.join_key);
  if (!row.agent_join_key) {
    return [primary];
  }
  const agent = row.agent_entity_ref
    ? entitySubjectOf(row.agent_entity_ref)
    : unattributedAgentSubject(row.agent_join_key);
  return agent === primary ? [primary] : [primary, agent];
}

/**
 * Adds events to per (subject, hour) rollup rows and per (subject, hour,
 * metric, bucket) sketch rows, so each key appears once per upsert.
 */
function aggregateRows(rows: EventRow[]): {
  rollups: RollupRow[];
  sketchRows: SketchRow[];
} {
  const rollups = new Map<string, RollupRow>();
  const sketchRows = new Map<string, SketchRow>();

  const addToSketch = (
    subject: string,
    hourStart: number,
    metric: SketchMetric,
    value: number,
  ) => {
    const bucket = bucketForValue(value);
    const key = `${subject}\u0000${hourStart}\u0000${metric}\u0000${bucket}`;
    const existing = sketchRows.get(key);
    if (existing) {
      existing.count += 1;
    } else {
      sketchRows.set(key, {
        subject,
        hour_start: hourStart,
        metric,
        bucket,
        count: 1,
      });
    }
  };

  const addRow = (subject: string, row: EventRow) => {
    const hourStart = hourStartOf(row.occurred_at);
    const key = `${subject}\u0000${hourStart}`;
    let rollup = rollups.get(key);
    if (!rollup) {
      rollup = {
        subject,
        hour_start: hourStart,
        requests: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
      };
      rollups.set(key, rollup);
    }
    rollup.requests += 1;
    rollup.errors += row.status === 'error' ? 1 : 0;
    rollup.input_tokens += row.input_tokens;
    rollup.output_tokens += row.output_tokens;
    rollup.cost_usd += row.cost_usd;

    // Percentiles describe successful calls only; TTFT only streamed ones.
    if (row.status === 'ok') {
      addToSketch(subject, hourStart, 'latency_ms', row.latency_ms);
      if (row.streamed && row.ttft_ms !== null) {
        addToSketch(subject, hourStart, 'ttft_ms', row.ttft_ms);
      }
    }
  };

  const entitySubjectOf = memoized(entitySubject);
  for (const row of rows) {
    for (const subject of subjectsOf(row, entitySubjectOf)) {
      addRow(subject, row);
    }
  }

  // In primary key order, so the upserts walk each index once.
  return {
    rollups: [...rollups.values()].sort(compareRollupKeys),
    sketchRows: [...sketchRows.values()].sort(compareSketchKeys),
  };
}

/** Orders strings by UTF-16 code units (no locale, unlike `localeCompare`). */
function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function compareRollupKeys(a: RollupRow, b: RollupRow): number {
  return compareStrings(a.subject, b.subject) || a.hour_start - b.hour_start;
}

function compareSketchKeys(a: SketchRow, b: SketchRow): number {
  return (
    compareStrings(a.subject, b.subject) ||
    a.hour_start - b.hour_start ||
    compareStrings(a.metric, b.metric) ||
    a.bucket - b.bucket
  );
}

function hourAlignedWindow({ from, to }: TimeWindow) {
  const fromMs = hourStartOf(from.getTime());
  const toMs = Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS;
  return { fromMs, toMs };
}

/**
 * Knex implementation of {@link TelemetryStore}; runs on SQLite and
 * PostgreSQL.
 *
 * @internal
 */
export class DatabaseTelemetryStore
  implements TelemetryStore, TelemetryFleetQueries
{
  /**
   * Connects to the plugin database and runs the migrations unless
   * `database.migrations.skip` or `skipMigrations` is set.
   */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseTelemetryStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseTelemetryStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async insertEvents(events: TelemetryEvent[]): Promise<InsertEventsResult> {
    const normalizeEntityRef = memoized(normalizeTelemetryEntityRef);
    const batchTimeHex = Date.now().toString(16).padStart(12, '0');
    const rows: EventRow[] = [];
    const refused: Array<{ index: number; message: string }> = [];
    events.forEach((event, index) => {
      const row = toEventRow(event, index, normalizeEntityRef, batchTimeHex);
      const problem = columnFitProblem(row);
      if (problem) {
        refused.push({
          index,
          message: `event ${describeValue(
            event.sourceEventId,
          )} refused by the store: ${problem}`,
        });
      } else {
        rows.push(row);
      }
    });
    const refusedPart = refused.length > 0 ? { refused } : {};
    if (rows.length === 0) {
      return { inserted: 0, duplicates: 0, ...refusedPart };
    }

    return this.db.transaction(async tx => {
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
      for (const { id } of await this.insertRows(
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

      await this.insertRows(
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
      await this.insertRows(
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
        ...refusedPart,
      };
    });
  }

  /**
   * Inserts rows with as few statements as possible, followed by `tail` (an
   * `ON CONFLICT` clause, optionally with `RETURNING`); returns the returned
   * rows. PostgreSQL gets one statement per call, with one array parameter
   * per column (`unnest`), so its size does not grow with the batch. SQLite
   * gets multi-row `VALUES` statements.
   */
  private async insertRows<Row>(
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

    if (POSTGRES_CLIENTS.has(String(this.db.client.config.client))) {
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
    const subjectOrder = POSTGRES_CLIENTS.has(
      String(this.db.client.config.client),
    )
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

  async deleteEventsBefore(before: Date): Promise<number> {
    return this.db(EVENTS_TABLE)
      .where('occurred_at', '<', before.getTime())
      .delete();
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
