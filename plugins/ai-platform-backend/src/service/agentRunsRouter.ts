import {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import {
  AgentRunsReadService,
  checkTraceLinkTemplate,
} from '../agents/AgentRunsReadService';
import { AgentRunStore } from '../agents/types';
import { entityRefFromParams, parseUsageWindow } from './queryParams';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Window of the agent run routes without `from` / `to`: 14 days. */
const DEFAULT_WINDOW_DAYS = 14;

/**
 * Options of {@link createAgentRunsRouter}.
 *
 * @internal
 */
export interface AgentRunsRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  agentRunStore: AgentRunStore;
  /** `aiPlatform.telemetry.traceLinks`: a URL template with `{traceId}`. */
  traceLinkTemplate?: string;
  now?: () => Date;
}

/** `from` / `to`, the last {@link DEFAULT_WINDOW_DAYS} days by default. */
function windowOf(query: Record<string, unknown>, now: Date) {
  return parseUsageWindow(
    query.from === undefined && query.to === undefined
      ? { from: new Date(now.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS).toISOString() }
      : query,
    now,
  );
}

/**
 * Creates the agent run routes, for users with `ai-platform.telemetry.read`:
 * `GET /agent-runs/by-entity/:kind/:namespace/:name` (runs per day, success
 * rate, p95 duration, cost per run, tools, latest failing traces),
 * `GET /tools/by-entity/api/:namespace/:name` (the agents calling an API
 * entity's tools) and `GET /tools/unattributed` (tools no API declares).
 *
 * @throws Error when `traceLinkTemplate` is not an http(s) URL with `{traceId}`
 * @internal
 */
export function createAgentRunsRouter(
  options: AgentRunsRouterOptions,
): express.Router {
  const { httpAuth, permissions } = options;
  checkTraceLinkTemplate(options.traceLinkTemplate);
  const access = new TelemetryReadAccess(permissions);
  const service = new AgentRunsReadService({
    store: options.agentRunStore,
    catalog: options.catalog,
    auth: options.auth,
    access,
    traceLinkTemplate: options.traceLinkTemplate,
  });
  const now = () => options.now?.() ?? new Date();
  const router = Router();

  router.get('/agent-runs/by-entity/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = entityRefFromParams(req.params);
    const window = windowOf(req.query, now());
    await access.assertCanRead(entityRef, credentials);
    res.json(await service.getAgentRuns(entityRef, window));
  });

  router.get('/tools/by-entity/api/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = entityRefFromParams({ ...req.params, kind: 'api' });
    const window = windowOf(req.query, now());
    await access.assertCanRead(entityRef, credentials);
    res.json(await service.getToolAgents(entityRef, window, credentials));
  });

  router.get('/tools/unattributed', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const window = windowOf(req.query, now());
    await access.assertCanReadUnattributed(credentials);
    res.json(await service.listUnknownTools(window));
  });

  return router;
}
