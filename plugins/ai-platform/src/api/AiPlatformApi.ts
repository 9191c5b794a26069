import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type { EntityCostResponse } from '@ai-platform/plugin-ai-platform-common';
import { AgentRuns, ToolAgents } from './agentRunTypes';
import { FleetSummary } from './fleetTypes';
import {
  EntityScorecard,
  OwnerScorecards,
  PlanningOptions,
  PlanningPreview,
  PlanningPreviewRequest,
  TelemetryTimeseries,
  TelemetryTimeseriesQuery,
} from './types';

/**
 * Reads scorecards and telemetry from the `ai-platform` backend with the
 * signed-in user's credentials.
 *
 * @remarks
 * Failed requests reject with a `ResponseError` from `@backstage/errors`;
 * {@link isPermissionDeniedError} tells a `403` (the user lacks
 * `ai-platform.telemetry.read`) apart from other failures.
 *
 * @public
 */
export interface AiPlatformApi {
  /** The latest scorecard of a ModelEndpoint or Agent, with its history. */
  getEntityScorecard(entityRef: CompoundEntityRef): Promise<EntityScorecard>;
  /**
   * The month-to-date cost of a ModelEndpoint or Agent with where it came
   * from, and for a ModelEndpoint the unit cost of the other endpoints of
   * the same type (managed ones first), to compare.
   */
  getEntityCost(entityRef: CompoundEntityRef): Promise<EntityCostResponse>;
  /**
   * The latest scorecards of the ModelEndpoints and Agents a group and its
   * sub-groups own; entities the user may not read are left out.
   */
  getOwnerScorecards(ownerRef: string): Promise<OwnerScorecards>;
  /**
   * The AI Platform page's data: fleet, golden paths, spend by team, GPU
   * allocation and unattributed telemetry; telemetry numbers only for
   * entities the user may read.
   */
  getFleetSummary(): Promise<FleetSummary>;
  /** One telemetry metric of an entity, per step. */
  getEntityTimeseries(
    entityRef: CompoundEntityRef,
    query: TelemetryTimeseriesQuery,
  ): Promise<TelemetryTimeseries>;
  /**
   * The approved models, GPU profiles, clusters and runtimes of the platform,
   * for the self-hosted endpoint form.
   */
  getPlanningOptions(): Promise<PlanningOptions>;
  /**
   * Previews the plan of a self-hosted endpoint with the same logic as the
   * `ai-platform:endpoint:plan` action: memory fit, monthly cost and every
   * decision that can be made before the template runs.
   */
  previewEndpointPlan(
    request: PlanningPreviewRequest,
  ): Promise<PlanningPreview>;
  /**
   * An Agent's runs over the last 14 days: runs per day, success rate, p95
   * duration, cost per run, its tools and the latest failing traces.
   */
  getAgentRuns(entityRef: CompoundEntityRef): Promise<AgentRuns>;
  /**
   * The agents calling the tools an API entity declares
   * (`aiplatform.io/tools`) over the last 14 days.
   */
  getToolAgents(entityRef: CompoundEntityRef): Promise<ToolAgents>;
}

/**
 * The {@link AiPlatformApi}.
 *
 * @public
 */
export const aiPlatformApiRef = createApiRef<AiPlatformApi>().with({
  id: 'plugin.ai-platform.api',
  pluginId: 'ai-platform',
});
