import {
  DATA_CLASSIFICATIONS,
  ENDPOINT_PLAN_RUNTIMES,
  type AiPlatformConfig,
  type PlanningOptions as WirePlanningOptions,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * The platform choices a self-hosted endpoint form offers (`GET /planning/options`): no
 * credentials, no node selectors, no team budgets. The wire type, defined in the common
 * package.
 *
 * @internal
 */
export type PlanningOptions = WirePlanningOptions;

/**
 * The options the form offers, from the platform config.
 *
 * @internal
 */
export function planningOptionsOf(platform: AiPlatformConfig): PlanningOptions {
  const { planning } = platform;
  return {
    gpuMemoryUtilization: planning.gpuMemoryUtilization,
    hoursPerMonth: planning.hoursPerMonth,
    models: planning.models.map(m => ({
      name: m.name,
      type: m.type ?? 'chat',
      parametersBillions: m.parametersBillions,
      license: m.license,
      defaultContextTokens: m.defaultContextTokens,
      maxContextTokens: m.maxContextTokens,
      maxDataClassification: m.maxDataClassification,
    })),
    gpuProfiles: planning.gpuProfiles.map(p => ({
      id: p.id,
      ...(p.title ? { title: p.title } : {}),
      resourceName: p.resourceName,
      usableMemoryGiB: p.usableMemoryGiB,
      gpusPerReplica: p.gpusPerReplica ?? 1,
      hourlyCostUsd: p.hourlyCostUsd,
    })),
    clusters: planning.clusters.map(c => ({
      name: c.name,
      region: c.region,
      gpuProfiles: c.gpuProfiles,
      allowedDataClassifications: c.allowedDataClassifications,
    })),
    runtimes: [...ENDPOINT_PLAN_RUNTIMES],
    dataClassifications: [...DATA_CLASSIFICATIONS],
  };
}
