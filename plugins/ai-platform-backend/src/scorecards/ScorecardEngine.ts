import {
  AgentEvalRequirement,
  AiBudget,
  AiServiceLevelObjectives,
  GovernanceConfig,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { TelemetryStore } from '../database/TelemetryStore';
import {
  entitySubject,
  normalizeTelemetryEntityRef,
} from '../database/telemetrySubject';
import {
  EntityCostDetail,
  EntityCostService,
  servingModeOf,
} from '../cost/EntityCostService';
import {
  agentGpuShareBudgetChecks,
  gpuBudgetChecks,
  storeBudgetChecks,
} from './checks/budgetChecks';
import { positiveOrZero, round } from './checks/checkFormat';
import { efficiencyChecks } from './checks/efficiencyChecks';
import { evalChecks } from './checks/evalChecks';
import { governanceChecks } from './checks/governanceChecks';
import {
  agentChecks,
  AgentCheckThresholds,
  DEFAULT_AGENT_CHECK_THRESHOLDS,
} from './checks/agentChecks';
import { AgentRunStore } from '../agents/types';
import { ScorecardConfig, scorecardLevelOf } from './scorecardConfig';
import {
  EvalRunStore,
  ExternalScorecardTelemetrySource,
  ScorecardCheckResult,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardEvaluation,
  ScorecardResultStore,
  ScorecardSourceUnavailableError,
  SloTelemetry,
} from './types';

const HOUR_MS = 60 * 60 * 1000;

/**
 * SLO checks warn up to this multiple of the threshold, and fail above.
 *
 * @internal
 */
export const SLO_WARN_FACTOR = 1.2;

/** Hours the SLO checks look back. */
const SLO_WINDOW_HOURS = 24;

/** pass ≤ threshold, warn ≤ threshold × {@link SLO_WARN_FACTOR}, else fail. */
function sloStatus(value: number, threshold: number): ScorecardCheckStatus {
  if (value <= threshold) {
    return 'pass';
  }
  return value <= threshold * SLO_WARN_FACTOR ? 'warn' : 'fail';
}

/**
 * Computes the scorecard checks of a ModelEndpoint or Agent from its spec
 * (`slo`, `budget`, `evals`), the telemetry rollups and the eval runs, and
 * stores every evaluation. See the README for the rules.
 *
 * @internal
 */
export class ScorecardEngine {
  constructor(
    private readonly options: {
      telemetryStore: TelemetryStore;
      evalRunStore: EvalRunStore;
      resultStore: ScorecardResultStore;
      config: ScorecardConfig;
      /**
       * Answers the SLO checks of the entities it applies to (Prometheus);
       * the built-in telemetry store answers for the others.
       */
      externalSource?: ExternalScorecardTelemetrySource;
      /**
       * The cost of entities: the budget checks of a self-hosted endpoint
       * use its GPU cost, and it gets the efficiency checks. Without it
       * every budget check uses the gateway's per-call cost from the store
       * (as before GPU cost existed; the benchmarks run so).
       */
      costService?: EntityCostService;
      /** Agent runs and tool calls: Agents get the `agent` checks. */
      agentRunStore?: AgentRunStore;
      /** `aiPlatform.scorecards.agent`: defaults of the agent checks. */
      agentThresholds?: AgentCheckThresholds;
      /** `aiPlatform.governance`: the `governance` checks of every entity. */
      governance?: GovernanceConfig;
      /** `aiPlatform.telemetry.traceLinks`, linked from failing checks. */
      traceLinkTemplate?: string;
      now?: () => Date;
    },
  ) {}

  /** The clock of the evaluations. */
  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Evaluates an entity now, stores the result and returns it.
   *
   * @param costDetail - the entity's cost when the caller computed it (for
   * the same `now`); otherwise computed here
   */
  async evaluate(
    entity: Entity,
    costDetail?: EntityCostDetail,
    evaluatedAt: Date = this.now(),
  ): Promise<ScorecardEvaluation> {
    const entityRef = normalizeTelemetryEntityRef(stringifyEntityRef(entity));
    const { costService } = this.options;
    let detail = costDetail;
    if (!detail && costService && hasComputedCost(entity)) {
      detail = (await costService.costOf([entity], { now: evaluatedAt })).get(
        entityRef,
      );
    }
    const checks = await this.computeChecks(
      entityRef,
      entity,
      evaluatedAt,
      detail,
    );
    const evaluation: ScorecardEvaluation = {
      evaluationId: randomUUID(),
      entityRef,
      evaluatedAt,
      level: scorecardLevelOf(checks, this.options.config.levels),
      checks,
    };
    await this.options.resultStore.insertEvaluation(evaluation);
    return evaluation;
  }

  /**
   * Evaluates many entities at one `now`, with the GPU telemetry of all of
   * them read in one batch (never one Prometheus call per entity). An entity
   * whose evaluation fails is reported and the others go on.
   */
  async evaluateAll(entities: Entity[]): Promise<{
    evaluated: number;
    failed: Array<{ entityRef: string; error: unknown }>;
  }> {
    const evaluatedAt = this.now();
    const { costService } = this.options;
    // Self-hosted endpoints (GPU cost) and agents (their share of it).
    const selfHosted = entities.filter(hasComputedCost);
    const costs =
      costService && selfHosted.length > 0
        ? await costService.costOf(selfHosted, { now: evaluatedAt })
        : new Map<string, EntityCostDetail>();
    const failed: Array<{ entityRef: string; error: unknown }> = [];
    for (const entity of entities) {
      const entityRef = normalizeTelemetryEntityRef(stringifyEntityRef(entity));
      try {
        await this.evaluate(entity, costs.get(entityRef), evaluatedAt);
      } catch (error) {
        failed.push({ entityRef, error });
      }
    }
    return { evaluated: entities.length - failed.length, failed };
  }

  private async computeChecks(
    entityRef: string,
    entity: Entity,
    now: Date,
    costDetail: EntityCostDetail | undefined,
  ): Promise<ScorecardCheckResult[]> {
    const spec = (entity.spec ?? {}) as {
      slo?: AiServiceLevelObjectives;
      budget?: AiBudget;
      evals?: AgentEvalRequirement[];
    };
    const checks: ScorecardCheckResult[] = [];
    checks.push(
      ...(await this.sloChecks(entityRef, entity, spec.slo ?? {}, now)),
    );
    const monthlyUsd = positiveOrZero(spec.budget?.monthlyUsd);
    if (monthlyUsd !== undefined) {
      let budget: ScorecardCheckResult[];
      if (costDetail && costDetail.cost.servingMode === 'self-hosted') {
        budget = gpuBudgetChecks(costDetail, monthlyUsd);
      } else if (costDetail?.cost.gpuShare) {
        // An agent that called a self-hosted endpoint: its share of the GPU
        // cost replaces the gateway's price of those calls.
        budget = agentGpuShareBudgetChecks({
          detail: costDetail,
          monthlyUsd,
          requests: costDetail.cost.unitCost?.requests ?? 0,
          minRequests: this.options.config.minRequests,
          now,
        });
      } else {
        budget = await storeBudgetChecks({
          telemetryStore: this.options.telemetryStore,
          entityRef,
          monthlyUsd,
          minRequests: this.options.config.minRequests,
          now,
        });
      }
      checks.push(...budget);
    }
    if (costDetail) {
      checks.push(
        ...efficiencyChecks(costDetail, this.options.config.efficiency),
      );
    }
    const { agentRunStore } = this.options;
    if (agentRunStore && entity.kind.toLocaleLowerCase('en-US') === 'agent') {
      checks.push(
        ...(await agentChecks({
          store: agentRunStore,
          entityRef,
          spec,
          defaults:
            this.options.agentThresholds ?? DEFAULT_AGENT_CHECK_THRESHOLDS,
          traceLinkTemplate: this.options.traceLinkTemplate,
          now,
        })),
      );
    }
    for (const requirement of Array.isArray(spec.evals) ? spec.evals : []) {
      if (
        typeof requirement?.suite === 'string' &&
        positiveOrZero(requirement.minScore) !== undefined
      ) {
        checks.push(
          ...(await evalChecks({
            evalRunStore: this.options.evalRunStore,
            evalRegressionTolerance:
              this.options.config.evalRegressionTolerance,
            entityRef,
            requirement,
          })),
        );
      }
    }
    if (this.options.governance) {
      checks.push(...governanceChecks(entity, this.options.governance));
    }
    return checks;
  }

  /**
   * The SLO telemetry of the last {@link SLO_WINDOW_HOURS} hours from the
   * entity's source, or why that source is unavailable.
   */
  private async sloTelemetry(
    entityRef: string,
    entity: Entity,
    now: Date,
  ): Promise<
    | { source: ScorecardCheckSource; telemetry: SloTelemetry }
    | { source: ScorecardCheckSource; unavailable: string }
  > {
    const window = {
      from: new Date(now.getTime() - SLO_WINDOW_HOURS * HOUR_MS),
      to: now,
    };
    const external = this.options.externalSource;
    if (external && external.appliesTo(entity)) {
      try {
        return {
          source: external.source,
          telemetry: await external.getSloTelemetry(entity, window),
        };
      } catch (error) {
        if (error instanceof ScorecardSourceUnavailableError) {
          return { source: external.source, unavailable: error.message };
        }
        throw error;
      }
    }
    const usage = await this.options.telemetryStore.getUsage({
      subject: entitySubject(entityRef),
      ...window,
    });
    return { source: 'telemetry-store', telemetry: usage };
  }

  private async sloChecks(
    entityRef: string,
    entity: Entity,
    slo: AiServiceLevelObjectives,
    now: Date,
  ): Promise<ScorecardCheckResult[]> {
    const ttftThresholdMs = positiveOrZero(slo.ttftP95Ms);
    const errorRateThresholdPercent = positiveOrZero(slo.errorRatePercent);
    if (
      ttftThresholdMs === undefined &&
      errorRateThresholdPercent === undefined
    ) {
      return [];
    }
    const { minRequests } = this.options.config;
    const answer = await this.sloTelemetry(entityRef, entity, now);
    const window = `${SLO_WINDOW_HOURS}h`;
    const { source } = answer;
    if ('unavailable' in answer) {
      const unavailable = (
        checkId: string,
        threshold: number,
      ): ScorecardCheckResult => ({
        checkId,
        category: 'slo',
        status: 'source-unavailable',
        value: null,
        threshold,
        window,
        message: answer.unavailable,
        source,
      });
      return [
        ...(ttftThresholdMs === undefined
          ? []
          : [unavailable('ttft-p95', ttftThresholdMs)]),
        ...(errorRateThresholdPercent === undefined
          ? []
          : [unavailable('error-rate', errorRateThresholdPercent)]),
      ];
    }
    const usage = answer.telemetry;
    const checks: ScorecardCheckResult[] = [];

    if (ttftThresholdMs !== undefined) {
      const { p95, count } = usage.ttftMs;
      if (p95 === null || count < minRequests) {
        checks.push({
          checkId: 'ttft-p95',
          category: 'slo',
          status: 'not-enough-data',
          value: p95 === null ? null : round(p95, 1),
          threshold: ttftThresholdMs,
          window,
          source,
          message: `Only ${count} streamed successful call(s) with a TTFT in the last ${SLO_WINDOW_HOURS} h; at least ${minRequests} are needed to judge the TTFT p95`,
        });
      } else {
        const status = sloStatus(p95, ttftThresholdMs);
        checks.push({
          checkId: 'ttft-p95',
          category: 'slo',
          status,
          value: round(p95, 1),
          threshold: ttftThresholdMs,
          window,
          source,
          message: `TTFT p95 over the last ${SLO_WINDOW_HOURS} h is ${round(
            p95,
            1,
          )} ms (${count} calls); the SLO is ${ttftThresholdMs} ms${
            status === 'pass'
              ? ''
              : `, warn up to ${round(ttftThresholdMs * SLO_WARN_FACTOR, 1)} ms`
          }`,
        });
      }
    }

    if (errorRateThresholdPercent !== undefined) {
      const { requests, errors, errorRatePercent } = usage;
      if (errorRatePercent === null || requests < minRequests) {
        checks.push({
          checkId: 'error-rate',
          category: 'slo',
          status: 'not-enough-data',
          value: errorRatePercent === null ? null : round(errorRatePercent),
          threshold: errorRateThresholdPercent,
          window,
          source,
          message: `Only ${requests} request(s) in the last ${SLO_WINDOW_HOURS} h; at least ${minRequests} are needed to judge the error rate`,
        });
      } else {
        const status = sloStatus(errorRatePercent, errorRateThresholdPercent);
        checks.push({
          checkId: 'error-rate',
          category: 'slo',
          status,
          value: round(errorRatePercent),
          threshold: errorRateThresholdPercent,
          window,
          source,
          message: `${errors} of ${requests} requests failed in the last ${SLO_WINDOW_HOURS} h (${round(
            errorRatePercent,
          )}%); the SLO is ${errorRateThresholdPercent}%`,
        });
      }
    }
    return checks;
  }
}

/**
 * Entities whose cost the cost service computes for the checks: self-hosted
 * endpoints (GPU cost) and agents (the share of self-hosted GPU cost of
 * their calls); the others are priced by the gateway in the store.
 */
function hasComputedCost(entity: Entity): boolean {
  return (
    servingModeOf(entity) === 'self-hosted' ||
    entity.kind.toLocaleLowerCase('en-US') === 'agent'
  );
}
