import type { EntityUsage } from '@ai-platform/plugin-ai-platform-common';
import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { TelemetryStore } from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { parseUsageWindow } from './queryParams';
import { parseUnattributedPageQuery } from './unattributedPage';

// The route's tests import the window parser from here.
export { parseUsageWindow };

/**
 * Options of {@link createRouter}.
 *
 * @internal
 */
export interface RouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  telemetryStore: TelemetryStore;
  /**
   * The GenAI OTLP histograms; when given, `/usage` answers
   * `ttftMsFromGatewayHistograms`.
   */
  gatewayHistogramStore?: DatabaseGatewayHistogramStore;
}

/**
 * Creates the REST API of the AI platform backend.
 *
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, telemetryStore, gatewayHistogramStore } =
    options;
  const access = new TelemetryReadAccess(permissions);

  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/usage/by-entity/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { kind, namespace, name } = req.params;
    const entityRef = `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
    const window = parseUsageWindow(req.query, new Date());

    await access.assertCanRead(entityRef, credentials);

    const usage = await telemetryStore.getUsage({
      subject: entitySubject(entityRef),
      ...window,
    });
    if (!gatewayHistogramStore) {
      res.json({ entityRef, ...usage } satisfies EntityUsage);
      return;
    }
    const ttft = await gatewayHistogramStore.getQuantileEstimate({
      subject: entitySubject(entityRef),
      metric: 'gen_ai.server.time_to_first_token',
      q: 0.95,
      window: {
        from: new Date(usage.window.from),
        to: new Date(usage.window.to),
      },
    });
    res.json({
      entityRef,
      ...usage,
      // Seconds in the histograms; interpolated inside a bucket.
      ttftMsFromGatewayHistograms: {
        p95Estimate:
          ttft.estimate === null ? null : Math.round(ttft.estimate * 1e4) / 10,
        count: ttft.count,
        estimated: true,
      },
    } satisfies EntityUsage);
  });

  router.get('/usage/unattributed', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const window = parseUsageWindow(req.query, new Date());
    const page = parseUnattributedPageQuery(req.query);
    await access.assertCanReadUnattributed(credentials);

    // Worst first, one page at a time: the list grows with every stray alias.
    const [items, total] = await Promise.all([
      telemetryStore.listUnattributed({ ...window, ...page }),
      telemetryStore.countUnattributed(window),
    ]);
    const nextOffset = page.offset + items.length;
    res.json({
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      items,
      total,
      limit: page.limit,
      offset: page.offset,
      order: page.orderBy,
      nextOffset: nextOffset < total ? nextOffset : null,
    });
  });

  return router;
}
