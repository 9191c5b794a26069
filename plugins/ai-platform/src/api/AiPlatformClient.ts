import { AgentRuns, ToolAgents } from './agentRunTypes';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { AiPlatformApi } from './AiPlatformApi';
import type { EntityCostResponse } from '@ai-platform/plugin-ai-platform-common';
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
 * Whether an error from {@link AiPlatformApi} means the backend refused the
 * read for lack of permission (`403`), rather than a failure.
 *
 * @public
 */
export function isPermissionDeniedError(error: unknown): boolean {
  // By name too, in case two copies of @backstage/errors are bundled.
  return (
    (error instanceof ResponseError ||
      (error instanceof Error && error.name === 'ResponseError')) &&
    (error as ResponseError).statusCode === 403
  );
}

function entityPath(entityRef: CompoundEntityRef): string {
  return [entityRef.kind, entityRef.namespace, entityRef.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
}

/**
 * The {@link AiPlatformApi} over HTTP: the `ai-platform` backend's base URL
 * from the discovery API, requests through the fetch API (so they carry the
 * user's token).
 *
 * @public
 */
export class AiPlatformClient implements AiPlatformApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityScorecard(
    entityRef: CompoundEntityRef,
  ): Promise<EntityScorecard> {
    return this.get(`/scorecards/by-entity/${entityPath(entityRef)}`);
  }

  async getEntityCost(
    entityRef: CompoundEntityRef,
  ): Promise<EntityCostResponse> {
    return this.get(`/cost/by-entity/${entityPath(entityRef)}`);
  }

  async getOwnerScorecards(ownerRef: string): Promise<OwnerScorecards> {
    return this.get(
      `/scorecards?${new URLSearchParams({ owner: ownerRef }).toString()}`,
    );
  }

  async getFleetSummary(): Promise<FleetSummary> {
    return this.get('/fleet/summary');
  }

  async getEntityTimeseries(
    entityRef: CompoundEntityRef,
    query: TelemetryTimeseriesQuery,
  ): Promise<TelemetryTimeseries> {
    const params = new URLSearchParams({ metric: query.metric });
    if (query.window) {
      params.set('window', query.window);
    }
    if (query.step) {
      params.set('step', query.step);
    }
    return this.get(
      `/timeseries/by-entity/${entityPath(entityRef)}?${params.toString()}`,
    );
  }

  async getPlanningOptions(): Promise<PlanningOptions> {
    return this.get('/planning/options');
  }

  async previewEndpointPlan(
    request: PlanningPreviewRequest,
  ): Promise<PlanningPreview> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ai-platform');
    const response = await this.fetchApi.fetch(`${baseUrl}/planning/preview`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as PlanningPreview;
  }

  async getAgentRuns(entityRef: CompoundEntityRef): Promise<AgentRuns> {
    return this.get(`/agent-runs/by-entity/${entityPath(entityRef)}`);
  }

  async getToolAgents(entityRef: CompoundEntityRef): Promise<ToolAgents> {
    return this.get(
      `/tools/by-entity/api/${encodeURIComponent(
        entityRef.namespace.toLocaleLowerCase('en-US'),
      )}/${encodeURIComponent(entityRef.name.toLocaleLowerCase('en-US'))}`,
    );
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ai-platform');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
