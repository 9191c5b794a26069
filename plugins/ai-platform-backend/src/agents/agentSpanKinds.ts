import {
  GEN_AI_AGENT_ID,
  GEN_AI_AGENT_NAME,
  GEN_AI_OPERATION_NAME,
} from '../otlp/genAiNames';
import { OtlpAttributes } from '../otlp/otlpValues';
import { stringAttribute } from '../ingest/genAiSpanAttributes';

/** `ATTR_GEN_AI_TOOL_NAME` (OTel GenAI semantic conventions). */
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
/** `ATTR_GEN_AI_TOOL_CALL_ID` (OTel GenAI semantic conventions). */
export const GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
/** `ATTR_ERROR_TYPE` (OTel general semantic conventions). */
export const ERROR_TYPE = 'error.type';

/** OpenInference span kind attribute and its tool / agent names. */
const OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';
const OPENINFERENCE_TOOL_NAME = 'tool.name';
const OPENINFERENCE_TOOL_CALL_ID = 'tool_call.id';
const OPENINFERENCE_AGENT_NAME = 'agent.name';

/** Vercel AI SDK (legacy `ai.*` telemetry) tool call span and attributes. */
const VERCEL_TOOL_CALL_OPERATION = 'ai.toolCall';
const VERCEL_OPERATION_ID = 'ai.operationId';
const VERCEL_TOOL_CALL_NAME = 'ai.toolCall.name';
const VERCEL_TOOL_CALL_ID = 'ai.toolCall.id';

/**
 * What an agent or tool span is, and the attribute names its fields are
 * read from (for rejection messages).
 *
 * @internal
 */
export type AgentSpanKind = 'agent-run' | 'tool-call';

/**
 * Whether a span is an agent run (`gen_ai.operation.name` = `invoke_agent`,
 * OpenInference kind `AGENT`) or a tool call (`execute_tool`, OpenInference
 * `TOOL`, Vercel AI SDK `ai.toolCall`); `null` for every other span.
 *
 * @internal
 */
export function agentSpanKindOf(
  name: string,
  attributes: OtlpAttributes,
): AgentSpanKind | null {
  const operation = stringAttribute(attributes, GEN_AI_OPERATION_NAME);
  if (operation === 'invoke_agent') {
    return 'agent-run';
  }
  if (operation === 'execute_tool') {
    return 'tool-call';
  }
  if (operation) {
    return null;
  }
  const openInferenceKind = stringAttribute(
    attributes,
    OPENINFERENCE_SPAN_KIND,
  )?.toUpperCase();
  if (openInferenceKind === 'AGENT') {
    return 'agent-run';
  }
  if (openInferenceKind === 'TOOL') {
    return 'tool-call';
  }
  if (
    name === VERCEL_TOOL_CALL_OPERATION ||
    stringAttribute(attributes, VERCEL_OPERATION_ID) ===
      VERCEL_TOOL_CALL_OPERATION
  ) {
    return 'tool-call';
  }
  return null;
}

/**
 * The agent identities of an agent or tool span, most specific first:
 * `gen_ai.agent.id`, `gen_ai.agent.name`, OpenInference `agent.name`.
 *
 * @internal
 */
export function agentIdentitiesOf(attributes: OtlpAttributes): string[] {
  const keys = [
    stringAttribute(attributes, GEN_AI_AGENT_ID),
    stringAttribute(attributes, GEN_AI_AGENT_NAME, OPENINFERENCE_AGENT_NAME),
  ].filter((key): key is string => key !== null);
  return [...new Set(keys)];
}

/** The agent's display name, when the span names it. */
export function agentNameOf(attributes: OtlpAttributes): string | null {
  return stringAttribute(attributes, GEN_AI_AGENT_NAME, OPENINFERENCE_AGENT_NAME);
}

/**
 * Whether the span comes from OpenInference (its agent spans often name
 * the agent only in the span name).
 */
export function isOpenInferenceSpan(attributes: OtlpAttributes): boolean {
  return attributes.has(OPENINFERENCE_SPAN_KIND);
}

/** The tool name: `gen_ai.tool.name`, `tool.name`, `ai.toolCall.name`. */
export function toolNameOf(attributes: OtlpAttributes): string | null {
  return stringAttribute(
    attributes,
    GEN_AI_TOOL_NAME,
    OPENINFERENCE_TOOL_NAME,
    VERCEL_TOOL_CALL_NAME,
  );
}

/** The tool call id: `gen_ai.tool.call.id`, `tool_call.id`, `ai.toolCall.id`. */
export function toolCallIdOf(attributes: OtlpAttributes): string | null {
  return stringAttribute(
    attributes,
    GEN_AI_TOOL_CALL_ID,
    OPENINFERENCE_TOOL_CALL_ID,
    VERCEL_TOOL_CALL_ID,
  );
}

/** Attribute names a tool name is read from, for messages. */
export const TOOL_NAME_ATTRIBUTES = `'${GEN_AI_TOOL_NAME}', '${OPENINFERENCE_TOOL_NAME}' or '${VERCEL_TOOL_CALL_NAME}'`;

/** Attribute names an agent identity is read from, for messages. */
export const AGENT_IDENTITY_ATTRIBUTES = `'${GEN_AI_AGENT_ID}' or '${GEN_AI_AGENT_NAME}'`;
