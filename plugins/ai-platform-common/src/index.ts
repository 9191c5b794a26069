/**
 * Isomorphic parts of the AI platform plugins: the ModelEndpoint and Agent
 * catalog kinds (types, JSON schemas, validators), relation and annotation
 * constants, permissions, and the formatters of amounts, counts and
 * durations that pages and messages share.
 *
 * @packageDocumentation
 */

export {
  AGENT_AUDIENCES,
  AGENT_KIND,
  AGENT_RISK_TIERS,
  AI_PLATFORM_API_GROUP,
  AI_PLATFORM_API_VERSION,
  ANNOTATION_ENDPOINT_REQUEST,
  ANNOTATION_GATEWAY_AGENT_ID,
  ANNOTATION_GATEWAY_MODEL,
  ANNOTATION_GOLDEN_PATH,
  AUTONOMY_LEVELS,
  AUTONOMY_LEVEL_DESCRIPTIONS,
  DATA_CLASSIFICATIONS,
  ENTITY_STATUS_AI_PLATFORM_POLICY_TYPE,
  MANAGED_MODEL_PROVIDERS,
  MODEL_ENDPOINT_KIND,
  MODEL_ENDPOINT_TYPES,
  RELATION_MODEL_USED_BY,
  RELATION_USES_MODEL,
  SERVING_MODES,
  SERVING_RUNTIMES,
  compareDataClassification,
  isDataClassification,
} from './constants';
export type {
  AgentAudience,
  AgentRiskTier,
  AutonomyLevel,
  DataClassification,
  ManagedModelProvider,
  ModelEndpointType,
  ServingMode,
  ServingRuntime,
} from './constants';
export {
  agentEntityV1alpha1Schema,
  agentEntityV1alpha1Validator,
  collectAgentEntityErrors,
  collectModelEndpointEntityErrors,
  isAgentEntityV1alpha1,
  isAiPlatformAgentCandidate,
  isAiPlatformModelEndpointCandidate,
  isModelEndpointEntityV1alpha1,
  modelEndpointEntityV1alpha1Schema,
  modelEndpointEntityV1alpha1Validator,
  validateAgentEntity,
  validateModelEndpointEntity,
} from './kinds';
export type {
  AgentEntityV1alpha1,
  AgentEvalRequirement,
  AiBudget,
  AiServiceLevelObjectives,
  ManagedModelServing,
  ModelEndpointEntityV1alpha1,
  SelfHostedModelServing,
} from './kinds';
export {
  aiPlatformPermissions,
  aiPlatformTelemetryReadPermission,
  aiPlatformApprovalReadPermission,
  aiPlatformApprovalDecidePermission,
} from './permissions';
export {
  formatCount,
  formatDecimal,
  formatDurationMs,
  formatMs,
  formatPercent,
  formatUsd,
  formatUtcMinute,
  usdFormatter,
} from './format';
export type { FormatUsdOptions } from './format';
export * from './planning';
export * from './governance';
export type {
  AgentGpuShare,
  EndpointCostBasis,
  EntityCost,
  EntityCostResponse,
  GpuHoursSource,
  PrometheusReading,
  RightSizingRecommendation,
  SelfHostedGpuCost,
  UnitCost,
  Approval,
  ApprovalListResponse,
  ApprovalPolicyResult,
  ApprovalStatus,
  ApprovalSummary,
  AuditAction,
  AuditEvent,
  AuditTrailResponse,
  FleetRetiredEntities,
  RetiredFleetEntity,
  PlanningOptions,
  PlanningPreview,
  AgentRuns,
  ToolAgents,
  ToolCallStats,
  FleetEntitySummary,
  FleetGpuCost,
  FleetSummary,
  GoldenPathEntity,
  GpuClusterProfileAllocation,
  GpuTeamProfileAllocation,
  TeamSpend,
  UnattributedTelemetry,
  EntityUsage,
  LatencyPercentilesMs,
  TimeseriesPoint,
  UnattributedUsage,
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardHistoryEntry,
} from './wire';
export { ANNOTATION_TOOLS, parseToolsAnnotation } from './tools';
