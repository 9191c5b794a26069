import { InputError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import {
  describeValue,
  EVENT_TEXT_MAX_CHARS,
  textColumnProblem,
} from '../eventTextColumns';
import { normalizeTelemetryEntityRef } from '../telemetrySubject';
import {
  TELEMETRY_REPORTERS,
  TelemetryEvent,
  TelemetryReporter,
} from '../TelemetryStore';
import { InsertColumn } from './batchUpsert';
import { memoized } from './telemetryTables';

/** A row of `ai_platform_events`. */
export interface EventRow {
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
  reporter: TelemetryReporter | null;
  match_key: string | null;
  trace_id: string | null;
}

/** Characters `match_key` holds (`varchar(255)`). */
const MATCH_KEY_MAX_CHARS = 255;

export const EVENT_COLUMNS: ReadonlyArray<InsertColumn<EventRow>> = [
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
  ['reporter', 'text'],
  ['match_key', 'text'],
  ['trace_id', 'text'],
];

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
  const reporter = event.reporter ?? null;
  if (reporter !== null && !TELEMETRY_REPORTERS.includes(reporter)) {
    throw new InputError(
      `Telemetry event ${index}: 'reporter' must be one of ${TELEMETRY_REPORTERS.map(
        name => `'${name}'`,
      ).join(', ')}, got ${describeValue(reporter)}`,
    );
  }
  const matchKey = event.matchKey ?? null;
  if (matchKey !== null) {
    assertNonEmptyString(matchKey, 'matchKey', index);
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
    reporter,
    // A key that would not be stored the same way on both databases only
    // costs the exact match (the fallback match still applies): the call
    // itself is stored.
    match_key:
      matchKey !== null &&
      textColumnProblem(matchKey.trim(), MATCH_KEY_MAX_CHARS) === null
        ? matchKey.trim()
        : null,
    // Only a W3C trace id is kept; anything else only costs the trace match.
    trace_id: normalizedTraceId(event.traceId),
  };
}

/** A W3C trace id in lower case, or null when `value` is none. */
export function normalizedTraceId(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const traceId = value.trim().toLowerCase();
  return /^[0-9a-f]{32}$/.test(traceId) && !/^0+$/.test(traceId)
    ? traceId
    : null;
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

/** An event of a batch that the store refuses on its own, by position. */
export interface RefusedEvent {
  index: number;
  message: string;
}

/**
 * Maps a batch to event rows: an event with a missing or malformed field
 * fails the whole batch (`InputError`); an event whose text would not be
 * stored the same way on both databases is refused on its own.
 */
export function toEventRows(events: TelemetryEvent[]): {
  rows: EventRow[];
  refused: RefusedEvent[];
} {
  const normalizeEntityRef = memoized(normalizeTelemetryEntityRef);
  const batchTimeHex = Date.now().toString(16).padStart(12, '0');
  const rows: EventRow[] = [];
  const refused: RefusedEvent[] = [];
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
  return { rows, refused };
}
