import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  EntityScorecard,
  OwnerScorecards,
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
   * The latest scorecards of the ModelEndpoints and Agents a group and its
   * sub-groups own; entities the user may not read are left out.
   */
  getOwnerScorecards(ownerRef: string): Promise<OwnerScorecards>;
  /** One telemetry metric of an entity, per step. */
  getEntityTimeseries(
    entityRef: CompoundEntityRef,
    query: TelemetryTimeseriesQuery,
  ): Promise<TelemetryTimeseries>;
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
