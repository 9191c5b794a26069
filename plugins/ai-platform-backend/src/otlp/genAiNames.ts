/**
 * The OpenTelemetry GenAI semantic-convention names the ingest reads.
 *
 * Source: OpenTelemetry semantic conventions as published in
 * `@opentelemetry/semantic-conventions` 1.45.0 (`/incubating` entry: the
 * GenAI names are "development" stability there). Each constant carries the
 * name of the package's own constant, so a newer release can be checked
 * against it. Names marked deprecated are still sent by older
 * instrumentations and read as fallbacks.
 */

// Attributes (ATTR_GEN_AI_*)

/** `ATTR_GEN_AI_OPERATION_NAME`: chat, embeddings, invoke_agent, ... */
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** `ATTR_GEN_AI_REQUEST_MODEL`: the model asked for (our join key). */
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** `ATTR_GEN_AI_RESPONSE_MODEL`: the model that answered. */
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** `ATTR_GEN_AI_RESPONSE_ID`. */
export const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
/** `ATTR_GEN_AI_REQUEST_STREAM`. */
export const GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
/** `ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK`, in seconds. */
export const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK =
  'gen_ai.response.time_to_first_chunk';
/**
 * Time to the first chunk of a streamed response as the client saw it, in
 * seconds: the Vercel AI SDK's GenAI mode (`@ai-sdk/otel`) sets it on its
 * chat spans (named after the `gen_ai.client.operation.*` metrics).
 */
export const GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK =
  'gen_ai.client.operation.time_to_first_chunk';
/** `ATTR_GEN_AI_PROVIDER_NAME`. */
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** `ATTR_GEN_AI_SYSTEM`, deprecated: replaced by `gen_ai.provider.name`. */
export const GEN_AI_SYSTEM = 'gen_ai.system';
/** `ATTR_GEN_AI_USAGE_INPUT_TOKENS`. */
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** `ATTR_GEN_AI_USAGE_OUTPUT_TOKENS`. */
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** `ATTR_GEN_AI_USAGE_PROMPT_TOKENS`, deprecated: input tokens. */
export const GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
/** `ATTR_GEN_AI_USAGE_COMPLETION_TOKENS`, deprecated: output tokens. */
export const GEN_AI_USAGE_COMPLETION_TOKENS = 'gen_ai.usage.completion_tokens';
/** `ATTR_GEN_AI_TOKEN_TYPE`: `input` or `output` on token usage points. */
export const GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
/** `ATTR_GEN_AI_AGENT_ID`. */
export const GEN_AI_AGENT_ID = 'gen_ai.agent.id';
/** `ATTR_GEN_AI_AGENT_NAME`. */
export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
/** `ATTR_GEN_AI_AGENT_VERSION`. */
export const GEN_AI_AGENT_VERSION = 'gen_ai.agent.version';
/** `ATTR_GEN_AI_EVALUATION_NAME`. */
export const GEN_AI_EVALUATION_NAME = 'gen_ai.evaluation.name';
/** `ATTR_GEN_AI_EVALUATION_SCORE_VALUE`. */
export const GEN_AI_EVALUATION_SCORE_VALUE = 'gen_ai.evaluation.score.value';
/** `ATTR_GEN_AI_EVALUATION_SCORE_LABEL`. */
export const GEN_AI_EVALUATION_SCORE_LABEL = 'gen_ai.evaluation.score.label';

// Events (EVENT_GEN_AI_*)

/** `EVENT_GEN_AI_EVALUATION_RESULT`: one evaluation result, a log record. */
export const GEN_AI_EVALUATION_RESULT = 'gen_ai.evaluation.result';

// Metrics (METRIC_GEN_AI_*)

/** `METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN`, in seconds. */
export const GEN_AI_SERVER_TIME_TO_FIRST_TOKEN =
  'gen_ai.server.time_to_first_token';
/** `METRIC_GEN_AI_SERVER_REQUEST_DURATION`, in seconds. */
export const GEN_AI_SERVER_REQUEST_DURATION = 'gen_ai.server.request.duration';
/** `METRIC_GEN_AI_CLIENT_OPERATION_DURATION`, in seconds. */
export const GEN_AI_CLIENT_OPERATION_DURATION =
  'gen_ai.client.operation.duration';
/** `METRIC_GEN_AI_CLIENT_TOKEN_USAGE`, in tokens. */
export const GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';

/** Every GenAI name starts with this namespace. */
export const GEN_AI_NAMESPACE_PREFIX = 'gen_ai.';
