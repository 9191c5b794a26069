import {
  type AiPlatformConfig,
  compareDataClassification,
  type DataClassification,
  isDataClassification,
  MODEL_ENDPOINT_KIND,
  type ModelEndpointType,
  type ServingMode,
  type UnitCost,
} from '@ai-platform/plugin-ai-platform-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EntityCostService, servingModeOf } from '../cost/EntityCostService';
import {
  asPositiveNumber,
  asRecord,
  asString,
  entityRefOf,
  ownerOf,
} from '../fleet/catalogEntityFields';
import { fleetRowCost } from '../fleet/fleetCost';
import { ScorecardResultStore } from '../scorecards/types';

/**
 * The filters of `list-model-endpoints`; every given filter must match.
 *
 * @internal
 */
export interface ModelEndpointFilters {
  type?: ModelEndpointType;
  /** The endpoint may process data of this classification. */
  mayProcess?: DataClassification;
  /** The measured TTFT p95 (latest scorecard, last 24 h) is at most this. */
  maxTtftP95Ms?: number;
  servingMode?: ServingMode;
  /** Normalized group ref: endpoints owned by exactly this group. */
  owner?: string;
  /** Only endpoints in production whose model is approved (see {@link approvalOf}). */
  approvedOnly?: boolean;
}

/**
 * One ModelEndpoint as `list-model-endpoints` answers it.
 *
 * @internal
 */
export interface ModelEndpointListItem {
  name: string;
  title: string;
  entityRef: string;
  type: string | null;
  lifecycle: string | null;
  owner: string | null;
  servingMode: ServingMode | null;
  model: string | null;
  gatewayAlias: string | null;
  dataClassification: DataClassification | null;
  approved: boolean;
  approval: string;
  slo: { ttftP95Ms: number | null; errorRatePercent: number | null };
  telemetryReadable: boolean;
  ttftP95Ms: number | null;
  ttftStatus: string | null;
  ttftMeasuredAt: string | null;
  level: string | null;
  unitCost: Pick<
    UnitCost,
    'perMillionOutputTokensUsd' | 'perThousandRequestsUsd' | 'basis'
  > | null;
  spendMtdUsd: number | null;
}

/**
 * The answer of `list-model-endpoints`.
 *
 * @internal
 */
export interface ModelEndpointList {
  items: ModelEndpointListItem[];
  excluded: Array<{ entityRef: string; reason: string }>;
  notes: string[];
}

/** Endpoints left out by a filter that the answer names, with the reason. */
const MAX_EXCLUDED_LISTED = 50;

/** The platform's approved-model and cluster lists a decision reads. */
type Planning = AiPlatformConfig['planning'];

function modelNameOf(entity: Entity): string | undefined {
  return asString(asRecord(asRecord(entity.spec).model).name);
}

function clusterNameOf(entity: Entity): string | undefined {
  const cluster = asString(asRecord(asRecord(entity.spec).serving).cluster);
  if (!cluster) {
    return undefined;
  }
  try {
    return parseEntityRef(cluster, { defaultKind: 'resource' }).name;
  } catch {
    return undefined;
  }
}

/**
 * Whether the endpoint may process data of `requested`: its declared
 * `spec.dataClassification` covers it (an endpoint that declares none, only
 * public data, as the catalog's agent policy reads it), and when self-hosted,
 * the platform's approval of its model and its cluster's allowed
 * classifications do too (the golden path's classification rules).
 *
 * @internal
 */
export function mayProcessReason(
  entity: Entity,
  requested: DataClassification,
  planning: Planning,
): string | undefined {
  const declared = asRecord(entity.spec).dataClassification;
  const declaredClassification = isDataClassification(declared)
    ? declared
    : 'public';
  if (compareDataClassification(requested, declaredClassification) > 0) {
    return isDataClassification(declared)
      ? `declared for ${declared} data at most, not ${requested}`
      : `declares no dataClassification, so it may process public data only, not ${requested}`;
  }
  if (servingModeOf(entity) !== 'self-hosted') {
    return undefined;
  }
  const modelName = modelNameOf(entity);
  const model = planning.models.find(m => m.name === modelName);
  if (
    model &&
    compareDataClassification(requested, model.maxDataClassification) > 0
  ) {
    return `its model ${model.name} is approved only up to ${model.maxDataClassification} data, not ${requested}`;
  }
  const clusterName = clusterNameOf(entity);
  const cluster = planning.clusters.find(c => c.name === clusterName);
  if (cluster && !cluster.allowedDataClassifications.includes(requested)) {
    return `its cluster ${cluster.name} may not process ${requested} data`;
  }
  return undefined;
}

/**
 * Whether an endpoint is approved for use: in `production`, and when
 * self-hosted, serving a model on the platform's approved list
 * (`aiPlatform.models`).
 *
 * @internal
 */
export function approvalOf(
  entity: Entity,
  planning: Planning,
): { approved: boolean; approval: string } {
  const lifecycle = asString(asRecord(entity.spec).lifecycle);
  if (lifecycle !== 'production') {
    return {
      approved: false,
      approval: `lifecycle is ${lifecycle ?? 'not set'}, not production`,
    };
  }
  if (servingModeOf(entity) === 'self-hosted') {
    const modelName = modelNameOf(entity);
    if (!planning.models.some(m => m.name === modelName)) {
      return {
        approved: false,
        approval: `its model ${
          modelName ?? '(none)'
        } is not on the platform's approved model list`,
      };
    }
    return {
      approved: true,
      approval: `production, model ${modelName} approved for self-hosting`,
    };
  }
  return { approved: true, approval: 'production, managed by its provider' };
}

/**
 * Lists the ModelEndpoints of the catalog the caller may see, with their
 * gateway alias, SLO, measured TTFT p95, scorecard level and unit cost;
 * numbers only for endpoints whose telemetry the caller may read
 * (`ai-platform.telemetry.read`, one batch decision).
 *
 * @internal
 */
export class ModelEndpointListService {
  constructor(
    private readonly options: {
      access: TelemetryReadAccess;
      catalog: CatalogService;
      resultStore: ScorecardResultStore;
      costService: EntityCostService;
      platform: AiPlatformConfig;
      now?: () => Date;
    },
  ) {}

  async list(
    filters: ModelEndpointFilters,
    credentials: BackstageCredentials,
  ): Promise<ModelEndpointList> {
    const { catalog, access, resultStore, costService, platform } =
      this.options;
    const planning = platform.planning;
    const { items } = await catalog.getEntities(
      {
        filter: { kind: MODEL_ENDPOINT_KIND },
        fields: ['kind', 'metadata', 'spec', 'relations'],
      },
      { credentials },
    );
    const excluded: ModelEndpointList['excluded'] = [];
    // The spec filters first: no telemetry is read for what they drop.
    const candidates = items.filter(entity => {
      const spec = asRecord(entity.spec);
      if (entity.kind !== MODEL_ENDPOINT_KIND) {
        return false;
      }
      if (filters.type && spec.type !== filters.type) {
        return false;
      }
      if (
        filters.servingMode &&
        servingModeOf(entity) !== filters.servingMode
      ) {
        return false;
      }
      if (filters.owner && ownerOf(entity) !== filters.owner) {
        return false;
      }
      if (filters.approvedOnly && !approvalOf(entity, planning).approved) {
        excluded.push({
          entityRef: entityRefOf(entity),
          reason: `not approved: ${approvalOf(entity, planning).approval}`,
        });
        return false;
      }
      const reason = filters.mayProcess
        ? mayProcessReason(entity, filters.mayProcess, planning)
        : undefined;
      if (reason) {
        excluded.push({ entityRef: entityRefOf(entity), reason });
        return false;
      }
      return true;
    });

    const refs = candidates.map(entityRefOf);
    const readable = new Set(
      await access.filterReadable(refs, ref => ref, credentials),
    );
    const readableEntities = candidates.filter(entity =>
      readable.has(entityRefOf(entity)),
    );
    const [latest, costs] = await Promise.all([
      resultStore.getLatestEvaluations([...readable]),
      costService.costOf(readableEntities, {
        now: this.options.now?.() ?? new Date(),
      }),
    ]);

    const listed: ModelEndpointListItem[] = [];
    for (const entity of candidates) {
      const entityRef = entityRefOf(entity);
      const spec = asRecord(entity.spec);
      const telemetryReadable = readable.has(entityRef);
      const evaluation = latest.get(entityRef);
      const ttft = evaluation?.checks.find(c => c.checkId === 'ttft-p95');
      const cost = fleetRowCost(
        telemetryReadable ? costs.get(entityRef) : undefined,
        servingModeOf(entity),
      );
      const item: ModelEndpointListItem = {
        name: entity.metadata.name,
        title: entity.metadata.title ?? entity.metadata.name,
        entityRef,
        type: asString(spec.type) ?? null,
        lifecycle: asString(spec.lifecycle) ?? null,
        owner: ownerOf(entity),
        servingMode: cost.servingMode,
        model: modelNameOf(entity) ?? null,
        gatewayAlias: asString(asRecord(spec.gateway).model) ?? null,
        dataClassification: isDataClassification(spec.dataClassification)
          ? spec.dataClassification
          : null,
        ...approvalOf(entity, planning),
        slo: {
          ttftP95Ms: asPositiveNumber(asRecord(spec.slo).ttftP95Ms) ?? null,
          errorRatePercent:
            asPositiveNumber(asRecord(spec.slo).errorRatePercent) ?? null,
        },
        telemetryReadable,
        ttftP95Ms: ttft?.value ?? null,
        ttftStatus: ttft?.status ?? null,
        ttftMeasuredAt: evaluation?.evaluatedAt.toISOString() ?? null,
        level: evaluation?.level ?? null,
        unitCost: cost.unitCost
          ? {
              perMillionOutputTokensUsd:
                cost.unitCost.perMillionOutputTokensUsd,
              perThousandRequestsUsd: cost.unitCost.perThousandRequestsUsd,
              basis: cost.unitCost.basis,
            }
          : null,
        spendMtdUsd: cost.spendMtdUsd,
      };
      if (filters.maxTtftP95Ms !== undefined) {
        const reason = ttftExclusion(item, filters.maxTtftP95Ms);
        if (reason) {
          excluded.push({ entityRef, reason });
          continue;
        }
      }
      listed.push(item);
    }
    listed.sort((a, b) => a.entityRef.localeCompare(b.entityRef));

    const notes: string[] = [];
    const hidden = candidates.length - readable.size;
    if (hidden > 0) {
      notes.push(
        `${hidden} endpoint(s) show no numbers (TTFT, level, cost): you lack the permission ai-platform.telemetry.read on them (telemetryReadable: false).`,
      );
    }
    if (excluded.length > MAX_EXCLUDED_LISTED) {
      notes.push(
        `${
          excluded.length - MAX_EXCLUDED_LISTED
        } more endpoint(s) did not match the filters and are not listed in "excluded".`,
      );
    }
    notes.push(
      'ttftP95Ms is the measured time to first token, 95th percentile, over the last 24 h from the latest scorecard evaluation; slo.ttftP95Ms is the target the owner set.',
    );
    return {
      items: listed,
      excluded: excluded.slice(0, MAX_EXCLUDED_LISTED),
      notes,
    };
  }
}

function ttftExclusion(
  item: ModelEndpointListItem,
  maxTtftP95Ms: number,
): string | undefined {
  if (!item.telemetryReadable) {
    return 'no permission to read its telemetry (ai-platform.telemetry.read), so its TTFT cannot be compared';
  }
  if (item.ttftP95Ms === null) {
    return `no TTFT p95 measured in the last 24 h${
      item.slo.ttftP95Ms !== null
        ? ` (its SLO is ${item.slo.ttftP95Ms} ms)`
        : ''
    }`;
  }
  if (item.ttftP95Ms > maxTtftP95Ms) {
    return `measured TTFT p95 ${item.ttftP95Ms} ms is above ${maxTtftP95Ms} ms`;
  }
  return undefined;
}
