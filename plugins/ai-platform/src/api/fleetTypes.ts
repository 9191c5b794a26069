/*
 * The wire types of `GET /fleet/summary`, defined once in the common package.
 */
export type {
  FleetEntitySummary,
  FleetGpuCost,
  FleetSummary,
  GoldenPathEntity,
  GpuClusterProfileAllocation,
  GpuTeamProfileAllocation,
  TeamSpend,
  UnattributedTelemetry,
} from '@ai-platform/plugin-ai-platform-common';
