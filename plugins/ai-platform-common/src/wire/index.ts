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
} from './cost';
export type {
  Approval,
  ApprovalListResponse,
  ApprovalPolicyResult,
  ApprovalStatus,
  ApprovalSummary,
  AuditAction,
  AuditEvent,
  AuditTrailResponse,
} from './approvals';
export type {
  FleetEntitySummary,
  FleetGpuCost,
  FleetRetiredEntities,
  FleetSummary,
  GoldenPathEntity,
  GpuClusterProfileAllocation,
  GpuTeamProfileAllocation,
  RetiredFleetEntity,
  TeamSpend,
  UnattributedTelemetry,
} from './fleet';
export type {
  EntityUsage,
  LatencyPercentilesMs,
  TimeseriesPoint,
  UnattributedUsage,
} from './usage';
export type {
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardHistoryEntry,
} from './scorecards';
export type { AgentRuns, ToolAgents, ToolCallStats } from './agents';
export type { PlanningOptions, PlanningPreview } from './planning';
