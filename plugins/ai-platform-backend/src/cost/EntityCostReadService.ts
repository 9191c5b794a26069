import {
  AGENT_KIND,
  EntityCostResponse,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { asRecord, asString, entityRefOf } from '../fleet/catalogEntityFields';
import { EntityCostService } from './EntityCostService';
import { utcMonthOf } from './specEstimate';

/**
 * Answers `GET /cost/by-entity/...`: one entity's month-to-date cost and, for
 * a ModelEndpoint, the unit cost of the other endpoints of the same `type`
 * the user may read (managed first), to compare.
 *
 * @internal
 */
export class EntityCostReadService {
  constructor(
    private readonly options: {
      access: TelemetryReadAccess;
      catalog: CatalogService;
      costService: EntityCostService;
      now?: () => Date;
    },
  ) {}

  /**
   * The caller has checked `ai-platform.telemetry.read` on `entityRef`.
   *
   * @throws NotFoundError when the catalog has no such entity for the user
   * @throws InputError when it is neither a ModelEndpoint nor an Agent
   */
  async getEntityCost(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityCostResponse> {
    const { catalog, access, costService } = this.options;
    const now = this.options.now?.() ?? new Date();
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    if (![MODEL_ENDPOINT_KIND, AGENT_KIND].includes(entity.kind)) {
      throw new InputError(
        `Cost is computed for ModelEndpoint and Agent entities; ${entityRef} is a ${entity.kind}`,
      );
    }
    const type = asString(asRecord(entity.spec).type);
    let others: Entity[] = [];
    if (entity.kind === MODEL_ENDPOINT_KIND && type) {
      const { items } = await catalog.getEntities(
        {
          filter: { kind: MODEL_ENDPOINT_KIND, 'spec.type': type },
          fields: ['kind', 'metadata', 'spec', 'relations'],
        },
        { credentials },
      );
      others = await access.filterReadable(
        items.filter(
          item =>
            item.kind === MODEL_ENDPOINT_KIND &&
            asRecord(item.spec).type === type &&
            entityRefOf(item) !== entityRef,
        ),
        entityRefOf,
        credentials,
      );
    }
    // One batch: the entity and everything it is compared with.
    const costs = await costService.costOf([entity, ...others], { now });
    const cost = costs.get(entityRef) ?? costs.get(entityRefOf(entity))!;
    const comparisons = others
      .flatMap(other => {
        const detail = costs.get(entityRefOf(other));
        if (!detail?.cost.unitCost) {
          return [];
        }
        return [
          {
            entityRef: detail.cost.entityRef,
            title: detail.cost.title,
            servingMode: detail.cost.servingMode,
            model: asString(asRecord(asRecord(other.spec).model).name) ?? null,
            unitCost: detail.cost.unitCost,
          },
        ];
      })
      .sort(
        (a, b) =>
          Number(b.servingMode === 'managed') -
            Number(a.servingMode === 'managed') ||
          a.title.localeCompare(b.title),
      );
    return {
      cost: cost.cost,
      comparisons,
      window: {
        from: utcMonthOf(now).start.toISOString(),
        to: now.toISOString(),
      },
    };
  }
}
