export { aiPlatformApiRef } from './AiPlatformApi';
export type { AiPlatformApi } from './AiPlatformApi';
export { AiPlatformClient, isPermissionDeniedError } from './AiPlatformClient';
export type {
  EntityScorecard,
  OwnedEntityScorecard,
  OwnerScorecards,
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckStatus,
  ScorecardHistoryEntry,
  TelemetryTimeseries,
  TelemetryTimeseriesMetric,
  TelemetryTimeseriesQuery,
} from './types';
