import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
} from '../otlp/genAiNames';
import { OtlpAttributes } from '../otlp/otlpValues';
import { stringAttribute } from './genAiSpanAttributes';

/**
 * What a GenAI span stands for in the count of model calls:
 *
 * - `call`: one model call (chat, embeddings, ...); counted unless a model
 *   call span below it in the batch makes it a wrapper too;
 * - `wrapper`: a span that wraps or aggregates model calls (agent, step,
 *   workflow, SDK wrapper such as Vercel's `ai.generateText`); never a call
 *   of its own, counted once only when it carries usage and no model call
 *   of its trace is in the batch;
 * - `other`: tool, retrieval and the like: never a call;
 * - `unknown`: speaks GenAI but tells neither operation nor model.
 *
 * @internal
 */
export type GenAiSpanRole =
  | { role: 'call' | 'wrapper'; operation: string }
  | { role: 'other' | 'unknown' };

const OTHER: GenAiSpanRole = { role: 'other' };
const CHAT_WRAPPER: GenAiSpanRole = { role: 'wrapper', operation: 'chat' };
/** Call roles by operation, shared (one object per operation name). */
const CALL_ROLES = new Map<string, GenAiSpanRole>();
const MAX_SHARED_CALL_ROLES = 256;
function callRole(operation: string): GenAiSpanRole {
  const known = CALL_ROLES.get(operation);
  if (known) {
    return known;
  }
  const role: GenAiSpanRole = { role: 'call', operation };
  if (CALL_ROLES.size < MAX_SHARED_CALL_ROLES) {
    CALL_ROLES.set(operation, role);
  }
  return role;
}

/** `gen_ai.operation.name` values of spans that wrap model calls. */
const WRAPPER_OPERATIONS = new Set([
  'invoke_agent',
  'create_agent',
  'invoke_workflow',
  // Vercel AI SDK (`@ai-sdk/otel`) GenAI mode: one step of an agent loop.
  'agent_step',
]);
/** `gen_ai.operation.name` values that are never model calls. */
const OTHER_OPERATIONS = new Set(['execute_tool', 'retrieval']);

/** OpenInference `openinference.span.kind` values. */
const OPENINFERENCE_KINDS: Record<string, GenAiSpanRole> = {
  LLM: { role: 'call', operation: 'chat' },
  EMBEDDING: { role: 'call', operation: 'embeddings' },
  AGENT: { role: 'wrapper', operation: 'chat' },
  CHAIN: { role: 'wrapper', operation: 'chat' },
};

/** OpenLLMetry SDK (`withWorkflow`, `withAgent`, ...) `traceloop.span.kind`. */
const TRACELOOP_KINDS: Record<string, GenAiSpanRole> = {
  workflow: { role: 'wrapper', operation: 'chat' },
  task: { role: 'wrapper', operation: 'chat' },
  agent: { role: 'wrapper', operation: 'chat' },
  tool: { role: 'other' },
};

/** OpenLLMetry `llm.request.type` values. */
const OPENLLMETRY_REQUEST_TYPES: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

/** Vercel AI SDK legacy mode: the span's `ai.operationId`. */
export const VERCEL_OPERATION_ID = 'ai.operationId';

/**
 * Attributes naming the model asked for, in order: GenAI, OpenInference
 * (LLM and embedding spans), Vercel AI SDK legacy, pydantic-ai's older
 * agent span.
 *
 * @internal
 */
export const REQUEST_MODEL_ATTRIBUTES = [
  GEN_AI_REQUEST_MODEL,
  'llm.model_name',
  'embedding.model_name',
  'ai.model.id',
  GEN_AI_RESPONSE_MODEL,
  'ai.response.model',
  'model_name',
];

/** Attributes naming the model that answered. */
export const RESPONSE_MODEL_ATTRIBUTES = [
  GEN_AI_RESPONSE_MODEL,
  'ai.response.model',
  'llm.model_name',
  'embedding.model_name',
];

/**
 * Input token attributes: GenAI (current, deprecated), OpenInference,
 * Vercel AI SDK legacy (v5+, v4, embeddings) and pydantic-ai's aggregate
 * on agent spans.
 *
 * @internal
 */
export const INPUT_TOKEN_ATTRIBUTES = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  'ai.usage.tokens',
  'gen_ai.aggregated_usage.input_tokens',
];

/** Output token attributes, as {@link INPUT_TOKEN_ATTRIBUTES}. @internal */
export const OUTPUT_TOKEN_ATTRIBUTES = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
  'gen_ai.aggregated_usage.output_tokens',
];

/**
 * Whether a span carries token usage (any of the token attributes).
 *
 * @internal
 */
export function hasUsage(attributes: OtlpAttributes): boolean {
  return (
    INPUT_TOKEN_ATTRIBUTES.some(key => attributes.has(key)) ||
    OUTPUT_TOKEN_ATTRIBUTES.some(key => attributes.has(key))
  );
}

/**
 * OpenInference's `llm.invocation_parameters`: a JSON string of the request
 * (its `model` is the model asked for, while `llm.model_name` becomes the
 * one that answered; `stream`); empty when absent or not a JSON object.
 */
function invocationParametersOf(attributes: OtlpAttributes): {
  model?: unknown;
  stream?: unknown;
} {
  const parameters = attributes.get('llm.invocation_parameters');
  if (typeof parameters === 'string' && parameters.length <= 65_536) {
    try {
      const parsed: unknown = JSON.parse(parameters);
      if (typeof parsed === 'object' && parsed !== null) {
        return parsed;
      }
    } catch {
      // Not JSON: as if absent.
    }
  }
  return {};
}

/**
 * The request model of a span: `gen_ai.request.model`, then the `model` of
 * OpenInference's `llm.invocation_parameters`, then the other attributes of
 * {@link REQUEST_MODEL_ATTRIBUTES}.
 *
 * @internal
 */
export function requestModelOf(attributes: OtlpAttributes): string | null {
  const own = stringAttribute(attributes, GEN_AI_REQUEST_MODEL);
  if (own) {
    return own;
  }
  const { model } = invocationParametersOf(attributes);
  if (typeof model === 'string' && model.trim() !== '') {
    return model.trim();
  }
  return stringAttribute(attributes, ...REQUEST_MODEL_ATTRIBUTES);
}

/**
 * Whether OpenInference's `llm.invocation_parameters` asked for a stream;
 * null when it does not say.
 *
 * @internal
 */
export function invocationStreamOf(attributes: OtlpAttributes): boolean | null {
  const { stream } = invocationParametersOf(attributes);
  return typeof stream === 'boolean' ? stream : null;
}

/** Vercel AI SDK legacy `ai.operationId` to a role. */
function vercelRole(operationId: string): GenAiSpanRole {
  if (/\.do(Generate|Stream)$/.test(operationId)) {
    return { role: 'call', operation: 'chat' };
  }
  if (operationId.endsWith('.doEmbed')) {
    return { role: 'call', operation: 'embeddings' };
  }
  if (operationId === 'ai.embed' || operationId === 'ai.embedMany') {
    return { role: 'wrapper', operation: 'embeddings' };
  }
  if (operationId === 'ai.toolCall') {
    return { role: 'other' };
  }
  // ai.generateText, ai.streamText, ai.generateObject, ai.streamObject...
  return { role: 'wrapper', operation: 'chat' };
}

/**
 * The role of a GenAI span from its own attributes (see
 * {@link GenAiSpanRole}); the batch decides the rest (a `call` with a model
 * call below it is a wrapper).
 *
 * @internal
 */
export function spanRoleOf(attributes: OtlpAttributes): GenAiSpanRole {
  const operationId = stringAttribute(attributes, VERCEL_OPERATION_ID);
  if (operationId?.startsWith('ai.')) {
    return vercelRole(operationId);
  }
  const operation = stringAttribute(attributes, GEN_AI_OPERATION_NAME);
  if (operation) {
    if (WRAPPER_OPERATIONS.has(operation)) {
      return CHAT_WRAPPER;
    }
    return OTHER_OPERATIONS.has(operation) ? OTHER : callRole(operation);
  }
  const openInferenceKind = stringAttribute(
    attributes,
    'openinference.span.kind',
  );
  if (openInferenceKind) {
    return (
      OPENINFERENCE_KINDS[openInferenceKind.toUpperCase()] ?? { role: 'other' }
    );
  }
  const traceloopKind = stringAttribute(attributes, 'traceloop.span.kind');
  if (traceloopKind && TRACELOOP_KINDS[traceloopKind]) {
    return TRACELOOP_KINDS[traceloopKind];
  }
  const requestType = stringAttribute(attributes, 'llm.request.type');
  if (requestType) {
    return {
      role: 'call',
      operation: OPENLLMETRY_REQUEST_TYPES[requestType] ?? requestType,
    };
  }
  // pydantic-ai agent spans: an aggregate of their model calls, or the
  // older "agent run" span (agent_name, model_name, usage, no operation).
  if (
    attributes.has('gen_ai.aggregated_usage.input_tokens') ||
    attributes.has('gen_ai.aggregated_usage.output_tokens') ||
    stringAttribute(attributes, 'agent_name')
  ) {
    return { role: 'wrapper', operation: 'chat' };
  }
  // A span with model attributes but no operation: older LiteLLM `otel`
  // callback spans and OpenInference spans without a kind are chat calls.
  return stringAttribute(
    attributes,
    GEN_AI_REQUEST_MODEL,
    GEN_AI_RESPONSE_MODEL,
    'llm.model_name',
  )
    ? { role: 'call', operation: 'chat' }
    : { role: 'unknown' };
}
