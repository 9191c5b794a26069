import {
  GEN_AI_AGENT_ID,
  GEN_AI_AGENT_NAME,
  GEN_AI_NAMESPACE_PREFIX,
} from '../otlp/genAiNames';
import { OtlpAttributes } from '../otlp/otlpValues';

/**
 * The first of `keys` that holds a non-blank string, trimmed.
 *
 * @internal
 */
export function stringAttribute(
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

/**
 * The first of `keys` that holds a boolean (or `'true'` / `'false'`).
 *
 * @internal
 */
export function booleanAttribute(
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

/**
 * Whether a span speaks GenAI: any `gen_ai.*` attribute, the OpenLLMetry /
 * OpenInference model, token and span kind attributes, or a Vercel AI SDK
 * `ai.operationId`.
 *
 * @internal
 */
export function isGenAiSpan(attributes: OtlpAttributes): boolean {
  for (const key of attributes.keys()) {
    if (key.startsWith(GEN_AI_NAMESPACE_PREFIX)) {
      return true;
    }
  }
  if (
    attributes.has('llm.model_name') ||
    attributes.has('llm.token_count.prompt') ||
    attributes.has('llm.token_count.completion') ||
    attributes.has('embedding.model_name') ||
    attributes.has('openinference.span.kind') ||
    attributes.has('traceloop.span.kind')
  ) {
    return true;
  }
  // Vercel AI SDK legacy mode: `ai.operationId` is `ai.*`.
  const operationId = attributes.get('ai.operationId');
  return typeof operationId === 'string' && operationId.startsWith('ai.');
}

/*
 * What a span stands for (model call, wrapper, other) is decided in
 * genAiSpanRoles.ts.
 */

/**
 * The agent keys a span carries: `gen_ai.agent.id`, then its name.
 *
 * @internal
 */
export function agentKeysOf(attributes: OtlpAttributes): string[] {
  return [
    stringAttribute(attributes, GEN_AI_AGENT_ID),
    stringAttribute(attributes, GEN_AI_AGENT_NAME, 'agent.name', 'agent_name'),
  ].filter((key): key is string => key !== null);
}
