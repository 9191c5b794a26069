import {
  OtlpAttributes,
  OtlpAttributeValue,
  OtlpSpan,
} from './otlpTraceRequest';
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
 * GenAI operations that describe an agent or a tool rather than a model
 * call. Their spans are not stored as calls; agent spans lend their agent
 * id and name to the model calls below them in the same batch.
 */
const AGENT_OPERATIONS = new Set([
  'invoke_agent',
  'create_agent',
  'invoke_workflow',
]);
const NON_MODEL_OPERATIONS = new Set([
  ...AGENT_OPERATIONS,
  'execute_tool',
  'retrieval',
]);

/** OpenInference `openinference.span.kind` values that are model calls. */
const OPENINFERENCE_MODEL_KINDS: Record<string, string> = {
  LLM: 'chat',
  EMBEDDING: 'embeddings',
};

/** OpenLLMetry `llm.request.type` values. */
const OPENLLMETRY_REQUEST_TYPES: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

/**
 * TTFT attributes, in seconds: the OTel GenAI span attribute (v1.41) first,
 * then the gateway metric name some exporters also put on spans.
 */
const TTFT_SECONDS_ATTRIBUTES = [
  'gen_ai.response.time_to_first_chunk',
  'gen_ai.server.time_to_first_token',
];

const NANOS_PER_MS = 1_000_000n;

/** Span attributes the event fields come from, for rejection messages. */
const SPAN_SOURCE_FIELDS: EventSourceFields = {
  sourceEventId: 'traceId + spanId',
  joinKey: 'gen_ai.request.model',
  model: 'gen_ai.response.model',
  provider: 'gen_ai.provider.name',
  operation: 'gen_ai.operation.name',
  agentJoinKeyCandidates: 'gen_ai.agent.id',
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

function stringAttribute(
  attributes: OtlpAttributes,
  ...keys: string[]
): string | null {
  for (const key of keys) {
    const value = attributes.get(key);
    if (typeof value === 'string' && value.trim() !== '') {
      return value.trim();
    }
  }
  return null;
}

function booleanAttribute(
  attributes: OtlpAttributes,
  ...keys: string[]
): boolean | null {
  for (const key of keys) {
    const value = attributes.get(key);
    if (typeof value === 'boolean') {
      return value;
    }
    if (value === 'true' || value === 'false') {
      return value === 'true';
    }
  }
  return null;
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

function isGenAiSpan(attributes: OtlpAttributes): boolean {
  for (const key of attributes.keys()) {
    if (key.startsWith('gen_ai.')) {
      return true;
    }
  }
  return (
    attributes.has('llm.model_name') ||
    attributes.has('llm.token_count.prompt') ||
    attributes.has('llm.token_count.completion')
  );
}

function operationOf(attributes: OtlpAttributes): string | null {
  const operation = stringAttribute(attributes, 'gen_ai.operation.name');
  if (operation) {
    return operation;
  }
  const openInferenceKind = stringAttribute(
    attributes,
    'openinference.span.kind',
  );
  if (openInferenceKind) {
    return OPENINFERENCE_MODEL_KINDS[openInferenceKind.toUpperCase()] ?? null;
  }
  const requestType = stringAttribute(attributes, 'llm.request.type');
  if (requestType) {
    return OPENLLMETRY_REQUEST_TYPES[requestType] ?? requestType;
  }
  // A span with model attributes but no operation: older LiteLLM `otel`
  // callback spans and OpenInference spans without a kind are chat calls.
  return stringAttribute(
    attributes,
    'gen_ai.request.model',
    'gen_ai.response.model',
    'llm.model_name',
  )
    ? 'chat'
    : null;
}

function agentKeysOf(attributes: OtlpAttributes): string[] {
  return [
    stringAttribute(attributes, 'gen_ai.agent.id'),
    stringAttribute(attributes, 'gen_ai.agent.name', 'agent.name'),
  ].filter((key): key is string => key !== null);
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
  const requestModel = stringAttribute(
    attributes,
    'gen_ai.request.model',
    'llm.model_name',
    'gen_ai.response.model',
  );
  if (!requestModel) {
    throw new SpanRejection(
      `GenAI '${operation}' span has no model: expected 'gen_ai.request.model', 'gen_ai.response.model' or 'llm.model_name'`,
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
  const streamFlag = booleanAttribute(
    attributes,
    'gen_ai.request.stream',
    'llm.is_streaming',
  );
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
        stringAttribute(
          attributes,
          'gen_ai.response.model',
          'llm.model_name',
        ) ?? requestModel,
      provider: stringAttribute(
        attributes,
        'gen_ai.provider.name',
        'gen_ai.system',
        'llm.provider',
        'llm.system',
      ),
      streamed,
      status: isError ? 'error' : 'ok',
      errorType: isError
        ? errorTypeAttribute ?? (span.statusMessage || 'error')
        : null,
      inputTokens: tokenAttribute(
        attributes,
        limits,
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.prompt_tokens',
        'llm.token_count.prompt',
      ),
      outputTokens: tokenAttribute(
        attributes,
        limits,
        'gen_ai.usage.output_tokens',
        'gen_ai.usage.completion_tokens',
        'llm.token_count.completion',
      ),
      // GenAI spans carry no cost; pricing is applied later.
      costUsd: 0,
      ttftMs: streamed ? ttftMs : null,
      latencyMs,
      agentJoinKeyCandidates: agentKeys,
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

  const spanKey = (traceId: string, spanId: string) => `${traceId}/${spanId}`;
  const byId = new Map<string, OtlpSpan>();
  for (const span of accepted) {
    byId.set(spanKey(span.traceId, span.spanId), span);
  }

  /**
   * Agent keys of a span or, when it has none, of its nearest ancestor
   * with some; memoised per span, so each span is resolved once.
   */
  const resolvedAgentKeys = new Map<OtlpSpan, string[]>();
  const agentKeysFrom = (start: OtlpSpan | undefined): string[] => {
    const path: OtlpSpan[] = [];
    const onPath = new Set<OtlpSpan>();
    let current = start;
    let keys: string[] = [];
    while (current) {
      const known = resolvedAgentKeys.get(current);
      if (known) {
        keys = known;
        break;
      }
      if (onPath.has(current)) {
        break; // a parent cycle: no agent
      }
      const own = agentKeysOf(current.attributes);
      if (own.length > 0) {
        keys = own;
        resolvedAgentKeys.set(current, own);
        break;
      }
      path.push(current);
      onPath.add(current);
      current = byId.get(spanKey(current.traceId, current.parentSpanId));
    }
    for (const span of path) {
      resolvedAgentKeys.set(span, keys);
    }
    return keys;
  };
  const inheritedAgentKeys = (span: OtlpSpan): string[] =>
    agentKeysFrom(byId.get(spanKey(span.traceId, span.parentSpanId)));

  accepted.forEach((span, index) => {
    if (!isGenAiSpan(span.attributes)) {
      result.ignoredSpans += 1;
      return;
    }
    const operation = operationOf(span.attributes);
    if (operation === null) {
      result.rejected.push({
        index,
        message: `span ${
          shortText(span.spanId) || index
        }: GenAI span has no 'gen_ai.operation.name' and no model attribute`,
      });
      return;
    }
    if (NON_MODEL_OPERATIONS.has(operation)) {
      result.ignoredSpans += 1;
      return;
    }
    const ownKeys = agentKeysOf(span.attributes);
    try {
      result.events.push(
        mapModelSpan(
          span,
          operation,
          ownKeys.length > 0 ? ownKeys : inheritedAgentKeys(span),
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
