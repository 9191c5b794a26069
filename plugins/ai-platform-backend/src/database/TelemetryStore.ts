import type {
  EntityUsage,
  LatencyPercentilesMs,
  TimeseriesPoint,
  UnattributedUsage,
} from '@ai-platform/plugin-ai-platform-common';
import { RetentionScope } from './retentionScope';
import { CostSource } from '../ingest/tokenPricing';
import type {
  EntityTelemetryLastSeen,
  LastTelemetry,
} from './telemetry/entityTelemetryQueries';

export type { EntityTelemetryLastSeen, LastTelemetry };
export type { LatencyPercentilesMs, TimeseriesPoint, UnattributedUsage };

/**
 * One normalized LLM call (or agent span), whatever source it came from.
 *
 * @internal
 */
export interface TelemetryEvent {
  /** Where the event came from, e.g. `litellm` or `otlp`. */
  source: string;
  /**
   * The source's own id for the event (LiteLLM `request_id`, OTLP
   * `traceId` + `spanId`). Together with `source` it makes re-ingest
   * idempotent.
   */
  sourceEventId: string;
  /** When the call started. */
  occurredAt: Date;
  /**
   * The catalog entity the call was attributed to, e.g.
   * `modelendpoint:default/llama-chat`, or `null` when no entity declares the
   * join key.
   */
  entityRef: string | null;
  /** The join key seen on the call: the gateway model alias or agent id. */
  joinKey: string;
  /**
   * The agent the call was made for (gateway agent id, e.g.
   * `gen_ai.agent.id`), or `null`/absent when the call carries none. A call
   * with an agent counts for two subjects: its primary subject
   * (`entityRef` / `joinKey`, the model endpoint) and the agent.
   */
  agentJoinKey?: string | null;
  /**
   * The Agent entity `agentJoinKey` resolved to, e.g.
   * `agent:default/checkout-agent`; `null` when no entity declares it.
   */
  agentEntityRef?: string | null;
  /** `gen_ai.operation.name`: `chat`, `embeddings`, `invoke_agent`, ... */
  operation: string;
  model: string | null;
  provider: string | null;
  /** Whether the response was streamed; TTFT only counts for streamed calls. */
  streamed: boolean;
  status: 'ok' | 'error';
  errorType: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /**
   * Where `costUsd` came from; absent or `null` means as the source reported
   * it (events stored before pricing existed).
   */
  costSource?: CostSource | null;
  /** Time to first token; only meaningful when `streamed` is true. */
  ttftMs: number | null;
  latencyMs: number;
  /**
   * Who reported the call: the gateway (LiteLLM callback or spend-log
   * pull) or the application's own instrumentation (OTel spans). A call
   * reported by both is counted once (see `telemetry/reportMatching.ts`).
   * Absent or `null`: the event is never matched with another report.
   */
  reporter?: TelemetryReporter | null;
  /**
   * An id both reports of the call carry, when there is one: the provider
   * response id (`chatcmpl-…`), which LiteLLM logs as `id` / `request_id`
   * and OTel instrumentations as `gen_ai.response.id`. Without it, reports
   * are matched by model alias, tokens, status and time.
   */
  matchKey?: string | null;
  /**
   * The W3C trace id (32 lower-case hex characters) of the call, when
   * known: the span's trace for the application's report, the caller's
   * propagated trace for the gateway's. Two reports of the same model alias
   * in one trace are matched before the fallback by tokens and time.
   */
  traceId?: string | null;
}

/**
 * Who reported a call, see {@link TelemetryEvent.reporter}.
 *
 * @internal
 */
export type TelemetryReporter = 'gateway' | 'application';

/**
 * Reporters of {@link TelemetryReporter}.
 *
 * @internal
 */
export const TELEMETRY_REPORTERS: ReadonlyArray<TelemetryReporter> = [
  'gateway',
  'application',
];

/**
 * Result of {@link TelemetryStore.insertEvents}.
 *
 * @internal
 */
export interface InsertEventsResult {
  /** Events stored and counted in the rollups. */
  inserted: number;
  /** Events already stored earlier (same source and source event id), ignored. */
  duplicates: number;
  /**
   * Stored events that are a second report of a call already reported by
   * the other reporter (gateway or application): kept as raw rows but
   * counted once with the first report. Absent when none.
   */
  merged?: number;
  /**
   * Events the store refused because a value does not fit its column (e.g.
   * text longer than a `varchar`, a NUL character), each with its position
   * in the batch and why; the rest of the batch is stored. Absent when none.
   */
  refused?: Array<{ index: number; message: string }>;
}

/**
 * A time window `[from, to)`.
 *
 * @internal
 */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/**
 * Usage of one subject over a window, read from the hourly rollups.
 *
 * @internal
 */
export interface SubjectUsage
  extends Omit<
    EntityUsage,
    'entityRef' | 'latencyMs' | 'ttftMsFromGatewayHistograms'
  > {
  subject: string;
  /** End-to-end latency of successful calls. */
  latencyMs: LatencyPercentilesMs;
}

/**
 * Orders of the unattributed list, worst first: `requests` (most requests,
 * then highest cost) or `cost` (highest cost, then most requests). Ties are
 * broken by join key kind and join key, in byte order on both databases.
 *
 * @internal
 */
export const UNATTRIBUTED_ORDERS = ['requests', 'cost'] as const;

/**
 * One of {@link UNATTRIBUTED_ORDERS}.
 *
 * @internal
 */
export type UnattributedOrder = (typeof UNATTRIBUTED_ORDERS)[number];

/**
 * Rows of one page of the unattributed list: `limit` defaults to
 * {@link UNATTRIBUTED_DEFAULT_LIMIT} and is capped at
 * {@link UNATTRIBUTED_MAX_LIMIT}.
 *
 * @internal
 */
export const UNATTRIBUTED_DEFAULT_LIMIT = 50;

/**
 * The most rows one page of the unattributed list holds.
 *
 * @internal
 */
export const UNATTRIBUTED_MAX_LIMIT = 500;

/**
 * One page of the unattributed list over a window.
 *
 * @internal
 */
export interface UnattributedPageRequest extends TimeWindow {
  /** Rows to return; default 50, at most 500. */
  limit?: number;
  /** Rows to skip; default 0. */
  offset?: number;
  /** Default `requests`. */
  orderBy?: UnattributedOrder;
}

/**
 * Metrics a time series can be read for: the rollup counters and the TTFT
 * p95 from the sketches.
 *
 * @internal
 */
export const TIMESERIES_METRICS = [
  'requests',
  'errors',
  'cost_usd',
  'ttft_p95_ms',
  'input_tokens',
  'output_tokens',
] as const;

/**
 * One of {@link TIMESERIES_METRICS}.
 *
 * @internal
 */
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];

/**
 * Storage of raw telemetry events and their hourly rollups.
 *
 * @internal
 */
export interface TelemetryStore {
  /**
   * Stores events and adds them to the hourly rollups and sketches, in one
   * transaction. Events already stored (same source and source event id)
   * are skipped and not counted again, so a retried batch is harmless. An
   * event that reports the same call as a stored event of the other
   * reporter is stored too, but the rollups count the call once.
   */
  insertEvents(events: TelemetryEvent[]): Promise<InsertEventsResult>;

  /** Usage of one subject (see `entitySubject`) over a window. */
  getUsage(
    options: {
      subject: string;
      /**
       * `false` reads only the rollup counters and skips the TTFT and
       * latency sketches: `ttftMs` and `latencyMs` then come back as
       * `{ p50: null, p95: null, count: 0 }` whatever was recorded. For
       * callers that need counts and cost only (the budget checks).
       */
      percentiles?: boolean;
    } & TimeWindow,
  ): Promise<SubjectUsage>;

  /**
   * One metric of a subject in `steps` consecutive steps of `stepMs`
   * (a whole number of hours) starting at `from` (aligned to the hour).
   */
  getTimeseries(options: {
    subject: string;
    metric: TimeseriesMetric;
    from: Date;
    stepMs: number;
    steps: number;
  }): Promise<TimeseriesPoint[]>;

  /**
   * One page of unattributed usage per join key over a window, worst first
   * (see {@link UnattributedPageRequest}).
   */
  listUnattributed(
    options: UnattributedPageRequest,
  ): Promise<UnattributedUsage[]>;

  /** How many join keys have unattributed usage over a window. */
  countUnattributed(options: TimeWindow): Promise<number>;

  /**
   * Deletes raw events that occurred before `before`, of the entities in
   * `scope` (all when absent). Rollups and sketches are kept. Returns the
   * number of deleted events.
   */
  deleteEventsBefore(before: Date, scope?: RetentionScope): Promise<number>;
}

/**
 * Rollup totals of one subject over a window.
 *
 * @internal
 */
export interface SubjectUsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * The earliest telemetry of a subject that the store still holds.
 *
 * @internal
 */
export interface FirstTelemetry {
  /** When the first call happened (`event`) or the start of its hour (`hour`). */
  firstSeenAt: Date;
  /**
   * `event`: the time of the earliest raw event. `hour`: the raw events of
   * that hour were deleted by retention (or the subject is not an entity),
   * so only the hour of the earliest rollup is known.
   */
  precision: 'event' | 'hour';
}

/**
 * The calls one Agent entity made to one ModelEndpoint entity in one hour,
 * each call counted once.
 *
 * @internal
 */
export interface AgentEndpointHour {
  /** Lower case `agent:namespace/name`. */
  agentEntityRef: string;
  /** Lower case `modelendpoint:namespace/name`. */
  endpointRef: string;
  /** Start of the hour, epoch ms. */
  hourStartMs: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** The gateway's (or token-priced) cost of these calls. */
  costUsd: number;
}

/**
 * Input and output tokens of one subject in one hour.
 *
 * @internal
 */
export interface SubjectHourTokens {
  /** Start of the hour, epoch ms. */
  hourStartMs: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Fleet-wide reads over many subjects at once, for the AI Platform page.
 *
 * @internal
 */
export interface TelemetryFleetQueries {
  /**
   * Rollup totals per subject over a window (hour-aligned like
   * {@link TelemetryStore.getUsage}); subjects without traffic are absent.
   */
  getUsageTotalsBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectUsageTotals>>;

  /**
   * The earliest telemetry of each subject; subjects without any are absent.
   */
  getFirstTelemetryBySubject(
    subjects: string[],
  ): Promise<Map<string, FirstTelemetry>>;

  /**
   * The calls of the given Agent entities per model endpoint and hour over
   * a window (hour-aligned like {@link TelemetryStore.getUsage}), from
   * `ai_platform_agent_endpoint_hourly` (kept after the raw events).
   */
  getAgentEndpointHours(
    options: { agentEntityRefs: string[] } & TimeWindow,
  ): Promise<AgentEndpointHour[]>;

  /**
   * Tokens per hour of each subject over a window (hour-aligned), from the
   * hourly rollups; hours without traffic are absent.
   */
  getHourlyTokensBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectHourTokens[]>>;
  /**
   * Every entity of the given kinds (e.g. `ModelEndpoint`, `Agent`; any
   * case) that the rollups hold telemetry of, in catalog or not, in entity
   * ref byte order; the same rows on SQLite and PostgreSQL.
   */
  listEntityTelemetryLastSeen(options: {
    kinds: string[];
  }): Promise<EntityTelemetryLastSeen[]>;

  /**
   * The latest telemetry of each entity (lower case refs); entities without
   * any are absent.
   */
  getLastTelemetryByEntityRef(
    entityRefs: string[],
  ): Promise<Map<string, LastTelemetry>>;
}
