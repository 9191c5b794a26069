import {
  GEN_AI_AGENT_ID,
  GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_STREAM,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
  GEN_AI_SYSTEM,
} from '../otlp/genAiNames';
import { OtlpAttributes, OtlpAttributeValue } from '../otlp/otlpValues';
import { countSpans } from './countedSpans';
import {
  agentKeysOf,
  booleanAttribute,
  isGenAiSpan,
  stringAttribute,
} from './genAiSpanAttributes';
import {
  GenAiSpanRole,
  INPUT_TOKEN_ATTRIBUTES,
  invocationStreamOf,
  OUTPUT_TOKEN_ATTRIBUTES,
  requestModelOf,
  RESPONSE_MODEL_ATTRIBUTES,
  spanRoleOf,
  VERCEL_OPERATION_ID,
} from './genAiSpanRoles';
import { OtlpSpan } from './otlpTraceRequest';
import {
  RejectedTelemetryItem,
  UnresolvedTelemetryEvent,
} from './UnresolvedTelemetryEvent';
import {
  applyEventTextPolicy,
  checkDurationMs,
  checkEventTimeMs,
  checkTokenCount,
  DEFAULT_INGEST_LIMITS,
  describeValue,
  EventSourceFields,
  IngestItemRejection,
  IngestLimits,
} from './ingestLimits';

/** `source` of the events stored from OTLP spans. */
export const OTLP_SOURCE = 'otlp';

/**
 * TTFT attributes, in seconds: the OTel GenAI span attribute (v1.41) first,
 * then the gateway metric name some exporters also put on spans, then the
 * Vercel AI SDK's GenAI-mode client attribute.
 */
const TTFT_SECONDS_ATTRIBUTES = [
  GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
  GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
];
/** TTFT in milliseconds: Vercel AI SDK legacy mode (v5+, then v3/v4). */
const TTFT_MS_ATTRIBUTES = [
  'ai.response.msToFirstChunk',
  'ai.stream.msToFirstChunk',
];
/** Cost the producer computed, USD (pydantic-ai via genai-prices). */
const COST_USD_ATTRIBUTE = 'operation.cost';

const NANOS_PER_MS = 1_000_000n;

/** Span attributes the event fields come from, for rejection messages. */
const SPAN_SOURCE_FIELDS: EventSourceFields = {
  sourceEventId: 'traceId + spanId',
  joinKey: GEN_AI_REQUEST_MODEL,
  model: GEN_AI_RESPONSE_MODEL,
  provider: GEN_AI_PROVIDER_NAME,
  operation: GEN_AI_OPERATION_NAME,
  agentJoinKeyCandidates: GEN_AI_AGENT_ID,
};

/**
 * What {@link mapGenAiSpans} made of a batch of spans.
 *
 * @internal
 */
export interface GenAiSpanMapping {
  events: UnresolvedTelemetryEvent[];
  /** GenAI spans that could not be stored, with the reason. */
  rejected: RejectedTelemetryItem[];
  /** Spans that are not model calls (not GenAI, agent or tool spans). */
  ignoredSpans: number;
}

class SpanRejection extends Error {}

/** Client text quoted in a message, cut to a few dozen characters. */
function shortText(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

function tokenAttribute(
  attributes: OtlpAttributes,
  limits: IngestLimits,
  ...keys: string[]
) {
  for (const key of keys) {
    const value: OtlpAttributeValue | undefined = attributes.get(key);
    if (value === undefined || value === null) {
      continue;
    }
    const count = typeof value === 'string' ? Number(value) : value;
    if (
      typeof count !== 'number' ||
      !Number.isSafeInteger(count) ||
      count < 0
    ) {
      throw new SpanRejection(
        `attribute '${key}' must be a non-negative integer, got ${describeValue(
          value,
        )}`,
      );
    }
    return checkTokenCount(count, key, limits);
  }
  return 0;
}

function parseNanos(value: string, field: string): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) {
    throw new SpanRejection(
      `'${field}' must be a positive integer of nanoseconds since the epoch, got ${describeValue(
        value,
      )}`,
    );
  }
  return BigInt(value);
}

function ttftMsOf(
  span: OtlpSpan,
  startNanos: bigint,
  limits: IngestLimits,
): number | null {
  for (const key of TTFT_SECONDS_ATTRIBUTES) {
    const value = span.attributes.get(key);
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SpanRejection(
        `attribute '${key}' must be a non-negative number of seconds, got ${describeValue(
          value,
        )}`,
      );
    }
    return checkDurationMs(value * 1000, `attribute '${key}'`, limits);
  }
  for (const key of TTFT_MS_ATTRIBUTES) {
    const value = span.attributes.get(key);
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new SpanRejection(
        `attribute '${key}' must be a non-negative number of milliseconds, got ${describeValue(
          value,
        )}`,
      );
    }
    return checkDurationMs(value, `attribute '${key}'`, limits);
  }
  // An event with one of those names marks the moment the first chunk came.
  for (const event of span.events) {
    if (TTFT_SECONDS_ATTRIBUTES.includes(event.name)) {
      const at = parseNanos(
        event.timeUnixNano,
        `events['${event.name}'].timeUnixNano`,
      );
      if (at >= startNanos) {
        return checkDurationMs(
          Number(at - startNanos) / Number(NANOS_PER_MS),
          `the time to event '${event.name}'`,
          limits,
        );
      }
    }
  }
  return null;
}

function costOf(attributes: OtlpAttributes): number {
  const value = attributes.get(COST_USD_ATTRIBUTE);
  if (value === undefined || value === null) {
    return 0;
  }
  const cost = typeof value === 'string' ? Number(value) : value;
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
    throw new SpanRejection(
      `attribute '${COST_USD_ATTRIBUTE}' must be a non-negative number of USD, got ${describeValue(
        value,
      )}`,
    );
  }
  return cost;
}

function mapModelSpan(
  span: OtlpSpan,
  operation: string,
  agentKeys: string[],
  limits: IngestLimits,
): UnresolvedTelemetryEvent {
  const { attributes } = span;
  if (!/^[0-9a-f]{32}$/.test(span.traceId) || /^0+$/.test(span.traceId)) {
    throw new SpanRejection(
      `'traceId' must be 16 bytes (32 hex characters), not all zero`,
    );
  }
  if (!/^[0-9a-f]{16}$/.test(span.spanId) || /^0+$/.test(span.spanId)) {
    throw new SpanRejection(
      `'spanId' must be 8 bytes (16 hex characters), not all zero`,
    );
  }
  const requestModel = requestModelOf(attributes);
  if (!requestModel) {
    throw new SpanRejection(
      `GenAI '${operation}' span has no model: expected '${GEN_AI_REQUEST_MODEL}', '${GEN_AI_RESPONSE_MODEL}', 'llm.model_name', 'embedding.model_name' or 'ai.model.id'`,
    );
  }
  const startNanos = parseNanos(span.startTimeUnixNano, 'startTimeUnixNano');
  const endNanos = parseNanos(span.endTimeUnixNano, 'endTimeUnixNano');
  if (endNanos < startNanos) {
    throw new SpanRejection(`'endTimeUnixNano' is before 'startTimeUnixNano'`);
  }
  const occurredAtMs = checkEventTimeMs(
    Number(startNanos / NANOS_PER_MS),
    'startTimeUnixNano',
    span.startTimeUnixNano,
    limits,
  );
  const latencyMs = checkDurationMs(
    Number(endNanos - startNanos) / Number(NANOS_PER_MS),
    "the span's duration ('endTimeUnixNano' - 'startTimeUnixNano')",
    limits,
  );

  const errorTypeAttribute = stringAttribute(attributes, 'error.type');
  const isError = span.statusCode === 2 || errorTypeAttribute !== null;
  const ttftMs = ttftMsOf(span, startNanos, limits);
  const streamFlag =
    booleanAttribute(attributes, GEN_AI_REQUEST_STREAM, 'llm.is_streaming') ??
    invocationStreamOf(attributes) ??
    (stringAttribute(attributes, VERCEL_OPERATION_ID)?.endsWith('.doStream')
      ? true
      : null);
  // Semantic conventions record TTFT for streamed calls only; an explicit
  // stream=false wins over a TTFT value.
  const streamed = streamFlag ?? ttftMs !== null;

  return applyEventTextPolicy(
    {
      source: OTLP_SOURCE,
      sourceEventId: `${span.traceId}${span.spanId}`,
      occurredAt: new Date(occurredAtMs),
      joinKey: requestModel,
      operation,
      model:
        stringAttribute(attributes, ...RESPONSE_MODEL_ATTRIBUTES) ??
        requestModel,
      provider: stringAttribute(
        attributes,
        GEN_AI_PROVIDER_NAME,
        GEN_AI_SYSTEM,
        'llm.provider',
        'llm.system',
        'ai.model.provider',
      ),
      streamed,
      status: isError ? 'error' : 'ok',
      errorType: isError
        ? errorTypeAttribute ?? (span.statusMessage || 'error')
        : null,
      inputTokens: tokenAttribute(
        attributes,
        limits,
        ...INPUT_TOKEN_ATTRIBUTES,
      ),
      outputTokens: tokenAttribute(
        attributes,
        limits,
        ...OUTPUT_TOKEN_ATTRIBUTES,
      ),
      // Most spans carry no cost (pricing is applied later); pydantic-ai
      // sends the cost it computed.
      costUsd: costOf(attributes),
      ttftMs: streamed ? ttftMs : null,
      latencyMs,
      agentJoinKeyCandidates: agentKeys,
      // The app's own report of the call; a gateway that logs the same
      // response id (LiteLLM `id`) reports the same call.
      reporter: 'application',
      matchKey: stringAttribute(attributes, GEN_AI_RESPONSE_ID),
      // The gateway's report of a call in this trace (propagated
      // traceparent) is matched by it.
      traceId: span.traceId,
    },
    SPAN_SOURCE_FIELDS,
  );
}

/**
 * Maps OTLP spans to telemetry events: GenAI model calls (current OTel
 * GenAI names, the older `gen_ai.system` / `gen_ai.usage.prompt_tokens`
 * names, OpenLLMetry and OpenInference names) become events with id
 * `traceId + spanId`; agent, tool and non-GenAI spans are ignored. A model
 * call without an agent attribute inherits the agent of its nearest
 * `invoke_agent` ancestor in the same batch (resolved once per span, so the
 * work is linear in spans however deep the chains are). Spans beyond
 * `limits.maxSpansPerRequest` and spans breaking a limit are rejected one
 * by one; the others are kept.
 *
 * @internal
 */
export function mapGenAiSpans(
  spans: OtlpSpan[],
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
): GenAiSpanMapping {
  const result: GenAiSpanMapping = {
    events: [],
    rejected: [],
    ignoredSpans: 0,
  };
  const accepted =
    spans.length > limits.maxSpansPerRequest
      ? spans.slice(0, limits.maxSpansPerRequest)
      : spans;

  const roles: Array<GenAiSpanRole | undefined> = accepted.map(span =>
    isGenAiSpan(span.attributes) ? spanRoleOf(span.attributes) : undefined,
  );
  const { counts, parents } = countSpans(accepted, roles);

  /**
   * Agent keys of a span or, when it has none, of its nearest ancestor
   * with some; memoised per span, so each span is resolved once.
   */
  const resolvedAgentKeys = new Map<number, string[]>();
  const agentKeysFrom = (start: number | undefined): string[] => {
    const path: number[] = [];
    const onPath = new Set<number>();
    let current = start;
    let keys: string[] = [];
    while (current !== undefined) {
      const known = resolvedAgentKeys.get(current);
      if (known) {
        keys = known;
        break;
      }
      if (onPath.has(current)) {
        break; // a parent cycle: no agent
      }
      const own = agentKeysOf(accepted[current].attributes);
      if (own.length > 0) {
        keys = own;
        resolvedAgentKeys.set(current, own);
        break;
      }
      path.push(current);
      onPath.add(current);
      current = parents[current];
    }
    for (const index of path) {
      resolvedAgentKeys.set(index, keys);
    }
    return keys;
  };

  accepted.forEach((span, index) => {
    if (roles[index]?.role === 'unknown') {
      result.rejected.push({
        index,
        message: `span ${
          shortText(span.spanId) || index
        }: GenAI span has no '${GEN_AI_OPERATION_NAME}' and no model attribute`,
      });
      return;
    }
    const count = counts[index];
    if (!count.counted) {
      result.ignoredSpans += 1;
      return;
    }
    const operation = count.operation;
    const ownKeys = agentKeysOf(span.attributes);
    try {
      result.events.push(
        mapModelSpan(
          span,
          operation,
          ownKeys.length > 0 ? ownKeys : agentKeysFrom(parents[index]),
          limits,
        ),
      );
    } catch (error) {
      if (
        !(error instanceof SpanRejection) &&
        !(error instanceof IngestItemRejection)
      ) {
        throw error;
      }
      result.rejected.push({
        index,
        message: `span ${shortText(span.spanId) || index} ('${shortText(
          span.name,
        )}'): ${error.message}`,
      });
    }
  });
  for (let index = accepted.length; index < spans.length; index++) {
    result.rejected.push({
      index,
      message: `span ${index}: more than ${limits.maxSpansPerRequest.toLocaleString(
        'en-US',
      )} spans in one request (aiPlatform.ingest.limits.maxSpansPerRequest); send smaller batches`,
    });
  }
  return result;
}
