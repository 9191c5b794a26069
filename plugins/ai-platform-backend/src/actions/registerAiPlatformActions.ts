import { type AiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import {
  AuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EntityCostService } from '../cost/EntityCostService';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import { TelemetryStore } from '../database/TelemetryStore';
import { PlanningPreviewService } from '../planning/PlanningPreviewService';
import { ScorecardEngine } from '../scorecards/ScorecardEngine';
import { ScorecardReadService } from '../scorecards/ScorecardReadService';
import {
  ExternalScorecardTelemetrySource,
  ScorecardResultStore,
} from '../scorecards/types';
import { registerGetAiScorecardAction } from './getAiScorecardAction';
import { registerGetAiUsageAction } from './getAiUsageAction';
import { registerListFailingAiChecksAction } from './listFailingAiChecksAction';
import { registerListModelEndpointsAction } from './listModelEndpointsAction';
import { ModelEndpointListService } from './ModelEndpointListService';
import { registerPlanModelEndpointAction } from './planModelEndpointAction';

/**
 * What the AI platform's actions read: the plugin's services and stores.
 *
 * @internal
 */
export interface AiPlatformActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  catalog: CatalogService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  platform: AiPlatformConfig;
  /** `aiPlatform.permissions.platformGroups`: who sees every team's figures. */
  platformGroups: string[];
  telemetryStore: TelemetryStore;
  resultStore: ScorecardResultStore;
  scorecardEngine: ScorecardEngine;
  costService: EntityCostService;
  externalSource?: ExternalScorecardTelemetrySource;
  gatewayHistogramStore?: DatabaseGatewayHistogramStore;
  now?: () => Date;
}

/**
 * Registers the AI platform's actions in Backstage's actions registry, which
 * `@backstage/plugin-mcp-actions-backend` serves as MCP tools:
 * `list-model-endpoints`, `get-ai-scorecard`, `plan-model-endpoint`,
 * `list-failing-ai-checks` and `get-ai-usage`. They run with the caller's
 * credentials and make the REST API's `ai-platform.telemetry.read` checks.
 *
 * @internal
 */
export function registerAiPlatformActions(options: AiPlatformActionsOptions) {
  const { actionsRegistry, catalog, platform } = options;
  const access = new TelemetryReadAccess(options.permissions);
  const scorecards = new ScorecardReadService({
    access,
    catalog,
    telemetryStore: options.telemetryStore,
    resultStore: options.resultStore,
    scorecardEngine: options.scorecardEngine,
    externalSource: options.externalSource,
    gatewayHistogramStore: options.gatewayHistogramStore,
    costService: options.costService,
    now: options.now,
  });

  registerListModelEndpointsAction(
    actionsRegistry,
    new ModelEndpointListService({
      access,
      catalog,
      resultStore: options.resultStore,
      costService: options.costService,
      platform,
      now: options.now,
    }),
  );
  registerGetAiScorecardAction(actionsRegistry, {
    access,
    catalog,
    scorecards,
  });
  registerPlanModelEndpointAction(actionsRegistry, {
    auth: options.auth,
    platform,
    planning: new PlanningPreviewService({
      catalog,
      userInfo: options.userInfo,
      platform,
      platformGroups: options.platformGroups,
    }),
  });
  registerListFailingAiChecksAction(actionsRegistry, scorecards);
  registerGetAiUsageAction(actionsRegistry, {
    access,
    telemetryStore: options.telemetryStore,
    now: options.now,
  });
}
