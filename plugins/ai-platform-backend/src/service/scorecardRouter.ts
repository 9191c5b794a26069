import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EVAL_RUN_JSONL_CONTENT_TYPES } from '../evals/parseEvalRunUpload';
import { EvalRunUploadService } from '../scorecards/EvalRunUploadService';
import {
  ScorecardReadService,
  ScorecardReadServiceOptions,
} from '../scorecards/ScorecardReadService';
import { EvalRunStore } from '../scorecards/types';
import { UnsupportedMediaTypeError } from './httpErrors';
import {
  entityRefFromParams,
  parseOwnerQuery,
  parseTimeseriesQuery,
} from './queryParams';

// The route's tests import the query parser from here.
export { parseTimeseriesQuery };

/**
 * Options of {@link createScorecardRouter}.
 *
 * @internal
 */
export interface ScorecardRouterOptions
  extends Omit<ScorecardReadServiceOptions, 'access'> {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  evalRunStore: EvalRunStore;
  /** Largest accepted `POST /evals` body. */
  maxBodyBytes: number;
}

/**
 * Creates the eval upload route (`POST /evals`, service credentials) and the
 * scorecard and time series read routes (user credentials and
 * `ai-platform.telemetry.read` on the entity).
 *
 * @internal
 */
export function createScorecardRouter(
  options: ScorecardRouterOptions,
): express.Router {
  const { httpAuth, permissions, evalRunStore, logger } = options;
  const now = options.now ?? (() => new Date());
  const access = new TelemetryReadAccess(permissions);
  const scorecards = new ScorecardReadService({ ...options, access, now });
  const evalRuns = new EvalRunUploadService({ evalRunStore, logger });
  const router = Router();

  router.post(
    '/evals',
    async (req, _res, next) => {
      await httpAuth.credentials(req, { allow: ['service'] });
      next();
    },
    express.json({ limit: options.maxBodyBytes }),
    // promptfoo's `-o results.jsonl` output arrives as text.
    express.text({
      type: EVAL_RUN_JSONL_CONTENT_TYPES,
      limit: options.maxBodyBytes,
    }),
    async (req, res) => {
      if (
        !req.is('application/json') &&
        !req.is(EVAL_RUN_JSONL_CONTENT_TYPES)
      ) {
        throw new UnsupportedMediaTypeError(
          `Unsupported Content-Type '${
            req.headers['content-type'] ?? '(none)'
          }': expected application/json, or application/jsonl for promptfoo JSONL output`,
        );
      }
      const uploaded = await evalRuns.upload(
        req.body,
        req.query as Record<string, unknown>,
        now(),
      );
      res.status(uploaded.duplicate ? 200 : 201).json(uploaded);
    },
  );

  router.get(
    '/scorecards/by-entity/:kind/:namespace/:name',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefFromParams(req.params);
      await access.assertCanRead(entityRef, credentials);
      res.json(await scorecards.getScorecard(entityRef, credentials));
    },
  );

  router.post(
    '/scorecards/by-entity/:kind/:namespace/:name/evaluate',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefFromParams(req.params);
      await access.assertCanRead(entityRef, credentials);
      res.json(await scorecards.evaluate(entityRef, credentials));
    },
  );

  router.get('/scorecards', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const ownerRef = parseOwnerQuery(req.query.owner);
    res.json(await scorecards.listByOwner(ownerRef, credentials));
  });

  router.get(
    '/timeseries/by-entity/:kind/:namespace/:name',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefFromParams(req.params);
      const query = parseTimeseriesQuery(req.query, now());
      await access.assertCanRead(entityRef, credentials);
      const { metric, from, to, step, stepMs, steps } = query;
      const { source, points } = await scorecards.getTimeseries(
        entityRef,
        { metric, from, stepMs, steps },
        credentials,
      );
      res.json({
        entityRef,
        metric,
        step,
        window: { from: from.toISOString(), to: to.toISOString() },
        source,
        points: points.map(point => ({ ...point, source })),
      });
    },
  );

  return router;
}
