import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EntityCostReadService } from '../cost/EntityCostReadService';
import { EntityCostService } from '../cost/EntityCostService';
import { entityRefFromParams } from './queryParams';

/**
 * Options of {@link createCostRouter}.
 *
 * @internal
 */
export interface CostRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  costService: EntityCostService;
  /** The clock of the month to date; tests set it. */
  now?: () => Date;
}

/**
 * Creates `GET /cost/by-entity/:kind/:namespace/:name`: the month-to-date
 * cost of a ModelEndpoint or Agent (`EntityCostResponse`), for users with
 * `ai-platform.telemetry.read` on it.
 *
 * @internal
 */
export function createCostRouter(options: CostRouterOptions): express.Router {
  const { httpAuth, permissions, catalog, costService, now } = options;
  const access = new TelemetryReadAccess(permissions);
  const costs = new EntityCostReadService({
    access,
    catalog,
    costService,
    now,
  });
  const router = Router();

  router.get('/cost/by-entity/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = entityRefFromParams(req.params);
    await access.assertCanRead(entityRef, credentials);
    res.json(await costs.getEntityCost(entityRef, credentials));
  });

  return router;
}
