import {
  AgentEvalRequirement,
  AiBudget,
  AiServiceLevelObjectives,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { TelemetryStore } from '../database/TelemetryStore';
import {
  entitySubject,
  normalizeTelemetryEntityRef,
} from '../database/telemetrySubject';
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

/** Eval runs of one suite version read for the regression check. */
const REGRESSION_RUNS = 2;

function positiveOrZero(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}

/** USD for a sentence: cents from 1 USD up, three significant digits below. */
function usdText(value: number): string {
  if (value === 0 || Math.abs(value) >= 1) {
    return value.toFixed(2);
  }
  return String(Number(value.toPrecision(3)));
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** pass ≤ threshold, warn ≤ threshold × {@link SLO_WARN_FACTOR}, else fail. */
function sloStatus(value: number, threshold: number): ScorecardCheckStatus {
  if (value <= threshold) {
    return 'pass';
  }
  return value <= threshold * SLO_WARN_FACTOR ? 'warn' : 'fail';
}

function utcMonthBounds(now: Date): { startMs: number; endMs: number } {
  const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const endMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return { startMs, endMs };
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
      now?: () => Date;
    },
  ) {}

  /** Evaluates an entity now, stores the result and returns it. */
  async evaluate(entity: Entity): Promise<ScorecardEvaluation> {
    const evaluatedAt = this.options.now?.() ?? new Date();
    const entityRef = normalizeTelemetryEntityRef(stringifyEntityRef(entity));
    const checks = await this.computeChecks(entityRef, entity, evaluatedAt);
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

  private async computeChecks(
    entityRef: string,
    entity: Entity,
    now: Date,
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
    checks.push(
      ...(await this.budgetChecks(entityRef, spec.budget ?? {}, now)),
    );
    for (const requirement of Array.isArray(spec.evals) ? spec.evals : []) {
      if (
        typeof requirement?.suite === 'string' &&
        positiveOrZero(requirement.minScore) !== undefined
      ) {
        checks.push(...(await this.evalChecks(entityRef, requirement)));
      }
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

  private async budgetChecks(
    entityRef: string,
    budget: AiBudget,
    now: Date,
  ): Promise<ScorecardCheckResult[]> {
    const monthlyUsd = positiveOrZero(budget.monthlyUsd);
    if (monthlyUsd === undefined) {
      return [];
    }
    const { startMs, endMs } = utcMonthBounds(now);
    // Counts and cost only: the month's sketches are not needed here.
    const usage = await this.options.telemetryStore.getUsage({
      subject: entitySubject(entityRef),
      from: new Date(startMs),
      to: now,
      percentiles: false,
    });
    const mtdUsd = usage.costUsd;
    const mtdStatus: ScorecardCheckStatus =
      mtdUsd <= monthlyUsd ? 'pass' : 'fail';
    const checks: ScorecardCheckResult[] = [
      {
        checkId: 'budget-mtd',
        category: 'budget',
        status: mtdStatus,
        value: round(mtdUsd, 4),
        threshold: monthlyUsd,
        window: 'month-to-date',
        source: 'telemetry-store',
        message: `Spent ${usdText(
          mtdUsd,
        )} USD this month (UTC) of a ${monthlyUsd} USD budget${
          mtdStatus === 'fail' ? ': over budget' : ''
        }`,
      },
    ];

    const elapsedFraction = (now.getTime() - startMs) / (endMs - startMs);
    const { minRequests } = this.options.config;
    if (usage.requests < minRequests || elapsedFraction <= 0) {
      checks.push({
        checkId: 'budget-forecast',
        category: 'budget',
        status: 'not-enough-data',
        value: null,
        threshold: monthlyUsd,
        window: 'month-forecast',
        source: 'telemetry-store',
        message: `Only ${usage.requests} request(s) this month; at least ${minRequests} are needed to forecast the month's spend`,
      });
    } else {
      const forecastUsd = mtdUsd / elapsedFraction;
      let status: ScorecardCheckStatus = 'pass';
      if (forecastUsd > monthlyUsd) {
        status = mtdUsd > monthlyUsd ? 'fail' : 'warn';
      }
      checks.push({
        checkId: 'budget-forecast',
        category: 'budget',
        status,
        value: round(forecastUsd, 4),
        threshold: monthlyUsd,
        window: 'month-forecast',
        source: 'telemetry-store',
        message: `At this month's rate the spend reaches ${usdText(
          forecastUsd,
        )} USD by the end of the month; the budget is ${monthlyUsd} USD`,
      });
    }
    return checks;
  }

  private async evalChecks(
    entityRef: string,
    requirement: AgentEvalRequirement,
  ): Promise<ScorecardCheckResult[]> {
    const { suite, minScore } = requirement;
    const { evalRunStore, config } = this.options;
    const [latest] = await evalRunStore.listEvalRuns({
      entityRef,
      suite,
      limit: 1,
    });
    if (!latest) {
      const message = `No run of eval suite '${suite}' was reported for this entity`;
      return [
        {
          checkId: `eval:${suite}`,
          category: 'eval',
          status: 'not-enough-data',
          value: null,
          threshold: minScore,
          window: 'latest-run',
          source: 'telemetry-store',
          message,
        },
        {
          checkId: `eval-regression:${suite}`,
          category: 'eval',
          status: 'not-enough-data',
          value: null,
          threshold: config.evalRegressionTolerance,
          window: 'latest-vs-previous-run',
          source: 'telemetry-store',
          message,
        },
      ];
    }

    const scoreStatus: ScorecardCheckStatus =
      latest.score >= minScore ? 'pass' : 'fail';
    const checks: ScorecardCheckResult[] = [
      {
        checkId: `eval:${suite}`,
        category: 'eval',
        status: scoreStatus,
        value: latest.score,
        threshold: minScore,
        window: 'latest-run',
        source: 'telemetry-store',
        message: `Run ${latest.runId} of '${suite}' ${
          latest.suiteVersion
        } scored ${round(latest.score, 3)} (${latest.passed}/${
          latest.total
        } passed); the minimum is ${minScore}`,
      },
    ];

    const [, previous] = await evalRunStore.listEvalRuns({
      entityRef,
      suite,
      suiteVersion: latest.suiteVersion,
      limit: REGRESSION_RUNS,
    });
    const tolerance = config.evalRegressionTolerance;
    if (!previous) {
      checks.push({
        checkId: `eval-regression:${suite}`,
        category: 'eval',
        status: 'not-enough-data',
        value: null,
        threshold: tolerance,
        window: 'latest-vs-previous-run',
        source: 'telemetry-store',
        message: `No earlier run of '${suite}' ${latest.suiteVersion} to compare run ${latest.runId} with`,
      });
    } else {
      const dropScore = round(previous.score - latest.score, 6);
      checks.push({
        checkId: `eval-regression:${suite}`,
        category: 'eval',
        status: dropScore > tolerance ? 'fail' : 'pass',
        value: dropScore,
        threshold: tolerance,
        window: 'latest-vs-previous-run',
        source: 'telemetry-store',
        message:
          dropScore > 0
            ? `Score of '${suite}' ${latest.suiteVersion} dropped by ${round(
                dropScore,
                3,
              )} from ${round(previous.score, 3)} (run ${
                previous.runId
              }) to ${round(latest.score, 3)} (run ${
                latest.runId
              }); the tolerance is ${tolerance}`
            : `Score of '${suite}' ${latest.suiteVersion} did not drop: ${round(
                previous.score,
                3,
              )} (run ${previous.runId}) → ${round(latest.score, 3)} (run ${
                latest.runId
              })`,
      });
    }
    return checks;
  }
}
