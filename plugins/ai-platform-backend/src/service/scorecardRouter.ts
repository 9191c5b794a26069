import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { TelemetryStore, TIMESERIES_METRICS } from '../database/TelemetryStore';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import {
  entitySubject,
  normalizeTelemetryEntityRef,
} from '../database/telemetrySubject';
import { parseEvalRunUpload } from '../evals/parseEvalRunUpload';
import { ScorecardEngine } from '../scorecards/ScorecardEngine';
import {
  EvalRunStore,
  ExternalScorecardTelemetrySource,
  SCORECARD_CHECK_STATUSES,
  ScorecardCheckResult,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardEvaluation,
  ScorecardResultStore,
  ScorecardSourceUnavailableError,
} from '../scorecards/types';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { UnsupportedMediaTypeError } from './ingestRouter';
import { MAX_USAGE_WINDOW_DAYS } from './router';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Days of daily usage the scorecard response carries. */
const DAILY_USAGE_DAYS = 30;

/**
 * Evaluations returned as history by `GET /scorecards/by-entity/...`.
 *
 * @internal
 */
export const SCORECARD_HISTORY_LIMIT = 50;

/** Levels of group nesting followed below the owner group. */
const MAX_GROUP_DEPTH = 10;

const STEP_MS = { '1h': HOUR_MS, '1d': DAY_MS } as const;

const timeseriesQuerySchema = z.object({
  metric: z.enum(TIMESERIES_METRICS, {
    error: `expected one of ${TIMESERIES_METRICS.join(', ')}`,
  }),
  window: z
    .string({ error: 'expected a duration such as 24h or 7d' })
    .regex(/^[1-9][0-9]*[hd]$/, {
      error: 'expected a duration such as 24h or 7d',
    })
    .default('7d'),
  step: z.enum(['1h', '1d'], { error: "expected '1h' or '1d'" }).default('1h'),
});

/**
 * Parses `metric`, `window` and `step` of a time series query into the steps
 * to read: the window ends at the end of the current step (UTC) and covers
 * a whole number of steps.
 *
 * @internal
 */
export function parseTimeseriesQuery(query: unknown, now: Date) {
  const parsed = timeseriesQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Invalid query parameter '${issue.path.join('.') || 'query'}': ${
        issue.message
      }`,
    );
  }
  const { metric, window, step } = parsed.data;
  const windowMs =
    Number(window.slice(0, -1)) * (window.endsWith('d') ? DAY_MS : HOUR_MS);
  const stepMs = STEP_MS[step];
  if (windowMs > MAX_USAGE_WINDOW_DAYS * DAY_MS) {
    throw new InputError(
      `Invalid query parameter 'window': at most ${MAX_USAGE_WINDOW_DAYS}d, got ${window}`,
    );
  }
  if (windowMs % stepMs !== 0) {
    throw new InputError(
      `Invalid query parameter 'window': ${window} is not a whole number of '${step}' steps`,
    );
  }
  const toMs = Math.ceil((now.getTime() + 1) / stepMs) * stepMs;
  return {
    metric,
    step,
    stepMs,
    steps: windowMs / stepMs,
    from: new Date(toMs - windowMs),
    to: new Date(toMs),
  };
}

function entityRefOf(params: Record<string, string>): string {
  const { kind, namespace, name } = params;
  return normalizeTelemetryEntityRef(`${kind}:${namespace}/${name}`);
}

function serializeEvaluation(evaluation: ScorecardEvaluation) {
  return {
    evaluatedAt: evaluation.evaluatedAt.toISOString(),
    level: evaluation.level,
    checks: evaluation.checks,
  };
}

function statusCounts(evaluation: ScorecardEvaluation) {
  const counts = Object.fromEntries(
    SCORECARD_CHECK_STATUSES.map(status => [status, 0]),
  ) as Record<ScorecardCheckStatus, number>;
  for (const check of evaluation.checks) {
    counts[check.status] += 1;
  }
  return counts;
}

/**
 * The checks of the latest evaluation; a `source-unavailable` check gets
 * `lastAvailable`, the newest earlier result of the same check that its
 * source did answer (from `history`, newest first), so the last good number
 * stays visible while Prometheus is down.
 *
 * @internal
 */
export function checksWithLastAvailable(
  checks: ScorecardCheckResult[],
  history: ScorecardEvaluation[],
) {
  return checks.map(check => {
    if (check.status !== 'source-unavailable') {
      return check;
    }
    for (const evaluation of history) {
      const earlier = evaluation.checks.find(
        c => c.checkId === check.checkId && c.status !== 'source-unavailable',
      );
      if (earlier) {
        return {
          ...check,
          lastAvailable: {
            evaluatedAt: evaluation.evaluatedAt.toISOString(),
            status: earlier.status,
            value: earlier.value,
            message: earlier.message,
            source: earlier.source,
          },
        };
      }
    }
    return { ...check, lastAvailable: null };
  });
}

/**
 * Options of {@link createScorecardRouter}.
 *
 * @internal
 */
export interface ScorecardRouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  telemetryStore: TelemetryStore;
  evalRunStore: EvalRunStore;
  resultStore: ScorecardResultStore;
  scorecardEngine: ScorecardEngine;
  /**
   * Answers the time series of the entities it applies to (Prometheus); the
   * built-in telemetry store answers for the others.
   */
  externalSource?: ExternalScorecardTelemetrySource;
  /**
   * The GenAI OTLP histograms; when given, the scorecard's month-to-date
   * usage carries `ttftMsFromGatewayHistograms`.
   */
  gatewayHistogramStore?: DatabaseGatewayHistogramStore;
  /** Largest accepted `POST /evals` body. */
  maxBodyBytes: number;
  now?: () => Date;
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
  const {
    httpAuth,
    permissions,
    catalog,
    telemetryStore,
    evalRunStore,
    resultStore,
    scorecardEngine,
    logger,
    externalSource,
    gatewayHistogramStore,
  } = options;
  const now = options.now ?? (() => new Date());
  const access = new TelemetryReadAccess(permissions);
  const router = Router();

  /**
   * The numbers behind the checks, carried by the scorecard response so the
   * scorecard tab needs no extra requests: month-to-date usage (the same
   * shape as `GET /usage/by-entity`) and the last 30 UTC days' requests,
   * errors and cost from the built-in store.
   */
  async function usageForScorecard(entityRef: string) {
    const at = now();
    const subject = entitySubject(entityRef);
    const monthStart = new Date(
      Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1),
    );
    const usage = await telemetryStore.getUsage({
      subject,
      from: monthStart,
      to: at,
    });
    let ttftMsFromGatewayHistograms:
      | { p95Estimate: number | null; count: number; estimated: true }
      | undefined;
    if (gatewayHistogramStore) {
      const ttft = await gatewayHistogramStore.getQuantileEstimate({
        subject,
        metric: 'gen_ai.server.time_to_first_token',
        q: 0.95,
        window: {
          from: new Date(usage.window.from),
          to: new Date(usage.window.to),
        },
      });
      ttftMsFromGatewayHistograms = {
        // Seconds in the histograms; interpolated inside a bucket.
        p95Estimate:
          ttft.estimate === null ? null : Math.round(ttft.estimate * 1e4) / 10,
        count: ttft.count,
        estimated: true,
      };
    }
    const today = Date.UTC(
      at.getUTCFullYear(),
      at.getUTCMonth(),
      at.getUTCDate(),
    );
    const dailyFrom = new Date(today - (DAILY_USAGE_DAYS - 1) * DAY_MS);
    const [requests, errors, cost] = await Promise.all(
      (['requests', 'errors', 'cost_usd'] as const).map(metric =>
        telemetryStore.getTimeseries({
          subject,
          metric,
          from: dailyFrom,
          stepMs: DAY_MS,
          steps: DAILY_USAGE_DAYS,
        }),
      ),
    );
    const dailyUsage = requests.map((point, i) => ({
      start: point.start,
      requests: point.value ?? 0,
      errors: errors[i]?.value ?? 0,
      costUsd: cost[i]?.value ?? 0,
    }));
    return {
      usageMonthToDate: {
        entityRef,
        ...usage,
        ...(ttftMsFromGatewayHistograms ? { ttftMsFromGatewayHistograms } : {}),
      },
      dailyUsage,
    };
  }

  async function scorecardResponse(
    entityRef: string,
    current?: ScorecardEvaluation,
  ) {
    const history = await resultStore.listEvaluations({
      entityRef,
      limit: SCORECARD_HISTORY_LIMIT,
    });
    const latest = current ?? history[0];
    const { usageMonthToDate, dailyUsage } = await usageForScorecard(entityRef);
    return {
      entityRef,
      usageMonthToDate,
      dailyUsage,
      level: latest?.level ?? null,
      evaluatedAt: latest ? latest.evaluatedAt.toISOString() : null,
      checks: latest
        ? checksWithLastAvailable(
            latest.checks,
            history.filter(e => e.evaluationId !== latest.evaluationId),
          )
        : [],
      history: history.map(evaluation => ({
        evaluatedAt: evaluation.evaluatedAt.toISOString(),
        level: evaluation.level,
        counts: statusCounts(evaluation),
        checks: evaluation.checks.map(({ checkId, status, source, value }) => ({
          checkId,
          status,
          source,
          value,
        })),
      })),
    };
  }

  router.post(
    '/evals',
    async (req, _res, next) => {
      await httpAuth.credentials(req, { allow: ['service'] });
      next();
    },
    express.json({ limit: options.maxBodyBytes }),
    async (req, res) => {
      if (!req.is('application/json')) {
        throw new UnsupportedMediaTypeError(
          `Unsupported Content-Type '${
            req.headers['content-type'] ?? '(none)'
          }': expected application/json`,
        );
      }
      const run = parseEvalRunUpload(
        req.body,
        req.query as Record<string, unknown>,
        now(),
      );
      const { run: stored, duplicate } = await evalRunStore.insertEvalRun(run);
      if (!duplicate) {
        logger.info(
          `Stored ${run.source} eval run ${run.runId} of '${run.suite}' ${run.suiteVersion} for ${run.entityRef}: score ${run.score}`,
        );
      }
      res.status(duplicate ? 200 : 201).json({
        duplicate,
        run: {
          ...stored,
          startedAt: stored.startedAt.toISOString(),
          finishedAt: stored.finishedAt?.toISOString() ?? null,
          createdAt: stored.createdAt.toISOString(),
        },
      });
    },
  );

  router.get(
    '/scorecards/by-entity/:kind/:namespace/:name',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefOf(req.params);
      await access.assertCanRead(entityRef, credentials);
      res.json(await scorecardResponse(entityRef));
    },
  );

  router.post(
    '/scorecards/by-entity/:kind/:namespace/:name/evaluate',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefOf(req.params);
      await access.assertCanRead(entityRef, credentials);
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
      const evaluation = await scorecardEngine.evaluate(entity);
      res.json(await scorecardResponse(entityRef, evaluation));
    },
  );

  router.get('/scorecards', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const owner = req.query.owner;
    if (typeof owner !== 'string' || owner.trim() === '') {
      throw new InputError(
        "Invalid query parameter 'owner': expected a group entity ref such as group:default/team-a",
      );
    }
    let ownerRef: string;
    try {
      ownerRef = stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch (error) {
      throw new InputError(
        `Invalid query parameter 'owner': '${owner}' is not an entity ref such as group:default/team-a`,
        error,
      );
    }
    const ownerEntity = await catalog.getEntityByRef(ownerRef, { credentials });
    if (!ownerEntity) {
      throw new NotFoundError(`No entity ${ownerRef} in the catalog`);
    }

    // The owner and its sub-groups, following parentOf relations.
    const groups = new Map<string, Entity>([[ownerRef, ownerEntity]]);
    let frontier = [ownerEntity];
    for (let depth = 0; depth < MAX_GROUP_DEPTH && frontier.length; depth++) {
      const childRefs = frontier
        .flatMap(group => group.relations ?? [])
        .filter(relation => relation.type === RELATION_PARENT_OF)
        .map(relation => relation.targetRef.toLocaleLowerCase('en-US'))
        .filter(ref => !groups.has(ref));
      if (childRefs.length === 0) {
        break;
      }
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: [...new Set(childRefs)] },
        { credentials },
      );
      frontier = items.filter((item): item is Entity => Boolean(item));
      for (const child of frontier) {
        groups.set(stringifyEntityRef(child).toLocaleLowerCase('en-US'), child);
      }
    }

    const { items: matching } = await catalog.getEntities(
      {
        filter: {
          kind: [MODEL_ENDPOINT_KIND, AGENT_KIND],
          [`relations.${RELATION_OWNED_BY}`]: [...groups.keys()],
        },
        fields: ['kind', 'metadata', 'spec.owner', 'relations'],
      },
      { credentials },
    );
    // Checked here too: some catalog implementations (the in-memory test
    // catalog) stop at the first array-valued key of a filter.
    const owned = matching.filter(
      entity =>
        [MODEL_ENDPOINT_KIND, AGENT_KIND].includes(entity.kind) &&
        (entity.relations ?? []).some(
          relation =>
            relation.type === RELATION_OWNED_BY &&
            groups.has(relation.targetRef.toLocaleLowerCase('en-US')),
        ),
    );
    const ownedRefs = owned.map(entity =>
      normalizeTelemetryEntityRef(stringifyEntityRef(entity)),
    );
    const readable = await access.filterReadable(
      owned.map((entity, index) => ({ entity, entityRef: ownedRefs[index] })),
      item => item.entityRef,
      credentials,
    );
    const latest = await resultStore.getLatestEvaluations(
      readable.map(item => item.entityRef),
    );

    res.json({
      owner: ownerRef,
      groups: [...groups.keys()],
      items: readable
        .map(({ entity, entityRef }) => {
          const evaluation = latest.get(entityRef);
          return {
            entityRef,
            kind: entity.kind,
            title: entity.metadata.title ?? entity.metadata.name,
            owner:
              entity.relations
                ?.find(relation => relation.type === RELATION_OWNED_BY)
                ?.targetRef.toLocaleLowerCase('en-US') ?? null,
            ...(evaluation
              ? serializeEvaluation(evaluation)
              : { evaluatedAt: null, level: null, checks: [] }),
          };
        })
        .sort((a, b) => a.entityRef.localeCompare(b.entityRef)),
    });
  });

  router.get(
    '/timeseries/by-entity/:kind/:namespace/:name',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefOf(req.params);
      const query = parseTimeseriesQuery(req.query, now());
      await access.assertCanRead(entityRef, credentials);
      const range = {
        metric: query.metric,
        from: query.from,
        stepMs: query.stepMs,
        steps: query.steps,
      };
      // The entity decides the source; without an external source
      // configured the catalog is not asked.
      const entity = externalSource
        ? await catalog.getEntityByRef(entityRef, { credentials })
        : undefined;
      let source: ScorecardCheckSource = 'telemetry-store';
      let points;
      if (externalSource && entity && externalSource.appliesTo(entity)) {
        source = externalSource.source;
        try {
          points = await externalSource.getTimeseries(entity, range);
        } catch (error) {
          if (error instanceof ScorecardSourceUnavailableError) {
            throw new ServiceUnavailableError(error.message);
          }
          throw error;
        }
      } else {
        points = await telemetryStore.getTimeseries({
          subject: entitySubject(entityRef),
          ...range,
        });
      }
      res.json({
        entityRef,
        metric: query.metric,
        step: query.step,
        window: { from: query.from.toISOString(), to: query.to.toISOString() },
        source,
        points: points.map(point => ({ ...point, source })),
      });
    },
  );

  return router;
}
