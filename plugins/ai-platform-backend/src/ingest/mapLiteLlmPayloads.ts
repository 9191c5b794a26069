import { InputError } from '@backstage/errors';
import {
  RejectedTelemetryItem,
  UnresolvedTelemetryEvent,
} from './UnresolvedTelemetryEvent';

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
      `'${field}' must be a string, got ${JSON.stringify(value)}`,
    );
  }
  return value.trim() || null;
}

function epochSeconds(
  payload: Record<string, unknown>,
  field: string,
  required: true,
): number;
function epochSeconds(
  payload: Record<string, unknown>,
  field: string,
  required: false,
): number | null;
function epochSeconds(
  payload: Record<string, unknown>,
  field: string,
  required: boolean,
): number | null {
  const value = payload[field];
  if (value === undefined || value === null) {
    if (required) {
      throw new PayloadRejection(
        `'${field}' is required: epoch seconds as a number`,
      );
    }
    return null;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PayloadRejection(
      `'${field}' must be epoch seconds as a positive number, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
}

function tokenCount(payload: Record<string, unknown>, field: string): number {
  const value = payload[field];
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PayloadRejection(
      `'${field}' must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function costUsd(payload: Record<string, unknown>): number {
  const value = payload.response_cost;
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PayloadRejection(
      `'response_cost' must be a non-negative number of USD, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return value;
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

function mapPayload(payload: unknown): UnresolvedTelemetryEvent {
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
  const startSeconds = epochSeconds(payload, 'startTime', true);
  const endSeconds = epochSeconds(payload, 'endTime', true);
  if (endSeconds < startSeconds) {
    throw new PayloadRejection(
      `'endTime' (${endSeconds}) is before 'startTime' (${startSeconds})`,
    );
  }
  const completionStartSeconds = epochSeconds(
    payload,
    'completionStartTime',
    false,
  );
  if (payload.stream !== undefined && payload.stream !== null) {
    if (typeof payload.stream !== 'boolean') {
      throw new PayloadRejection(
        `'stream' must be a boolean, got ${JSON.stringify(payload.stream)}`,
      );
    }
  }
  const streamed = payload.stream === true;

  // LiteLLM sets completionStartTime = endTime when no first chunk was
  // recorded (non-streamed calls, some pass-through routes): TTFT is only
  // real for a streamed call whose first chunk came before the end.
  const ttftMs =
    streamed &&
    completionStartSeconds !== null &&
    completionStartSeconds < endSeconds &&
    completionStartSeconds >= startSeconds
      ? (completionStartSeconds - startSeconds) * 1000
      : null;

  const status = optionalString(payload, 'status') ?? 'success';
  if (status !== 'success' && status !== 'failure') {
    throw new PayloadRejection(
      `'status' must be 'success' or 'failure', got '${status}'`,
    );
  }
  const errorInformation = payload.error_information;
  const metadata = isRecord(payload.metadata) ? payload.metadata : {};
  const keyAlias = stringIn(metadata, 'user_api_key_alias');

  return {
    source: LITELLM_SOURCE,
    sourceEventId: id,
    occurredAt: new Date(Math.round(startSeconds * 1000)),
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
    inputTokens: tokenCount(payload, 'prompt_tokens'),
    outputTokens: tokenCount(payload, 'completion_tokens'),
    costUsd: costUsd(payload),
    ttftMs,
    latencyMs: (endSeconds - startSeconds) * 1000,
    agentJoinKeyCandidates: agentIdsOf(payload),
    agentMatchOnlyKeys: keyAlias ? [keyAlias] : [],
  };
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
 * `litellm`, id = the payload `id`). Items that cannot be mapped are
 * rejected with their index and the reason; the others are kept.
 *
 * @internal
 */
export function mapLiteLlmPayloads(payloads: unknown[]): LiteLlmPayloadMapping {
  const result: LiteLlmPayloadMapping = { events: [], rejected: [] };
  payloads.forEach((payload, index) => {
    try {
      result.events.push(mapPayload(payload));
    } catch (error) {
      if (!(error instanceof PayloadRejection)) {
        throw error;
      }
      result.rejected.push({ index, message: error.message });
    }
  });
  return result;
}
