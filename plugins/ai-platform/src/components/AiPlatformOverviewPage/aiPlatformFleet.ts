import {
  CompoundEntityRef,
  Entity,
  RELATION_OWNED_BY,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  AUTONOMY_LEVELS,
  AutonomyLevel,
} from '@ai-platform/plugin-ai-platform-common';
import { FleetEntitySummary } from '../../api';

/** Whether a value is one of the known autonomy levels. */
export function isAutonomyLevel(value: unknown): value is AutonomyLevel {
  return (
    typeof value === 'string' &&
    (AUTONOMY_LEVELS as readonly string[]).includes(value)
  );
}

/** One ModelEndpoint entity, flattened for the overview table. */
export interface ModelEndpointRow {
  /** A stable key for the row: the stringified entity ref. */
  id: string;
  entity: Entity;
  ownerRefs: CompoundEntityRef[];
  type?: string;
  servingMode?: string;
  /** The runtime of a self-hosted endpoint (vllm, kserve, ...). */
  runtime?: string;
  /** The provider of a managed endpoint (openai, anthropic, ...). */
  provider?: string;
  gpuProfile?: string;
  /** The alias clients send through the LLM gateway. */
  gatewayModel?: string;
  dataClassification?: string;
  lifecycle?: string;
}

/** One Agent entity, flattened for the overview table. */
export interface AgentRow {
  /** A stable key for the row: the stringified entity ref. */
  id: string;
  entity: Entity;
  ownerRefs: CompoundEntityRef[];
  audience?: string;
  /** The declared autonomy level, as written in the entity (may be unknown). */
  autonomyLevel?: string;
  riskTier?: string;
  /** How many ModelEndpoints the agent declares in `spec.models`. */
  modelCount: number;
  lifecycle?: string;
}

/** Counts shown in the summary tiles. */
export interface FleetSummary {
  modelEndpointCount: number;
  selfHostedEndpointCount: number;
  managedEndpointCount: number;
  agentCount: number;
  agentCountByAutonomyLevel: Record<AutonomyLevel, number>;
  /** Agents without an autonomy level, or with one that is not L1 to L5. */
  agentsWithoutAutonomyLevelCount: number;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The owners of an entity: the `ownedBy` relations the catalog computed, or,
 * before the entity has been processed, its `spec.owner` (default kind Group).
 */
export function readOwnerRefs(entity: Entity): CompoundEntityRef[] {
  const fromRelations = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => parseEntityRef(relation.targetRef));
  if (fromRelations.length > 0) {
    return fromRelations;
  }
  const owner = asString(asRecord(entity.spec).owner);
  if (!owner) {
    return [];
  }
  try {
    return [
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ];
  } catch {
    // A malformed owner is reported by the catalog processor; show no owner here.
    return [];
  }
}

/**
 * Flattens a ModelEndpoint entity, tolerating missing or malformed fields:
 * the page shows whatever the catalog holds, including entities that the
 * processor flagged, so it reads `spec` defensively rather than trusting
 * `ModelEndpointEntityV1alpha1`.
 */
export function toModelEndpointRow(entity: Entity): ModelEndpointRow {
  const spec = asRecord(entity.spec);
  const serving = asRecord(spec.serving);
  const gateway = asRecord(spec.gateway);
  return {
    id: stringifyEntityRef(entity),
    entity,
    ownerRefs: readOwnerRefs(entity),
    type: asString(spec.type),
    servingMode: asString(serving.mode),
    runtime: asString(serving.runtime),
    provider: asString(serving.provider),
    gpuProfile: asString(serving.gpuProfile),
    gatewayModel: asString(gateway.model),
    dataClassification: asString(spec.dataClassification),
    lifecycle: asString(spec.lifecycle),
  };
}

/** Flattens an Agent entity, tolerating missing or malformed fields. */
export function toAgentRow(entity: Entity): AgentRow {
  const spec = asRecord(entity.spec);
  return {
    id: stringifyEntityRef(entity),
    entity,
    ownerRefs: readOwnerRefs(entity),
    audience: asString(spec.audience),
    autonomyLevel: asString(spec.autonomyLevel),
    riskTier: asString(spec.riskTier),
    modelCount: Array.isArray(spec.models) ? spec.models.length : 0,
    lifecycle: asString(spec.lifecycle),
  };
}

/** Counts endpoints by serving mode and agents by autonomy level. */
export function summarizeFleet(
  modelEndpoints: ModelEndpointRow[],
  agents: AgentRow[],
): FleetSummary {
  const agentCountByAutonomyLevel = Object.fromEntries(
    AUTONOMY_LEVELS.map(level => [level, 0]),
  ) as Record<AutonomyLevel, number>;
  let agentsWithoutAutonomyLevelCount = 0;
  for (const agent of agents) {
    if (isAutonomyLevel(agent.autonomyLevel)) {
      agentCountByAutonomyLevel[agent.autonomyLevel] += 1;
    } else {
      agentsWithoutAutonomyLevelCount += 1;
    }
  }
  return {
    modelEndpointCount: modelEndpoints.length,
    selfHostedEndpointCount: modelEndpoints.filter(
      endpoint => endpoint.servingMode === 'self-hosted',
    ).length,
    managedEndpointCount: modelEndpoints.filter(
      endpoint => endpoint.servingMode === 'managed',
    ).length,
    agentCount: agents.length,
    agentCountByAutonomyLevel,
    agentsWithoutAutonomyLevelCount,
  };
}

/** The owner key the backend uses for entities without an owner. */
export const NO_OWNER = 'unowned';

/**
 * Scorecard and telemetry numbers of a table row, from `GET /fleet/summary`;
 * `fleet` is absent while it loads or when it failed.
 */
export interface FleetNumbers {
  fleet?: FleetEntitySummary;
  level: string | null;
  spendMtdUsd: number | null;
  /** Cost per million output tokens (GPU or gateway cost), for sorting. */
  unitCostPerMillionOutputTokensUsd: number | null;
  ttftP95Ms: number | null;
  evalScore: number | null;
}

/** Adds the fleet summary's numbers to table rows, matched by entity ref. */
export function withFleetNumbers<T extends { id: string }>(
  rows: T[],
  fleet: FleetEntitySummary[] | undefined,
): Array<T & FleetNumbers> {
  const byRef = new Map(
    (fleet ?? []).map(item => [
      item.entityRef.toLocaleLowerCase('en-US'),
      item,
    ]),
  );
  return rows.map(row => {
    const item = byRef.get(row.id.toLocaleLowerCase('en-US'));
    return {
      ...row,
      fleet: item,
      level: item?.level ?? null,
      spendMtdUsd: item?.spendMtdUsd ?? null,
      unitCostPerMillionOutputTokensUsd:
        item?.unitCost?.perMillionOutputTokensUsd ?? null,
      ttftP95Ms: item?.ttftP95Ms ?? null,
      evalScore: item?.evalScore ?? null,
    };
  });
}
