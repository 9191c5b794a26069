export { aiPlatformApiRef } from './AiPlatformApi';
export type { AiPlatformApi } from './AiPlatformApi';
export { AiPlatformClient, isPermissionDeniedError } from './AiPlatformClient';
export type {
  EntityDailyUsage,
  EntityUsage,
  LatencyPercentilesMs,
  ScorecardCheckSource,
  EntityScorecard,
  OwnedEntityScorecard,
  OwnerScorecards,
  PlanningOptions,
  PlanningPreview,
  PlanningPreviewRequest,
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckStatus,
  ScorecardHistoryEntry,
  TelemetryTimeseries,
  TelemetryTimeseriesMetric,
  TelemetryTimeseriesQuery,
} from './types';
export type {
  FleetEntitySummary,
  FleetGpuCost,
  FleetSummary,
  GoldenPathEntity,
  GpuClusterProfileAllocation,
  GpuTeamProfileAllocation,
  TeamSpend,
  UnattributedTelemetry,
} from './fleetTypes';
export type {
  FleetRetiredEntities,
  RetiredFleetEntity,
} from '@ai-platform/plugin-ai-platform-common';
export type { AgentRuns, ToolAgents, ToolCallStats } from './agentRunTypes';
