import { InputError } from '@backstage/errors';
import {
  RejectedTelemetryItem,
  UnresolvedTelemetryEvent,
} from './UnresolvedTelemetryEvent';
import {
  applyEventTextPolicy,
  checkCostUsd,
  checkDurationMs,
  checkEventTimeMs,
  checkTokenCount,
  DEFAULT_INGEST_LIMITS,
  describeValue,
  EventSourceFields,
  IngestItemRejection,
  IngestLimits,
} from './ingestLimits';
import { parseLiteLlmTimeMs } from './liteLlmTimes';

/** `source` of the events stored from LiteLLM StandardLoggingPayloads. */
export const LITELLM_SOURCE = 'litellm';

/** LiteLLM `call_type` to OTel `gen_ai.operation.name`. */
const CALL_TYPE_OPERATIONS: Record<string, string> = {
  completion: 'chat',
  acompletion: 'chat',
  text_completion: 'text_completion',
  atext_completion: 'text_completion',
  embedding: 'embeddings',
  aembedding: 'embeddings',
  image_generation: 'image_generation',
  aimage_generation: 'image_generation',
  rerank: 'rerank',
  arerank: 'rerank',
  responses: 'responses',
  aresponses: 'responses',
  anthropic_messages: 'chat',
};

/** Payload fields the event fields come from, for rejection messages. */
const PAYLOAD_SOURCE_FIELDS: EventSourceFields = {
  sourceEventId: 'id',
  joinKey: 'model_group',
  model: 'model',
  provider: 'custom_llm_provider',
  operation: 'call_type',
  agentJoinKeyCandidates: 'agent_id',
};

/** Request tag naming the agent of a call: `agent:<gateway agent id>`. */
const AGENT_TAG_PREFIX = 'agent:';

/**
 * What {@link mapLiteLlmPayloads} made of a batch.
 *
 * @internal
 */
export interface LiteLlmPayloadMapping {
  events: UnresolvedTelemetryEvent[];
  rejected: RejectedTelemetryItem[];
}

class PayloadRejection extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(
  payload: Record<string, unknown>,
  field: string,
): string | null {
  const value = payload[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  if (typeof value !== 'string') {
    throw new PayloadRejection(
      `'${field}' must be a string, got ${describeValue(value)}`,
    );
  }
  return value.trim() || null;
}

/**
 * Epoch milliseconds of a payload time in any form LiteLLM writes (see
 * {@link parseLiteLlmTimeMs}); `required` times refuse the payload when
 * absent.
 */
function epochMs(
  payload: Record<string, unknown>,
  field: string,
  required: true,
): number;
function epochMs(
  payload: Record<string, unknown>,
  field: string,
  required: false,
): number | null;
function epochMs(
  payload: Record<string, unknown>,
  field: string,
  required: boolean,
): number | null {
  const ms = parseLiteLlmTimeMs(payload[field], field);
  if (ms === null && required) {
    throw new PayloadRejection(
      `'${field}' is required: epoch seconds, an ISO 8601 date-time or 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)`,
    );
  }
  return ms;
}

function tokenCount(
  payload: Record<string, unknown>,
  field: string,
  limits: IngestLimits,
): number {
  const value = payload[field];
  if (value === undefined || value === null) {
    return 0;
  }
  return checkTokenCount(value, field, limits);
}

function costUsd(
  payload: Record<string, unknown>,
  limits: IngestLimits,
): number {
  const value = payload.response_cost;
  if (value === undefined || value === null) {
    return 0;
  }
  return checkCostUsd(value, 'response_cost', limits);
}

function stringIn(container: unknown, field: string): string | null {
  if (!isRecord(container)) {
    return null;
  }
  const value = container[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * Agent ids declared on the call: the `agent_id` field (newer LiteLLM),
 * `agent_id` in the caller's `spend_logs_metadata` / `requester_metadata`,
 * or an `agent:<id>` request tag.
 */
function agentIdsOf(payload: Record<string, unknown>): string[] {
  const metadata = isRecord(payload.metadata) ? payload.metadata : {};
  const tags = [payload.request_tags, metadata.tags]
    .filter(Array.isArray)
    .flat()
    .filter(
      (tag): tag is string =>
        typeof tag === 'string' && tag.startsWith(AGENT_TAG_PREFIX),
    )
    .map(tag => tag.slice(AGENT_TAG_PREFIX.length).trim());
  const ids = [
    stringIn(payload, 'agent_id'),
    stringIn(metadata, 'agent_id'),
    stringIn(metadata.spend_logs_metadata, 'agent_id'),
    stringIn(metadata.requester_metadata, 'agent_id'),
    ...tags,
  ].filter((id): id is string => Boolean(id));
  return [...new Set(ids)];
}

/** `traceparent`: version, trace id, parent id, flags (W3C Trace Context). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/i;

/** A W3C trace id (32 hex, not all zero), lower case, or null. */
function w3cTraceId(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const text = value.trim().toLowerCase();
  return /^[0-9a-f]{32}$/.test(text) && !/^0+$/.test(text) ? text : null;
}

/** The trace id of a `traceparent` header among `headers`, any case. */
function traceparentTraceId(headers: unknown): string | null {
  if (!isRecord(headers)) {
    return null;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'traceparent' || typeof value !== 'string') {
      continue;
    }
    const match = TRACEPARENT.exec(value.trim());
    if (match && match[1].toLowerCase() !== 'ff') {
      return w3cTraceId(match[2]);
    }
  }
  return null;
}

/**
 * The caller's trace, when the payload carries it: a propagated
 * `traceparent` (in `metadata.requester_custom_headers` or
 * `proxy_server_request.headers`), a `trace_id` the caller put in its
 * metadata, or LiteLLM's own `trace_id` when it is a W3C trace id (the
 * caller passed `litellm_trace_id`; LiteLLM's default is a UUID, which
 * names no OTel trace and is ignored).
 */
function callerTraceId(payload: Record<string, unknown>): string | null {
  const metadata = isRecord(payload.metadata) ? payload.metadata : {};
  const proxyRequest = isRecord(payload.proxy_server_request)
    ? payload.proxy_server_request
    : {};
  return (
    traceparentTraceId(metadata.requester_custom_headers) ??
    traceparentTraceId(proxyRequest.headers) ??
    w3cTraceId(metadata.trace_id) ??
    w3cTraceId(stringIn(metadata.requester_metadata, 'trace_id')) ??
    w3cTraceId(stringIn(metadata.spend_logs_metadata, 'trace_id')) ??
    w3cTraceId(payload.trace_id)
  );
}

function mapPayload(
  payload: unknown,
  limits: IngestLimits,
): UnresolvedTelemetryEvent {
  if (!isRecord(payload)) {
    throw new PayloadRejection('expected a StandardLoggingPayload object');
  }
  const id = optionalString(payload, 'id');
  if (!id) {
    throw new PayloadRejection("'id' is required: the LiteLLM call id");
  }
  const callType = optionalString(payload, 'call_type');
  if (!callType) {
    throw new PayloadRejection(
      "'call_type' is required, e.g. 'acompletion' or 'aembedding'",
    );
  }
  const model = optionalString(payload, 'model');
  // model_group is the alias the client asked the gateway for: the join key.
  const modelGroup = optionalString(payload, 'model_group') ?? model;
  if (!modelGroup) {
    throw new PayloadRejection(
      "'model_group' (the gateway model alias) or 'model' is required",
    );
  }
  const startMs = checkEventTimeMs(
    epochMs(payload, 'startTime', true),
    'startTime',
    payload.startTime,
    limits,
  );
  const endMs = epochMs(payload, 'endTime', true);
  if (endMs < startMs) {
    throw new PayloadRejection(
      `'endTime' (${describeValue(
        payload.endTime,
      )}) is before 'startTime' (${describeValue(payload.startTime)})`,
    );
  }
  const latencyMs = checkDurationMs(
    endMs - startMs,
    "the call's duration ('endTime' - 'startTime')",
    limits,
  );
  const completionStartMs = epochMs(payload, 'completionStartTime', false);
  if (payload.stream !== undefined && payload.stream !== null) {
    if (typeof payload.stream !== 'boolean') {
      throw new PayloadRejection(
        `'stream' must be a boolean, got ${describeValue(payload.stream)}`,
      );
    }
  }
  const streamed = payload.stream === true;

  // LiteLLM sets completionStartTime = endTime when no first chunk was
  // recorded (non-streamed calls, some pass-through routes): TTFT is only
  // real for a streamed call whose first chunk came before the end.
  const ttftMs =
    streamed &&
    completionStartMs !== null &&
    completionStartMs < endMs &&
    completionStartMs >= startMs
      ? completionStartMs - startMs
      : null;

  const status = optionalString(payload, 'status') ?? 'success';
  if (status !== 'success' && status !== 'failure') {
    throw new PayloadRejection(
      `'status' must be 'success' or 'failure', got ${describeValue(status)}`,
    );
  }
  const errorInformation = payload.error_information;
  const metadata = isRecord(payload.metadata) ? payload.metadata : {};
  const keyAlias = stringIn(metadata, 'user_api_key_alias');

  return applyEventTextPolicy(
    {
      source: LITELLM_SOURCE,
      sourceEventId: id,
      occurredAt: new Date(Math.round(startMs)),
      joinKey: modelGroup,
      operation: CALL_TYPE_OPERATIONS[callType] ?? callType,
      model:
        stringIn(payload.hidden_params, 'litellm_model_name') ?? model ?? null,
      provider: optionalString(payload, 'custom_llm_provider'),
      streamed,
      status: status === 'failure' ? 'error' : 'ok',
      errorType:
        status === 'failure'
          ? stringIn(errorInformation, 'error_class') ??
            stringIn(errorInformation, 'error_code') ??
            'failure'
          : null,
      inputTokens: tokenCount(payload, 'prompt_tokens', limits),
      outputTokens: tokenCount(payload, 'completion_tokens', limits),
      costUsd: costUsd(payload, limits),
      ttftMs,
      latencyMs,
      agentJoinKeyCandidates: agentIdsOf(payload),
      agentMatchOnlyKeys: keyAlias ? [keyAlias] : [],
      // LiteLLM logs the response id it returned to the client as `id`
      // (its own call id when there was no response), which OTel
      // instrumentations record as `gen_ai.response.id`: both reports of
      // the call then match exactly.
      reporter: 'gateway',
      matchKey: id,
      traceId: callerTraceId(payload),
    },
    PAYLOAD_SOURCE_FIELDS,
  );
}

/**
 * Parses the body the LiteLLM `generic_api` callback posts: a JSON array of
 * StandardLoggingPayloads (`log_format: json_array`), one object
 * (`single`), or one object per line (`ndjson`).
 *
 * @throws InputError when the body is neither
 * @internal
 */
export function parseLiteLlmBody(body: Buffer): unknown[] {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const lines = text.split('\n').filter(line => line.trim() !== '');
    if (lines.length > 1) {
      try {
        return lines.map(line => JSON.parse(line));
      } catch {
        // fall through to the error about the whole body
      }
    }
    throw new InputError(
      `Malformed JSON body: ${
        (error as Error).message
      }; expected a JSON array of LiteLLM StandardLoggingPayload objects, one object, or NDJSON`,
    );
  }
  if (Array.isArray(parsed)) {
    return parsed;
  }
  if (isRecord(parsed)) {
    return [parsed];
  }
  throw new InputError(
    'Invalid LiteLLM body: expected a JSON array of StandardLoggingPayload objects or one object',
  );
}

/**
 * Maps LiteLLM StandardLoggingPayloads to telemetry events (source
 * `litellm`, id = the payload `id`). Items that cannot be mapped or break a
 * limit of `limits` are rejected with their index and the reason; the
 * others are kept.
 *
 * @internal
 */
export function mapLiteLlmPayloads(
  payloads: unknown[],
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
): LiteLlmPayloadMapping {
  const result: LiteLlmPayloadMapping = { events: [], rejected: [] };
  payloads.forEach((payload, index) => {
    try {
      result.events.push(mapPayload(payload, limits));
    } catch (error) {
      if (
        !(error instanceof PayloadRejection) &&
        !(error instanceof IngestItemRejection)
      ) {
        throw error;
      }
      result.rejected.push({ index, message: error.message });
    }
  });
  return result;
}
