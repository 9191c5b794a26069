import {
  AGENT_KIND,
  EndpointCostBasis,
  RightSizingRecommendation,
} from '@ai-platform/plugin-ai-platform-common';
import { EntityCostDetail } from '../cost/EntityCostService';
import { roundTo } from '../cost/selfHostedCost';
import { NO_OWNER } from './catalogEntityFields';
import { FleetEntity } from './types';

/**
 * The cost columns of one fleet row; all `null` when the user may not read
 * the entity's telemetry.
 *
 * @internal
 */
export function fleetRowCost(
  detail: EntityCostDetail | undefined,
  servingMode: FleetEntity['servingMode'],
): Pick<
  FleetEntity,
  | 'servingMode'
  | 'spendMtdUsd'
  | 'costBasis'
  | 'unitCost'
  | 'idleCostUsd'
  | 'utilisationPercent'
  | 'costUnavailableReason'
> {
  if (!detail) {
    return {
      servingMode,
      spendMtdUsd: null,
      costBasis: null,
      unitCost: null,
      idleCostUsd: null,
      utilisationPercent: null,
      costUnavailableReason: null,
    };
  }
  const { cost } = detail;
  return {
    servingMode,
    spendMtdUsd: cost.costUsd,
    costBasis: cost.basis,
    unitCost: cost.unitCost,
    idleCostUsd: cost.gpu?.idleCostUsd ?? null,
    utilisationPercent: cost.gpu?.utilisationPercent?.value ?? null,
    costUnavailableReason: cost.unavailableReason,
  };
}

/**
 * Spend of one owning group this month.
 *
 * @internal
 */
export interface TeamSpend {
  owner: string;
  /** Every endpoint's month-to-date cost: GPU cost when self-hosted, else the gateway's. */
  modelEndpointSpendMtdUsd: number;
  agentSpendMtdUsd: number;
  modelEndpointCount: number;
  agentCount: number;
  /** The part of `modelEndpointSpendMtdUsd` that is GPU cost (measured and estimated). */
  selfHostedGpuSpendMtdUsd: number;
  /** The part of `modelEndpointSpendMtdUsd` estimated from the spec. */
  estimatedSpendMtdUsd: number;
  /** Idle GPU cost of the team's endpoints with a utilisation reading. */
  idleCostMtdUsd: number;
}

/**
 * Spend per owning group of the rows the user may read. A call an agent
 * makes counts for the agent and for its model endpoint, so the two are
 * reported side by side and never added up.
 *
 * @internal
 */
export function spendByTeam(rows: FleetEntity[]): TeamSpend[] {
  const teams = new Map<string, TeamSpend>();
  for (const row of rows) {
    if (!row.telemetryReadable) {
      continue;
    }
    const owner = row.owner ?? NO_OWNER;
    const team = teams.get(owner) ?? {
      owner,
      modelEndpointSpendMtdUsd: 0,
      agentSpendMtdUsd: 0,
      modelEndpointCount: 0,
      agentCount: 0,
      selfHostedGpuSpendMtdUsd: 0,
      estimatedSpendMtdUsd: 0,
      idleCostMtdUsd: 0,
    };
    const spend = row.spendMtdUsd ?? 0;
    if (row.kind === AGENT_KIND) {
      team.agentSpendMtdUsd += spend;
      team.agentCount += 1;
    } else {
      team.modelEndpointSpendMtdUsd += spend;
      team.modelEndpointCount += 1;
      if (isGpuBasis(row.costBasis)) {
        team.selfHostedGpuSpendMtdUsd += spend;
      }
      if (row.costBasis === 'gpu-hours-spec-estimate') {
        team.estimatedSpendMtdUsd += spend;
      }
      team.idleCostMtdUsd += row.idleCostUsd ?? 0;
    }
    teams.set(owner, team);
  }
  return [...teams.values()]
    .map(team => ({
      ...team,
      modelEndpointSpendMtdUsd: roundTo(team.modelEndpointSpendMtdUsd, 4),
      agentSpendMtdUsd: roundTo(team.agentSpendMtdUsd, 4),
      selfHostedGpuSpendMtdUsd: roundTo(team.selfHostedGpuSpendMtdUsd, 4),
      estimatedSpendMtdUsd: roundTo(team.estimatedSpendMtdUsd, 4),
      idleCostMtdUsd: roundTo(team.idleCostMtdUsd, 4),
    }))
    .sort(
      (a, b) =>
        b.modelEndpointSpendMtdUsd +
          b.agentSpendMtdUsd -
          (a.modelEndpointSpendMtdUsd + a.agentSpendMtdUsd) ||
        a.owner.localeCompare(b.owner),
    );
}

function isGpuBasis(basis: EndpointCostBasis | null): boolean {
  return (
    basis === 'gpu-hours-prometheus' || basis === 'gpu-hours-spec-estimate'
  );
}

/**
 * The fleet's GPU cost: totals of the self-hosted endpoints the user may
 * read, how many were measured, estimated or unavailable, and every
 * right-sizing recommendation, largest saving first.
 *
 * @internal
 */
export function fleetGpuCost(
  rows: FleetEntity[],
  costs: Map<string, EntityCostDetail>,
) {
  let totalMtdUsd = 0;
  let idleMtdUsd = 0;
  let measuredEndpointCount = 0;
  let estimatedEndpointCount = 0;
  let unavailableEndpointCount = 0;
  const recommendations: Array<{
    entityRef: string;
    title: string;
    recommendation: RightSizingRecommendation;
  }> = [];
  for (const row of rows) {
    if (!row.telemetryReadable || row.servingMode !== 'self-hosted') {
      continue;
    }
    if (row.costBasis === 'gpu-hours-prometheus') {
      measuredEndpointCount += 1;
    } else if (row.costBasis === 'gpu-hours-spec-estimate') {
      estimatedEndpointCount += 1;
    } else {
      unavailableEndpointCount += 1;
    }
    totalMtdUsd += row.spendMtdUsd ?? 0;
    idleMtdUsd += row.idleCostUsd ?? 0;
    for (const recommendation of costs.get(row.entityRef)?.cost.rightSizing ??
      []) {
      recommendations.push({
        entityRef: row.entityRef,
        title: row.title,
        recommendation,
      });
    }
  }
  return {
    totalMtdUsd: roundTo(totalMtdUsd, 4),
    idleMtdUsd: roundTo(idleMtdUsd, 4),
    measuredEndpointCount,
    estimatedEndpointCount,
    unavailableEndpointCount,
    recommendations: recommendations.sort(
      (a, b) =>
        b.recommendation.monthlySavingUsd - a.recommendation.monthlySavingUsd ||
        a.entityRef.localeCompare(b.entityRef),
    ),
  };
}
