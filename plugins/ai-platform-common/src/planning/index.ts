export { computeMemoryFit, formatGiB, type MemoryFitInput } from './memoryFit';
export {
  estimateEndpointCost,
  formatUsd,
  HOURS_PER_MONTH,
  roundUsd,
} from './costEstimate';
export {
  describeFailedDecisions,
  isDns1123Label,
  isMigResourceName,
  normalizeGroupRef,
  planEndpoint,
  resolveGpusPerReplica,
} from './planEndpoint';
export { readAiPlatformConfig } from './platformConfig';
export { ENDPOINT_REQUEST_LIMITS } from './requestLimits';
export { collectTeamAllocations } from './teamAllocations';
export type {
  AiPlatformClusterApiServerConfig,
  AiPlatformConfig,
  AiPlatformServingConfig,
  ReadAiPlatformConfigOptions,
} from './platformConfig';
export { ENDPOINT_PLAN_RUNTIMES } from './types';
export type {
  ApprovedModel,
  EndpointCostEstimate,
  EndpointPlan,
  EndpointPlanningConfig,
  EndpointPlanRuntime,
  EndpointRequest,
  ExistingEndpointAllocation,
  GpuProfile,
  GpuToleration,
  MemoryFit,
  PlanDecision,
  PlatformCluster,
  PlatformPolicy,
  PlatformTeam,
} from './types';
