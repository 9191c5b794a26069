import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EntityCostDetail, EntityCostService } from '../cost/EntityCostService';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import {
  TelemetryStore,
  TimeseriesMetric,
  TimeseriesPoint,
} from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import { ScorecardEngine } from './ScorecardEngine';
import { listScorecardsByOwner } from './scorecardsByOwner';
import { readScorecardUsage } from './scorecardUsage';
import {
  ExternalScorecardTelemetrySource,
  SCORECARD_CHECK_STATUSES,
  ScorecardCheckResult,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardEvaluation,
  ScorecardResultStore,
  ScorecardSourceUnavailableError,
} from './types';

/**
 * Evaluations returned as history by `GET /scorecards/by-entity/...`.
 *
 * @internal
 */
export const SCORECARD_HISTORY_LIMIT = 50;

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
 * Options of {@link ScorecardReadService}.
 *
 * @internal
 */
export interface ScorecardReadServiceOptions {
  access: TelemetryReadAccess;
  catalog: CatalogService;
  telemetryStore: TelemetryStore;
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
  /**
   * The entity's month-to-date cost carried as `cost` by the scorecard
   * response (`null` without it or for an entity not in the catalog).
   */
  costService?: EntityCostService;
  /**
   * Called after an on-demand evaluation (`POST …/evaluate`) is stored, as
   * the scheduled run does after its evaluations: the owners' notifications
   * of the checks that changed. Its failure is logged by the caller and does
   * not fail the evaluation.
   */
  onEvaluated?: (
    entity: Entity,
    evaluation: ScorecardEvaluation,
  ) => Promise<void>;
  now?: () => Date;
}

/**
 * Reads scorecards: one entity's scorecard with its history and usage, the
 * scorecards of a group and its sub-groups, and an entity's time series from
 * the source that answers for it. Entity reads are checked with
 * `ai-platform.telemetry.read` by the caller; the group list filters its
 * entities in one batch.
 *
 * @internal
 */
export class ScorecardReadService {
  private readonly now: () => Date;

  constructor(private readonly options: ScorecardReadServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private usageForScorecard(entityRef: string) {
    return readScorecardUsage(this.options, entityRef, this.now());
  }

  /** The entity's cost now, or `undefined` without a cost service. */
  private async costDetailOf(
    entityRef: string,
    entity: Entity,
  ): Promise<EntityCostDetail | undefined> {
    const { costService } = this.options;
    if (!costService) {
      return undefined;
    }
    const costs = await costService.costOf([entity], { now: this.now() });
    return costs.get(entityRef);
  }

  /**
   * The scorecard response of one entity: the latest evaluation (or
   * `current`, just made), its history, the usage behind the checks and its
   * month-to-date cost.
   */
  async getScorecard(
    entityRef: string,
    credentials: BackstageCredentials,
    current?: { evaluation: ScorecardEvaluation; cost?: EntityCostDetail },
  ) {
    const history = await this.options.resultStore.listEvaluations({
      entityRef,
      limit: SCORECARD_HISTORY_LIMIT,
    });
    let costDetail = current?.cost;
    if (!costDetail && this.options.costService) {
      const entity = await this.options.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      costDetail = entity
        ? await this.costDetailOf(entityRef, entity)
        : undefined;
    }
    const latest = current?.evaluation ?? history[0];
    const { usageMonthToDate, dailyUsage } = await this.usageForScorecard(
      entityRef,
    );
    return {
      entityRef,
      usageMonthToDate,
      dailyUsage,
      cost: costDetail?.cost ?? null,
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

  /** Evaluates the entity now and answers its scorecard. */
  async evaluate(entityRef: string, credentials: BackstageCredentials) {
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    // One cost computation for the checks and the response.
    const cost = await this.costDetailOf(entityRef, entity);
    const evaluation = await this.options.scorecardEngine.evaluate(
      entity,
      cost,
    );
    await this.options.onEvaluated?.(entity, evaluation);
    return this.getScorecard(entityRef, credentials, { evaluation, cost });
  }

  /**
   * The latest scorecards of the ModelEndpoints and Agents owned by
   * `ownerRef` or its sub-groups (following `parentOf`) that the user may
   * read.
   */
  listByOwner(ownerRef: string, credentials: BackstageCredentials) {
    return listScorecardsByOwner(this.options, ownerRef, credentials);
  }

  /**
   * One metric of the entity, from the external source when it applies to
   * the entity, else from the built-in store.
   */
  async getTimeseries(
    entityRef: string,
    range: {
      metric: TimeseriesMetric;
      from: Date;
      stepMs: number;
      steps: number;
    },
    credentials: BackstageCredentials,
  ): Promise<{ source: ScorecardCheckSource; points: TimeseriesPoint[] }> {
    // The entity decides the source; without an external source
    // configured the catalog is not asked.
    const { externalSource } = this.options;
    const entity = externalSource
      ? await this.options.catalog.getEntityByRef(entityRef, { credentials })
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
      points = await this.options.telemetryStore.getTimeseries({
        subject: entitySubject(entityRef),
        ...range,
      });
    }
    return { source, points };
  }
}
