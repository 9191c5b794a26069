import {
  AuthService,
  HttpAuthService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { readAiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EntityCostService } from '../cost/EntityCostService';
import {
  TelemetryFleetQueries,
  TelemetryStore,
} from '../database/TelemetryStore';
import { FleetSummaryService } from '../fleet/FleetSummaryService';
import { ScorecardResultStore } from '../scorecards/types';
import { parseUnattributedPageQuery } from './unattributedPage';

// The route's tests import the week helper from here.
export { isoWeekStart } from '../fleet/goldenPaths';

/**
 * Options of {@link createFleetRouter}.
 *
 * @internal
 */
export interface FleetRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  config: RootConfigService;
  /**
   * The plugin's own credentials, to check that an entity with stored
   * telemetry has really left the catalog (and is not only hidden from the
   * user) before the summary lists it as retired. Without it the user's
   * catalog view decides.
   */
  auth?: AuthService;
  telemetryStore: TelemetryStore & TelemetryFleetQueries;
  resultStore: ScorecardResultStore;
  /**
   * The cost of the fleet's entities; defaults to one on `config`'s GPU
   * profiles without GPU telemetry (every self-hosted cost estimated from
   * the spec).
   */
  costService?: EntityCostService;
  /**
   * The clock: every "now" of the summary (the month to date, the
   * unattributed window, `generatedAt`) is read from it. Defaults to the
   * system time; tests set it.
   */
  now?: () => Date;
}

/**
 * Creates `GET /fleet/summary`, the data of the AI Platform page: the fleet
 * table, golden-path adoption, time to first inference, spend by team, GPU
 * allocation, unattributed telemetry and retired entities (telemetry kept
 * of entities that left the catalog), in one response.
 *
 * @remarks
 * The catalog is read with the user's credentials, so catalog permissions
 * apply; telemetry numbers are only given for entities the user may read with
 * `ai-platform.telemetry.read` (one batch authorization).
 *
 * @internal
 */
export function createFleetRouter(options: FleetRouterOptions): express.Router {
  const {
    httpAuth,
    permissions,
    catalog,
    config,
    telemetryStore,
    resultStore,
    auth,
  } = options;
  const fleetSummary = new FleetSummaryService({
    access: new TelemetryReadAccess(permissions),
    catalog,
    auth,
    config,
    telemetryStore,
    resultStore,
    costService:
      options.costService ??
      new EntityCostService({
        telemetryStore,
        platform: readAiPlatformConfig(config),
      }),
    now: options.now,
  });
  const router = Router();

  router.get('/fleet/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const unattributedPage = parseUnattributedPageQuery(
      req.query,
      'unattributed',
    );
    res.json(await fleetSummary.getSummary(credentials, unattributedPage));
  });

  return router;
}
