import { formatUsd, roundUsd } from './costEstimate';
import { fail, pass } from './planDecisions';
import type {
  EndpointCostEstimate,
  EndpointPlan,
  EndpointPlanningConfig,
  ExistingEndpointAllocation,
  GpuProfile,
  PlanDecision,
  PlatformTeam,
} from './types';

/**
 * The GPUs one replica uses: the requested tensor-parallel size, else the profile's
 * gpusPerReplica, else 1.
 *
 * @public
 */
export function resolveGpusPerReplica(
  profile: GpuProfile | undefined,
  tensorParallelSize?: number,
): number {
  return tensorParallelSize ?? profile?.gpusPerReplica ?? 1;
}

/**
 * The gpu-quota and monthly-budget rules of a plan for a known team: its GPUs on the
 * profile and its committed monthly spend (both from its existing endpoints at max
 * replicas) plus this endpoint, against the team's quota and budget under aiPlatform.teams.
 */
export function checkTeamQuotaAndBudget(input: {
  team: PlatformTeam;
  gpuProfile: GpuProfile;
  cost: EndpointCostEstimate;
  maxReplicas: number;
  gpusPerReplica: number;
  config: EndpointPlanningConfig;
  existingAllocations: ExistingEndpointAllocation[];
}): {
  quota: NonNullable<EndpointPlan['quota']>;
  budget: NonNullable<EndpointPlan['budget']>;
  decisions: PlanDecision[];
} {
  const {
    team,
    gpuProfile,
    cost,
    maxReplicas,
    gpusPerReplica,
    config,
    existingAllocations,
  } = input;
  const decisions: PlanDecision[] = [];
  const existingGpus = existingAllocations
    .filter(a => a.gpuProfile === gpuProfile.id)
    .reduce(
      (sum, a) =>
        sum +
        a.maxReplicas * resolveGpusPerReplica(gpuProfile, a.gpusPerReplica),
      0,
    );
  const quotaGpus = team.gpuQuota[gpuProfile.id] ?? 0;
  const requestedGpus = maxReplicas * gpusPerReplica;
  const quota = {
    gpuProfile: gpuProfile.id,
    quotaGpus,
    existingGpus,
    requestedGpus,
  };
  const total = existingGpus + requestedGpus;
  const detail = `${team.group} holds ${existingGpus} ${gpuProfile.resourceName} on ${gpuProfile.id} at max replicas; this endpoint adds ${requestedGpus} (${maxReplicas} replicas × ${gpusPerReplica})`;
  decisions.push(
    total <= quotaGpus
      ? pass('gpu-quota', `${detail}: ${total} of ${quotaGpus} quota`)
      : fail(
          'gpu-quota',
          `${detail}: ${total} exceeds the quota of ${quotaGpus}${
            quotaGpus === 0
              ? ` (no quota for ${gpuProfile.id} under aiPlatform.teams)`
              : ''
          }`,
        ),
  );

  const existingMonthlyUsd = roundUsd(
    existingAllocations.reduce((sum, a) => {
      const profile = config.gpuProfiles.find(p => p.id === a.gpuProfile);
      const gpuHourUsd = a.gpuHourUsd ?? profile?.hourlyCostUsd ?? 0;
      return (
        sum +
        gpuHourUsd *
          resolveGpusPerReplica(profile, a.gpusPerReplica) *
          a.maxReplicas *
          config.hoursPerMonth
      );
    }, 0),
  );
  const remainingMonthlyUsd = roundUsd(
    team.monthlyBudgetUsd - existingMonthlyUsd,
  );
  const budget = {
    monthlyBudgetUsd: team.monthlyBudgetUsd,
    existingMonthlyUsd,
    remainingMonthlyUsd,
    requestedMonthlyUsd: cost.monthlyMaxUsd,
  };
  const budgetDetail = `this endpoint costs up to ${formatUsd(
    cost.monthlyMaxUsd,
  )}/month at ${maxReplicas} replicas; ${team.group} has ${formatUsd(
    remainingMonthlyUsd,
  )} left of its ${formatUsd(
    team.monthlyBudgetUsd,
  )} monthly budget (existing self-hosted endpoints: ${formatUsd(
    existingMonthlyUsd,
  )})`;
  decisions.push(
    cost.monthlyMaxUsd <= remainingMonthlyUsd
      ? pass('monthly-budget', budgetDetail)
      : fail('monthly-budget', budgetDetail),
  );
  return { quota, budget, decisions };
}
