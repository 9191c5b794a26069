import {
  HttpAuthService,
  HttpRouterService,
} from '@backstage/backend-plugin-api';
import express from 'express';

/** Routes anyone may call. */
const UNAUTHENTICATED_PATHS = new Set(['/health']);

/**
 * The first path segment of every route of the plugin's own routers, which
 * authenticate their requests themselves (see {@link authenticateEveryRequest}).
 * A new top-level route must be added here; until it is, the credentials
 * barrier answers for it (still authenticated, with Backstage's 401 body).
 *
 * @internal
 */
export const PLUGIN_ROUTE_PREFIXES = [
  '/health',
  '/usage',
  '/ingest',
  '/v1',
  '/evals',
  '/scorecards',
  '/timeseries',
  '/fleet',
  '/cost',
  '/planning',
  '/agent-runs',
  '/tools',
  '/approvals',
  '/audit',
];

/**
 * Authenticates every request of the plugin (a user or a service; `/health`
 * excepted) inside the plugin's own router, instead of Backstage's
 * credentials barrier in front of it. The checks are the same; the
 * difference is who answers a missing or bad credential: the barrier's 401
 * is rendered by Backstage's per-plugin error handler, which puts the stack,
 * with absolute file paths, in the body whenever `NODE_ENV=development`;
 * here it goes to the plugin's own error handler (`errorResponses.ts`),
 * which never does. Each route still asks for the principal it needs (user
 * for reads, service for ingest).
 *
 * Install it before every route; it tells the barrier to let requests
 * through to it.
 *
 * @internal
 */
export function authenticateEveryRequest(
  httpRouter: HttpRouterService,
  httpAuth: HttpAuthService,
) {
  const authenticate: express.RequestHandler = (req, _res, next) => {
    if (UNAUTHENTICATED_PATHS.has(req.path)) {
      next();
      return;
    }
    httpAuth
      .credentials(req, { allow: ['user', 'service'] })
      .then(() => next(), next);
  };
  httpRouter.use(authenticate);
  // Only the plugin's own routes: anything else mounted on the plugin's
  // router by a Backstage service (the actions registry's
  // `/.backstage/actions`) stays behind the credentials barrier.
  for (const path of PLUGIN_ROUTE_PREFIXES) {
    httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
  }
}
