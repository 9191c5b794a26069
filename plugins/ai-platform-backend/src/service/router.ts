import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { TelemetryStore, TimeWindow } from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { parseUnattributedPageQuery } from './unattributedPage';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Longest window a usage query may cover.
 *
 * @internal
 */
export const MAX_USAGE_WINDOW_DAYS = 92;

/** Window used when neither `from` nor `to` is given: the last 24 hours. */
const DEFAULT_WINDOW_MS = DAY_MS;

const isoTimestamp = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const usageQuerySchema = z.object({
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
});

/**
 * Parses the `from` and `to` query parameters into a window: ISO 8601
 * dates or date-times, `from` before `to`, at most
 * {@link MAX_USAGE_WINDOW_DAYS} days. `to` defaults to now and `from` to
 * 24 hours before `to`.
 *
 * @internal
 */
export function parseUsageWindow(query: unknown, now: Date): TimeWindow {
  const parsed = usageQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.join('.') || 'query';
    throw new InputError(
      `Invalid query parameter '${param}': expected a single ISO 8601 date or date-time such as 2026-11-23T10:00:00Z`,
    );
  }
  const to = parsed.data.to ? new Date(parsed.data.to) : now;
  const from = parsed.data.from
    ? new Date(parsed.data.from)
    : new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (from.getTime() >= to.getTime()) {
    throw new InputError(
      `Invalid query parameter 'from': ${from.toISOString()} must be before 'to' (${to.toISOString()})`,
    );
  }
  if (to.getTime() - from.getTime() > MAX_USAGE_WINDOW_DAYS * DAY_MS) {
    throw new InputError(
      `Invalid query parameters 'from' and 'to': the window may span at most ${MAX_USAGE_WINDOW_DAYS} days`,
    );
  }
  return { from, to };
}

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
      res.json({ entityRef, ...usage });
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
    });
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
