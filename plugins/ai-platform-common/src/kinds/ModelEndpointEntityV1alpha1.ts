import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import {
  AI_PLATFORM_API_VERSION,
  DataClassification,
  ManagedModelProvider,
  MODEL_ENDPOINT_KIND,
  ModelEndpointType,
  ServingRuntime,
} from '../constants';
import schema from './ModelEndpoint.v1alpha1.schema.json';
import {
  checkReferencedKind,
  createKindEntityValidation,
} from './kindSchemaValidation';

/**
 * Service level objectives checked by the scorecards.
 *
 * @public
 */
export type AiServiceLevelObjectives = {
  /** The 95th percentile time to first token, in milliseconds. */
  ttftP95Ms?: number;
  /** The highest acceptable share of failed requests, in percent (0 to 100). */
  errorRatePercent?: number;
};

/**
 * A spending budget.
 *
 * @public
 */
export type AiBudget = {
  /** The monthly budget, in US dollars. */
  monthlyUsd?: number;
};

/**
 * The serving of a self-hosted ModelEndpoint.
 *
 * @public
 */
export type SelfHostedModelServing = {
  mode: 'self-hosted';
  /** The serving runtime. */
  runtime: ServingRuntime;
  /** The cluster, as an entity reference (default kind Resource). */
  cluster?: string;
  /** The Kubernetes namespace. */
  namespace?: string;
  /** The platform GPU profile. */
  gpuProfile?: string;
  /** The autoscaling bounds; `min` never exceeds `max`. */
  replicas?: { min?: number; max?: number };
};

/**
 * The serving of a ModelEndpoint managed by a provider.
 *
 * @public
 */
export type ManagedModelServing = {
  mode: 'managed';
  /** The provider. */
  provider: ManagedModelProvider;
};

/**
 * An addressable inference endpoint: a self-hosted model server or a managed
 * model at a provider.
 *
 * @public
 */
export interface ModelEndpointEntityV1alpha1 extends Entity {
  apiVersion: typeof AI_PLATFORM_API_VERSION;
  kind: typeof MODEL_ENDPOINT_KIND;
  spec: {
    type: ModelEndpointType;
    lifecycle: string;
    /** Entity reference to the owner (default kind Group). */
    owner: string;
    /** Entity reference to the system (default kind System). */
    system?: string;
    model: {
      /** The model's name, e.g. `meta-llama/Llama-3.1-8B-Instruct`. */
      name: string;
      /** The model version or revision. */
      version?: string;
      /** The number of parameters, in billions. */
      parametersBillions?: number;
      /** The licence identifier. */
      license?: string;
    };
    serving: SelfHostedModelServing | ManagedModelServing;
    gateway?: {
      /** The model alias clients send through the gateway (telemetry join key). */
      model?: string;
    };
    slo?: AiServiceLevelObjectives;
    budget?: AiBudget;
    pricing?: {
      inputPerMillionTokensUsd?: number;
      outputPerMillionTokensUsd?: number;
      gpuHourUsd?: number;
    };
    dataClassification?: DataClassification;
  };
}

/**
 * The JSON schema of the ModelEndpoint kind (draft-07, `$id`
 * `ModelEndpointV1alpha1`).
 *
 * @public
 */
export const modelEndpointEntityV1alpha1Schema = schema;

const modelEndpointValidation =
  createKindEntityValidation<ModelEndpointEntityV1alpha1>({
    kind: MODEL_ENDPOINT_KIND,
    schema,
    rules: [
      entity => {
        const replicas =
          entity.spec.serving.mode === 'self-hosted'
            ? entity.spec.serving.replicas
            : undefined;
        if (
          replicas?.min !== undefined &&
          replicas?.max !== undefined &&
          replicas.min > replicas.max
        ) {
          return [
            `spec.serving.replicas: min (${replicas.min}) must not be greater than max (${replicas.max})`,
          ];
        }
        return [];
      },
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
          entity.spec.serving.mode === 'self-hosted' &&
            entity.spec.serving.cluster &&
            checkReferencedKind(
              'spec.serving.cluster',
              entity.spec.serving.cluster,
              'Resource',
              ['Resource'],
            ),
        ].filter((m): m is string => typeof m === 'string'),
    ],
  });

/**
 * Validates a ModelEndpoint entity with catalog-model's schema machinery.
 * Returns the entity when valid, `false` for another kind or apiVersion, and
 * throws a TypeError with the first problem otherwise. Prefer
 * {@link validateModelEndpointEntity}, which lists every problem by field path.
 *
 * @public
 */
export const modelEndpointEntityV1alpha1Validator =
  entityKindSchemaValidator<ModelEndpointEntityV1alpha1>(schema);

/**
 * Whether an entity is a ModelEndpoint of apiVersion `aiplatform.io/v1alpha1`.
 *
 * @public
 */
export function isModelEndpointEntityV1alpha1(
  entity: Entity,
): entity is ModelEndpointEntityV1alpha1 {
  return (
    entity.apiVersion === AI_PLATFORM_API_VERSION &&
    entity.kind === MODEL_ENDPOINT_KIND
  );
}

/**
 * Every problem with a ModelEndpoint entity, each as
 * `<dotted.path>: <what was expected>`, e.g. `spec.model.name: is required`.
 * Includes the rules JSON schema cannot express (replicas.min \<= replicas.max,
 * kinds of entity references). Empty when the entity is valid.
 *
 * @public
 */
export function collectModelEndpointEntityErrors(entity: unknown): string[] {
  return modelEndpointValidation.collectErrors(entity);
}

/**
 * Validates a ModelEndpoint entity and returns it typed, or throws an
 * `InputError` whose message lists every problem (see
 * {@link collectModelEndpointEntityErrors}), joined with `; `.
 *
 * @public
 */
export function validateModelEndpointEntity(
  entity: unknown,
): ModelEndpointEntityV1alpha1 {
  return modelEndpointValidation.validate(entity);
}

/**
 * Whether an entity claims to be a ModelEndpoint of the `aiplatform.io` API
 * group, whatever its version; such entities are validated (and an unknown
 * version is reported) rather than ignored.
 *
 * @public
 */
export function isAiPlatformModelEndpointCandidate(entity: Entity): boolean {
  return modelEndpointValidation.handles(entity);
}
