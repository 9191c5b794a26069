import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  RELATION_API_CONSUMED_BY,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AlphaEntity, EntityStatusItem } from '@backstage/catalog-model/alpha';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogService,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  AgentEntityV1alpha1,
  ANNOTATION_TOOLS,
  ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE,
  MODEL_ENDPOINT_KIND,
  RELATION_MODEL_USED_BY,
  RELATION_USES_MODEL,
  compareDataClassification,
  isAgentEntityV1alpha1,
  isAiPlatformAgentCandidate,
  isAiPlatformModelEndpointCandidate,
  isDataClassification,
  isModelEndpointEntityV1alpha1,
  parseToolsAnnotation,
  validateAgentEntity,
  validateModelEndpointEntity,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * Options of {@link AiPlatformEntitiesProcessor}.
 *
 * @public
 */
export interface AiPlatformEntitiesProcessorOptions {
  /** Reads the ModelEndpoint entities an Agent uses, for the data classification check. */
  catalog: CatalogService;
  /** Provides the service credentials for the catalog reads. */
  auth: AuthService;
  /** Logs failed catalog reads (the check is then skipped, not failed). */
  logger?: LoggerService;
}

/**
 * Validates ModelEndpoint and Agent entities (`aiplatform.io/v1alpha1`),
 * emits their relations in pairs, and marks Agents that use a model endpoint
 * classified below their own data classification with a warning status item.
 *
 * @public
 */
export class AiPlatformEntitiesProcessor implements CatalogProcessor {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger?: LoggerService;

  constructor(options: AiPlatformEntitiesProcessorOptions) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
  }

  /** {@inheritDoc @backstage/plugin-catalog-node#CatalogProcessor.getProcessorName} */
  getProcessorName(): string {
    return 'AiPlatformEntitiesProcessor';
  }

  /**
   * Returns false for entities that are not ModelEndpoint or Agent entities
   * of the `aiplatform.io` group. Validates ours and throws an `InputError`
   * listing every problem by field path, which the catalog records as a
   * processing error of that entity only. An API entity's
   * `aiplatform.io/tools` annotation is checked the same way.
   */
  async validateEntityKind(entity: Entity): Promise<boolean> {
    if (isAiPlatformModelEndpointCandidate(entity)) {
      validateModelEndpointEntity(entity);
      return true;
    }
    if (isAiPlatformAgentCandidate(entity)) {
      validateAgentEntity(entity);
      return true;
    }
    // An API serving agent tools: its aiplatform.io/tools annotation must
    // list tool names (the kind itself is validated by the catalog).
    const tools = entity.metadata.annotations?.[ANNOTATION_TOOLS];
    if (
      entity.kind.toLocaleLowerCase('en-US') === 'api' &&
      tools !== undefined
    ) {
      parseToolsAnnotation(tools, stringifyEntityRef(entity));
    }
    return false;
  }

  /**
   * Emits the relations of ModelEndpoint and Agent entities, and for Agents
   * puts the data classification warnings into `status.items`.
   */
  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (isModelEndpointEntityV1alpha1(entity)) {
      const selfRef = getCompoundEntityRef(entity);
      this.#emitCommonRelations(selfRef, entity.spec, emit);
      const serving = entity.spec.serving;
      if (serving.mode === 'self-hosted' && serving.cluster) {
        this.#emitPair(
          emit,
          selfRef,
          RELATION_DEPENDS_ON,
          this.#resolve(serving.cluster, 'Resource', selfRef),
          RELATION_DEPENDENCY_OF,
        );
      }
      return entity;
    }

    if (isAgentEntityV1alpha1(entity)) {
      const selfRef = getCompoundEntityRef(entity);
      this.#emitCommonRelations(selfRef, entity.spec, emit);
      const modelRefs = entity.spec.models.map(ref =>
        this.#resolve(ref, MODEL_ENDPOINT_KIND, selfRef),
      );
      for (const modelRef of modelRefs) {
        this.#emitPair(
          emit,
          selfRef,
          RELATION_USES_MODEL,
          modelRef,
          RELATION_MODEL_USED_BY,
        );
      }
      for (const tool of entity.spec.tools ?? []) {
        this.#emitPair(
          emit,
          selfRef,
          RELATION_CONSUMES_API,
          this.#resolve(tool, 'API', selfRef),
          RELATION_API_CONSUMED_BY,
        );
      }
      const warnings = await this.#findClassificationWarnings(
        entity,
        modelRefs,
      );
      return withPolicyStatus(entity, warnings);
    }

    return entity;
  }

  #emitCommonRelations(
    selfRef: CompoundEntityRef,
    spec: { owner: string; system?: string },
    emit: CatalogProcessorEmit,
  ) {
    this.#emitPair(
      emit,
      selfRef,
      RELATION_OWNED_BY,
      this.#resolve(spec.owner, 'Group', selfRef),
      RELATION_OWNER_OF,
    );
    if (spec.system) {
      this.#emitPair(
        emit,
        selfRef,
        RELATION_PART_OF,
        this.#resolve(spec.system, 'System', selfRef),
        RELATION_HAS_PART,
      );
    }
  }

  #resolve(
    ref: string,
    defaultKind: string,
    selfRef: CompoundEntityRef,
  ): CompoundEntityRef {
    return parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: selfRef.namespace,
    });
  }

  #emitPair(
    emit: CatalogProcessorEmit,
    source: CompoundEntityRef,
    type: string,
    target: CompoundEntityRef,
    reverseType: string,
  ) {
    emit(processingResult.relation({ source, type, target }));
    emit(
      processingResult.relation({
        source: target,
        type: reverseType,
        target: source,
      }),
    );
  }

  /**
   * Reads the model endpoints and returns one message per endpoint classified
   * below the agent. Endpoints not (yet) in the catalog, and failed reads,
   * produce no message.
   */
  async #findClassificationWarnings(
    agent: AgentEntityV1alpha1,
    modelRefs: CompoundEntityRef[],
  ): Promise<string[]> {
    const agentClassification = agent.spec.dataClassification;
    if (!agentClassification) {
      return [];
    }
    const entityRefs = modelRefs.map(ref => stringifyEntityRef(ref));
    let models: Array<Entity | undefined>;
    try {
      const response = await this.#catalog.getEntitiesByRefs(
        {
          entityRefs,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'spec.dataClassification',
          ],
        },
        { credentials: await this.#auth.getOwnServiceCredentials() },
      );
      models = response.items;
    } catch (error) {
      this.#logger?.warn(
        `Could not read the model endpoints of ${stringifyEntityRef(
          agent,
        )} to check their data classification; skipping the check`,
        error instanceof Error ? error : undefined,
      );
      return [];
    }

    const warnings: string[] = [];
    models.forEach((model, index) => {
      if (!model) {
        return;
      }
      const modelClassification = model.spec?.dataClassification;
      if (!isDataClassification(modelClassification)) {
        if (compareDataClassification(agentClassification, 'public') > 0) {
          warnings.push(
            `spec.dataClassification: agent handles ${agentClassification} data but uses model endpoint ${entityRefs[index]}, which declares no dataClassification`,
          );
        }
        return;
      }
      if (
        compareDataClassification(agentClassification, modelClassification) > 0
      ) {
        warnings.push(
          `spec.dataClassification: agent handles ${agentClassification} data but uses model endpoint ${entityRefs[index]} classified ${modelClassification}`,
        );
      }
    });
    return warnings;
  }
}

/**
 * Replaces this processor's status items on the entity with one warning per
 * message; leaves other status items alone.
 */
function withPolicyStatus(
  entity: AlphaEntity,
  warnings: string[],
): AlphaEntity {
  const otherItems = (entity.status?.items ?? []).filter(
    item => item.type !== ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE,
  );
  const items: EntityStatusItem[] = [
    ...otherItems,
    ...warnings.map(message => ({
      type: ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE,
      level: 'warning' as const,
      message,
    })),
  ];
  if (!items.length) {
    if (!entity.status) {
      return entity;
    }
    const { status: _status, ...rest } = entity;
    return rest;
  }
  return { ...entity, status: { ...entity.status, items } };
}
