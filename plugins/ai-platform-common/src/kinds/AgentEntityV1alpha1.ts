import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import {
  AGENT_KIND,
  AI_PLATFORM_API_VERSION,
  AgentAudience,
  AgentRiskTier,
  AutonomyLevel,
  DataClassification,
  MODEL_ENDPOINT_KIND,
} from '../constants';
import schema from './Agent.v1alpha1.schema.json';
import {
  checkReferencedKind,
  createKindEntityValidation,
} from './kindSchemaValidation';
import {
  AiBudget,
  AiServiceLevelObjectives,
} from './ModelEndpointEntityV1alpha1';

/**
 * An evaluation suite an Agent must pass.
 *
 * @public
 */
export type AgentEvalRequirement = {
  /** The name of the suite, as reported by the eval runner. */
  suite: string;
  /** The lowest acceptable score, between 0 and 1. */
  minScore: number;
  /** What the suite measures. */
  description?: string;
};

/**
 * An AI agent, part of a product or a tool for our own teams.
 *
 * @public
 */
export interface AgentEntityV1alpha1 extends Entity {
  apiVersion: typeof AI_PLATFORM_API_VERSION;
  kind: typeof AGENT_KIND;
  spec: {
    type: string;
    lifecycle: string;
    /** Entity reference to the owner (default kind Group). */
    owner: string;
    /** Entity reference to the system (default kind System). */
    system?: string;
    audience?: AgentAudience;
    autonomyLevel?: AutonomyLevel;
    humanInTheLoop?: boolean;
    riskTier?: AgentRiskTier;
    /** Entity references to ModelEndpoint entities (default kind ModelEndpoint); at least one. */
    models: string[];
    /** Entity references to API entities used as tools, e.g. MCP servers (default kind API). */
    tools?: string[];
    gateway?: {
      /** The agent id in gateway telemetry (telemetry join key). */
      agentId?: string;
    };
    evals?: AgentEvalRequirement[];
    slo?: AiServiceLevelObjectives & {
      /** The lowest acceptable share of successful runs, in percent (0 to 100). */
      runSuccessPercent?: number;
      /** The 95th percentile run duration, in milliseconds. */
      runP95Ms?: number;
    };
    budget?: AiBudget & {
      /** The highest acceptable average cost of one run, in US dollars. */
      perRunUsd?: number;
    };
    dataClassification?: DataClassification;
  };
}

/**
 * The JSON schema of the Agent kind (draft-07, `$id` `AgentV1alpha1`).
 *
 * @public
 */
export const agentEntityV1alpha1Schema = schema;

const agentValidation = createKindEntityValidation<AgentEntityV1alpha1>({
  kind: AGENT_KIND,
  schema,
  rules: [
    entity =>
      [
        checkReferencedKind('spec.owner', entity.spec.owner, 'Group', [
          'Group',
          'User',
        ]),
        entity.spec.system &&
          checkReferencedKind('spec.system', entity.spec.system, 'System', [
            'System',
          ]),
        ...entity.spec.models.map((ref, index) =>
          checkReferencedKind(
            `spec.models[${index}]`,
            ref,
            MODEL_ENDPOINT_KIND,
            [MODEL_ENDPOINT_KIND],
          ),
        ),
        ...(entity.spec.tools ?? []).map((ref, index) =>
          checkReferencedKind(`spec.tools[${index}]`, ref, 'API', ['API']),
        ),
      ].filter((m): m is string => typeof m === 'string'),
  ],
});

/**
 * Validates an Agent entity with catalog-model's schema machinery. Returns
 * the entity when valid, `false` for another kind or apiVersion, and throws a
 * TypeError with the first problem otherwise. Prefer
 * {@link validateAgentEntity}, which lists every problem by field path.
 *
 * @public
 */
export const agentEntityV1alpha1Validator =
  entityKindSchemaValidator<AgentEntityV1alpha1>(schema);

/**
 * Whether an entity is an Agent of apiVersion `aiplatform.io/v1alpha1`.
 *
 * @public
 */
export function isAgentEntityV1alpha1(
  entity: Entity,
): entity is AgentEntityV1alpha1 {
  return (
    entity.apiVersion === AI_PLATFORM_API_VERSION && entity.kind === AGENT_KIND
  );
}

/**
 * Every problem with an Agent entity, each as
 * `<dotted.path>: <what was expected>`, e.g.
 * `spec.autonomyLevel: must be one of L1, L2, L3, L4, L5`. Includes the rules
 * JSON schema cannot express (kinds of entity references). Empty when valid.
 *
 * @public
 */
export function collectAgentEntityErrors(entity: unknown): string[] {
  return agentValidation.collectErrors(entity);
}

/**
 * Validates an Agent entity and returns it typed, or throws an `InputError`
 * whose message lists every problem (see {@link collectAgentEntityErrors}),
 * joined with `; `.
 *
 * @public
 */
export function validateAgentEntity(entity: unknown): AgentEntityV1alpha1 {
  return agentValidation.validate(entity);
}

/**
 * Whether an entity claims to be an Agent of the `aiplatform.io` API group,
 * whatever its version; such entities are validated (and an unknown version
 * is reported) rather than ignored.
 *
 * @public
 */
export function isAiPlatformAgentCandidate(entity: Entity): boolean {
  return agentValidation.handles(entity);
}
