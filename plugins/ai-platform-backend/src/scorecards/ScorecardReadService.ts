import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
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
import {
  entitySubject,
  normalizeTelemetryEntityRef,
} from '../database/telemetrySubject';
import { ScorecardEngine } from './ScorecardEngine';
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

const DAY_MS = 24 * 60 * 60 * 1000;
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
  private readonly access: TelemetryReadAccess;
  private readonly now: () => Date;

  constructor(private readonly options: ScorecardReadServiceOptions) {
    this.access = options.access;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The numbers behind the checks, carried by the scorecard response so the
   * scorecard tab needs no extra requests: month-to-date usage (the same
   * shape as `GET /usage/by-entity`) and the last 30 UTC days' requests,
   * errors and cost from the built-in store.
   */
  private async usageForScorecard(entityRef: string) {
    const at = this.now();
    const subject = entitySubject(entityRef);
    const monthStart = new Date(
      Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1),
    );
    const usage = await this.options.telemetryStore.getUsage({
      subject,
      from: monthStart,
      to: at,
    });
    let ttftMsFromGatewayHistograms:
      | { p95Estimate: number | null; count: number; estimated: true }
      | undefined;
    if (this.options.gatewayHistogramStore) {
      const ttft = await this.options.gatewayHistogramStore.getQuantileEstimate(
        {
          subject,
          metric: 'gen_ai.server.time_to_first_token',
          q: 0.95,
          window: {
            from: new Date(usage.window.from),
            to: new Date(usage.window.to),
          },
        },
      );
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
        this.options.telemetryStore.getTimeseries({
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
  async listByOwner(ownerRef: string, credentials: BackstageCredentials) {
    const ownerEntity = await this.options.catalog.getEntityByRef(ownerRef, {
      credentials,
    });
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
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: [...new Set(childRefs)] },
        { credentials },
      );
      frontier = items.filter((item): item is Entity => Boolean(item));
      for (const child of frontier) {
        groups.set(stringifyEntityRef(child).toLocaleLowerCase('en-US'), child);
      }
    }

    const { items: matching } = await this.options.catalog.getEntities(
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
    const readable = await this.access.filterReadable(
      owned.map((entity, index) => ({ entity, entityRef: ownedRefs[index] })),
      item => item.entityRef,
      credentials,
    );
    const latest = await this.options.resultStore.getLatestEvaluations(
      readable.map(item => item.entityRef),
    );

    return {
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
    };
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
