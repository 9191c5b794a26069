/**
 * The AI Platform frontend plugin: the AI Platform page with model endpoints
 * and agents from the catalog, entity cards for the ModelEndpoint and Agent
 * kinds, and a catalog graph module that draws their relations.
 *
 * @packageDocumentation
 */

export { aiPlatformPlugin as default } from './plugin';
export {
  aiPlatformApi,
  aiPlatformPlugin,
  aiPlatformOverviewPage,
} from './plugin';
export {
  agentDependenciesEntityCard,
  agentOverviewEntityCard,
  auditHistoryEntityCard,
  groupAiScorecardsEntityContent,
  modelEndpointAgentsEntityCard,
  modelEndpointOverviewEntityCard,
  scorecardEntityContent,
  scorecardSummaryEntityCard,
  toolAgentsEntityCard,
} from './entityCards';
export {
  aiPlatformCatalogGraphModule,
  aiPlatformCatalogGraphRelationPairs,
  aiPlatformCatalogGraphRelations,
} from './catalogGraphModule';
export { rootRouteRef as aiPlatformRootRouteRef } from './routes';
export { AiPlatformOverviewPage } from './components/AiPlatformOverviewPage';
export { EntityModelEndpointOverviewCard } from './components/ModelEndpointOverviewCard';
export { EntityModelEndpointAgentsCard } from './components/ModelEndpointAgentsCard';
export { EntityAgentOverviewCard } from './components/AgentOverviewCard';
export { EntityAgentDependenciesCard } from './components/AgentDependenciesCard';
export { EntityScorecardContent } from './components/EntityScorecard';
export { EntityScorecardSummaryCard } from './components/ScorecardSummaryCard';
export { GroupAiScorecardsContent } from './components/GroupAiScorecards';
export { PendingApprovals } from './components/PendingApprovals';
export { EntityAuditHistoryCard } from './components/AuditHistory';
export { ApprovalsClient } from './api/ApprovalsClient';
export type { ApprovalsApi } from './api/ApprovalsClient';
export {
  ANNOTATION_AI_PLATFORM_TOOLS,
  EntityToolAgentsCard,
  isToolApiEntity,
} from './components/ToolAgents';
export {
  AI_PLATFORM_ENDPOINT_CHANGE_PREVIEW,
  AiPlatformEndpointChangePreview,
  aiPlatformEndpointChangePreviewFormField,
  AiPlatformEndpointChangePreviewFieldExtension,
} from './components/ScaffolderFields';
export {
  AI_PLATFORM_GPU_PROFILE_PICKER,
  AI_PLATFORM_MODEL_PICKER,
  aiPlatformGpuProfilePickerFormField,
  aiPlatformLegacyPlugin,
  aiPlatformModelPickerFormField,
  AiPlatformGpuProfilePicker,
  AiPlatformGpuProfilePickerFieldExtension,
  AiPlatformModelPicker,
  AiPlatformModelPickerFieldExtension,
  validateAiPlatformGpuProfile,
  validateAiPlatformModel,
} from './components/ScaffolderFields';
export {
  aiPlatformApiRef,
  AiPlatformClient,
  isPermissionDeniedError,
} from './api';
export type {
  AiPlatformApi,
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
  AgentRuns,
  ToolAgents,
  ToolCallStats,
} from './api';
