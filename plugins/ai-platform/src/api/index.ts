export { aiPlatformApiRef } from './AiPlatformApi';
export type { AiPlatformApi } from './AiPlatformApi';
export { AiPlatformClient, isPermissionDeniedError } from './AiPlatformClient';
export type {
  EntityDailyUsage,
  EntityUsage,
  LatencyPercentilesMs,
  ScorecardCheckSource,
  EntityScorecard,
  FleetEntitySummary,
  FleetSummary,
  GoldenPathEntity,
  GpuClusterProfileAllocation,
  GpuTeamProfileAllocation,
  TeamSpend,
  UnattributedTelemetry,
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
