import { InputError } from '@backstage/errors';

/**
 * The `apiVersion` of the ModelEndpoint and Agent kinds.
 *
 * @public
 */
export const AI_PLATFORM_API_VERSION = 'aiplatform.io/v1alpha1';

/**
 * The API group of the AI platform kinds (the part of `apiVersion` before the slash).
 *
 * @public
 */
export const AI_PLATFORM_API_GROUP = 'aiplatform.io';

/**
 * The kind name of an addressable inference endpoint.
 *
 * @public
 */
export const MODEL_ENDPOINT_KIND = 'ModelEndpoint';

/**
 * The kind name of an AI agent.
 *
 * @public
 */
export const AGENT_KIND = 'Agent';

/**
 * An Agent uses a ModelEndpoint. Reverse of {@link RELATION_MODEL_USED_BY}.
 *
 * @public
 */
export const RELATION_USES_MODEL = 'usesModel';

/**
 * A ModelEndpoint is used by an Agent. Reverse of {@link RELATION_USES_MODEL}.
 *
 * @public
 */
export const RELATION_MODEL_USED_BY = 'modelUsedBy';

/**
 * Annotation naming the gateway model alias of an entity that is not a
 * ModelEndpoint (for example a Component that calls the gateway with its own
 * alias), so its telemetry can be attributed to it.
 *
 * @public
 */
export const ANNOTATION_GATEWAY_MODEL = 'aiplatform.io/gateway-model';

/**
 * Annotation naming the gateway agent id of an entity that is not an Agent,
 * so its telemetry can be attributed to it.
 *
 * @public
 */
export const ANNOTATION_GATEWAY_AGENT_ID = 'aiplatform.io/gateway-agent-id';

/**
 * Annotation set by the golden-path templates: the entity reference of the
 * template that created the entity. Used to measure golden-path adoption.
 *
 * @public
 */
export const ANNOTATION_GOLDEN_PATH = 'aiplatform.io/golden-path';

/**
 * Annotation the self-hosted golden path puts on a ModelEndpoint: the planned serving shape
 * the spec does not carry, as JSON — `contextTokens`, `maxConcurrentSequences`,
 * `tensorParallelSize`, and while paused `pausedFrom` (the replicas resume restores). The
 * "Change an AI endpoint" form previews a change from it; the change itself starts from the
 * `endpoint-request.json` committed beside the manifests.
 *
 * @public
 */
export const ANNOTATION_ENDPOINT_REQUEST = 'aiplatform.io/endpoint-request';

/**
 * The `status.items[].type` of the policy warnings the catalog module puts on
 * entities (for example an Agent using a model endpoint classified below its
 * own data classification).
 *
 * @public
 */
export const ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE = 'aiplatform.io/policy';

/**
 * The kinds of inference a ModelEndpoint serves.
 *
 * @public
 */
export const MODEL_ENDPOINT_TYPES = [
  'chat',
  'completion',
  'embedding',
  'rerank',
  'classification',
] as const;

/**
 * The kind of inference a ModelEndpoint serves.
 *
 * @public
 */
export type ModelEndpointType = (typeof MODEL_ENDPOINT_TYPES)[number];

/**
 * How a ModelEndpoint is served.
 *
 * @public
 */
export const SERVING_MODES = ['self-hosted', 'managed'] as const;

/**
 * How a ModelEndpoint is served.
 *
 * @public
 */
export type ServingMode = (typeof SERVING_MODES)[number];

/**
 * The runtimes a self-hosted ModelEndpoint can run on.
 *
 * @public
 */
export const SERVING_RUNTIMES = [
  'vllm',
  'kserve',
  'kserve-llm',
  'nim',
] as const;

/**
 * The runtime a self-hosted ModelEndpoint runs on.
 *
 * @public
 */
export type ServingRuntime = (typeof SERVING_RUNTIMES)[number];

/**
 * The providers of managed ModelEndpoints.
 *
 * @public
 */
export const MANAGED_MODEL_PROVIDERS = [
  'openai',
  'anthropic',
  'bedrock',
  'vertex',
  'azure-openai',
  'google',
  'mistral',
  'cohere',
  'other',
] as const;

/**
 * The provider of a managed ModelEndpoint.
 *
 * @public
 */
export type ManagedModelProvider = (typeof MANAGED_MODEL_PROVIDERS)[number];

/**
 * Data classifications, from the least to the most sensitive.
 *
 * @public
 */
export const DATA_CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;

/**
 * A data classification.
 *
 * @public
 */
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/**
 * Whether a string is a known data classification.
 *
 * @public
 */
export function isDataClassification(
  value: unknown,
): value is DataClassification {
  return (
    typeof value === 'string' &&
    (DATA_CLASSIFICATIONS as readonly string[]).includes(value)
  );
}

/**
 * Compares two data classifications by sensitivity
 * (public \< internal \< confidential \< restricted).
 *
 * @returns a negative number when `a` is less sensitive than `b`, 0 when they
 *   are equal, a positive number when `a` is more sensitive than `b`
 * @throws InputError when either value is not a known data classification
 * @public
 */
export function compareDataClassification(
  a: DataClassification,
  b: DataClassification,
): number {
  for (const value of [a, b]) {
    if (!isDataClassification(value)) {
      throw new InputError(
        `Unknown data classification "${value}", expected one of ${DATA_CLASSIFICATIONS.join(
          ', ',
        )}`,
      );
    }
  }
  return DATA_CLASSIFICATIONS.indexOf(a) - DATA_CLASSIFICATIONS.indexOf(b);
}

/**
 * Who an Agent serves.
 *
 * @public
 */
export const AGENT_AUDIENCES = ['product', 'internal-tool'] as const;

/**
 * Who an Agent serves: customers as part of a product, or our own teams.
 *
 * @public
 */
export type AgentAudience = (typeof AGENT_AUDIENCES)[number];

/**
 * Agent risk tiers, from the lowest to the highest risk.
 *
 * @public
 */
export const AGENT_RISK_TIERS = ['minimal', 'limited', 'high'] as const;

/**
 * An Agent's risk tier.
 *
 * @public
 */
export type AgentRiskTier = (typeof AGENT_RISK_TIERS)[number];

/**
 * Agent autonomy levels, from the least to the most autonomous.
 *
 * @public
 */
export const AUTONOMY_LEVELS = ['L1', 'L2', 'L3', 'L4', 'L5'] as const;

/**
 * An Agent's autonomy level.
 *
 * @public
 */
export type AutonomyLevel = (typeof AUTONOMY_LEVELS)[number];

/**
 * What each autonomy level means, for display and for policy text.
 *
 * @public
 */
export const AUTONOMY_LEVEL_DESCRIPTIONS: Readonly<
  Record<AutonomyLevel, { title: string; description: string }>
> = {
  L1: {
    title: 'Assists on request',
    description:
      'The AI answers or drafts only when a person asks; people do the work and make every decision.',
  },
  L2: {
    title: 'Suggests',
    description:
      'The AI proactively proposes actions or content; people decide and carry them out themselves.',
  },
  L3: {
    title: 'Recommends, humans approve',
    description:
      'The AI prepares complete actions and carries them out only after a person approves each one.',
  },
  L4: {
    title: 'Acts, humans supervise',
    description:
      'The AI acts on its own within agreed limits; people are notified, monitor the outcome and can intervene or roll back.',
  },
  L5: {
    title: 'Full autonomy',
    description:
      'The AI plans and acts on its own end to end, without routine human oversight.',
  },
};
