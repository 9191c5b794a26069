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
export type { FleetRetiredEntities, RetiredFleetEntity } from './fleet';
export type {
  LatencyPercentilesMs,
  TimeseriesPoint,
  UnattributedUsage,
} from './usage';
