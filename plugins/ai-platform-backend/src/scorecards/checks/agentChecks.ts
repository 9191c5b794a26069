import { RootConfigService } from '@backstage/backend-plugin-api';
import { traceLinkOf } from '../../agents/AgentRunsReadService';
import { AgentRunStats, AgentRunStore } from '../../agents/types';
import { ScorecardCheckResult, ScorecardCheckStatus } from '../types';
import { positiveOrZero, round, usdText } from './checkFormat';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days the agent checks look back: runs are sparser than model calls. */
const AGENT_WINDOW_DAYS = 7;
/** Warn up to this multiple of a "lower is better" threshold. */
const WARN_FACTOR = 1.2;
/** Success rate warns this many points below its threshold, fails below. */
const SUCCESS_WARN_POINTS = 5;

/**
 * Defaults of the agent checks (`aiPlatform.scorecards.agent`), used when
 * the Agent's spec sets no threshold.
 *
 * @internal
 */
export interface AgentCheckThresholds {
  /** Lowest share of successful runs, percent. */
  runSuccessPercent: number;
  /** Highest p95 run duration, ms. */
  runP95Ms: number;
  /** Highest cost per run, USD; no check when absent and the spec sets none. */
  perRunUsd?: number;
  /** Highest error rate of any one tool, percent. */
  toolErrorRatePercent: number;
  /** Runs (or calls of a tool) a window needs before it is judged. */
  minRuns: number;
}

/** @internal */
export const DEFAULT_AGENT_CHECK_THRESHOLDS: AgentCheckThresholds = {
  runSuccessPercent: 95,
  runP95Ms: 60_000,
  toolErrorRatePercent: 5,
  minRuns: 20,
};

/**
 * Reads `aiPlatform.scorecards.agent`.
 *
 * @throws Error naming the key that is wrong
 * @internal
 */
export function readAgentCheckThresholds(
  config: RootConfigService,
): AgentCheckThresholds {
  const agent = config.getOptionalConfig('aiPlatform.scorecards.agent');
  const read = (
    key: keyof AgentCheckThresholds,
    valid: (value: number) => boolean,
    expected: string,
  ): number | undefined => {
    const value = agent?.getOptionalNumber(key);
    if (value !== undefined && !valid(value)) {
      throw new Error(
        `Invalid config 'aiPlatform.scorecards.agent.${key}': expected ${expected}, got ${value}`,
      );
    }
    return value;
  };
  const percent = (v: number) => v >= 0 && v <= 100;
  const defaults = DEFAULT_AGENT_CHECK_THRESHOLDS;
  const perRunUsd = read('perRunUsd', v => v >= 0, 'a number >= 0 of USD');
  return {
    runSuccessPercent:
      read('runSuccessPercent', percent, 'a percentage (0 to 100)') ??
      defaults.runSuccessPercent,
    runP95Ms:
      read('runP95Ms', v => v > 0, 'a positive number of ms') ??
      defaults.runP95Ms,
    ...(perRunUsd === undefined ? {} : { perRunUsd }),
    toolErrorRatePercent:
      read('toolErrorRatePercent', percent, 'a percentage (0 to 100)') ??
      defaults.toolErrorRatePercent,
    minRuns:
      read(
        'minRuns',
        v => Number.isSafeInteger(v) && v >= 1,
        'an integer >= 1',
      ) ?? defaults.minRuns,
  };
}

function atMost(value: number, threshold: number): ScorecardCheckStatus {
  if (value <= threshold) {
    return 'pass';
  }
  return value <= threshold * WARN_FACTOR ? 'warn' : 'fail';
}

/** " Latest failing trace: <url>" when there is one. */
function traceSuffix(template: string | undefined, stats: AgentRunStats) {
  const url = traceLinkOf(
    template,
    stats.latestFailingRuns[0]?.traceId ?? null,
  );
  return url ? `. Latest failing trace: ${url}` : '';
}

/**
 * The `agent` checks of an Agent over the last {@link AGENT_WINDOW_DAYS}
 * days of its runs: `agent-run-success` (share of successful runs),
 * `agent-run-p95` (p95 run duration), `agent-cost-per-run` (when the spec
 * or config sets `perRunUsd`) and `agent-tool-error-rate` (the worst tool,
 * named). Thresholds from the spec (`slo.runSuccessPercent`,
 * `slo.runP95Ms`, `budget.perRunUsd`), else from `defaults`.
 *
 * @internal
 */
export async function agentChecks(options: {
  store: AgentRunStore;
  entityRef: string;
  /** The Agent's spec: `slo` and `budget` are read. */
  spec: { slo?: object; budget?: object };
  defaults: AgentCheckThresholds;
  traceLinkTemplate?: string;
  now: Date;
}): Promise<ScorecardCheckResult[]> {
  const { store, entityRef, defaults, traceLinkTemplate, now } = options;
  const slo = (options.spec.slo ?? {}) as Record<string, unknown>;
  const budget = (options.spec.budget ?? {}) as Record<string, unknown>;
  const stats = await store.getAgentRunStats({
    agentEntityRef: entityRef,
    from: new Date(now.getTime() - AGENT_WINDOW_DAYS * DAY_MS),
    to: now,
  });
  const window = `${AGENT_WINDOW_DAYS}d`;
  const base = {
    category: 'agent' as const,
    window,
    source: 'telemetry-store' as const,
  };
  const enough = stats.runs >= defaults.minRuns;
  const tooFew = `Only ${stats.runs} run(s) in the last ${AGENT_WINDOW_DAYS} days; at least ${defaults.minRuns} are needed`;
  const checks: ScorecardCheckResult[] = [];

  const successThreshold =
    positiveOrZero(slo.runSuccessPercent) ?? defaults.runSuccessPercent;
  if (!enough || stats.successRatePercent === null) {
    checks.push({
      ...base,
      checkId: 'agent-run-success',
      status: 'not-enough-data',
      value:
        stats.successRatePercent === null
          ? null
          : round(stats.successRatePercent),
      threshold: successThreshold,
      message: `${tooFew} to judge the run success rate`,
    });
  } else {
    const value = stats.successRatePercent;
    let status: ScorecardCheckStatus = 'fail';
    if (value >= successThreshold) {
      status = 'pass';
    } else if (value >= successThreshold - SUCCESS_WARN_POINTS) {
      status = 'warn';
    }
    checks.push({
      ...base,
      checkId: 'agent-run-success',
      status,
      value: round(value),
      threshold: successThreshold,
      message: `${stats.runs - stats.failedRuns} of ${
        stats.runs
      } runs succeeded in the last ${AGENT_WINDOW_DAYS} days (${round(
        value,
      )}%); the objective is ${successThreshold}%${
        status === 'pass' ? '' : traceSuffix(traceLinkTemplate, stats)
      }`,
    });
  }

  const p95Threshold = positiveOrZero(slo.runP95Ms) ?? defaults.runP95Ms;
  if (!enough || stats.p95DurationMs === null) {
    checks.push({
      ...base,
      checkId: 'agent-run-p95',
      status: 'not-enough-data',
      value:
        stats.p95DurationMs === null ? null : round(stats.p95DurationMs, 1),
      threshold: p95Threshold,
      message: `${tooFew} to judge the p95 run duration`,
    });
  } else {
    const status = atMost(stats.p95DurationMs, p95Threshold);
    checks.push({
      ...base,
      checkId: 'agent-run-p95',
      status,
      value: round(stats.p95DurationMs, 1),
      threshold: p95Threshold,
      message: `p95 run duration over the last ${AGENT_WINDOW_DAYS} days is ${round(
        stats.p95DurationMs / 1000,
        2,
      )} s (${stats.runs} runs); the objective is ${round(
        p95Threshold / 1000,
        2,
      )} s`,
    });
  }

  const perRunUsd = positiveOrZero(budget.perRunUsd) ?? defaults.perRunUsd;
  if (perRunUsd !== undefined) {
    if (!enough || stats.costPerRunUsd === null) {
      checks.push({
        ...base,
        checkId: 'agent-cost-per-run',
        status: 'not-enough-data',
        value:
          stats.costPerRunUsd === null ? null : round(stats.costPerRunUsd, 6),
        threshold: perRunUsd,
        message: `${tooFew} to judge the cost per run`,
      });
    } else {
      checks.push({
        ...base,
        checkId: 'agent-cost-per-run',
        status: atMost(stats.costPerRunUsd, perRunUsd),
        value: round(stats.costPerRunUsd, 6),
        threshold: perRunUsd,
        message: `A run cost ${usdText(
          stats.costPerRunUsd,
        )} USD on average over the last ${AGENT_WINDOW_DAYS} days (${usdText(
          stats.costUsd,
        )} USD over ${
          stats.runs
        } runs, the sum of their model calls); the budget is ${perRunUsd} USD per run`,
      });
    }
  }

  const toolThreshold = defaults.toolErrorRatePercent;
  const judged = stats.tools.filter(tool => tool.calls >= defaults.minRuns);
  const worst = [...judged].sort(
    (a, b) =>
      (b.errorRatePercent ?? 0) - (a.errorRatePercent ?? 0) ||
      b.calls - a.calls,
  )[0];
  if (!worst) {
    checks.push({
      ...base,
      checkId: 'agent-tool-error-rate',
      status: 'not-enough-data',
      value: null,
      threshold: toolThreshold,
      message: `No tool was called at least ${defaults.minRuns} times in the last ${AGENT_WINDOW_DAYS} days`,
    });
  } else {
    const value = worst.errorRatePercent ?? 0;
    const status = atMost(value, toolThreshold);
    const url = traceLinkOf(traceLinkTemplate, worst.latestFailingTraceId);
    checks.push({
      ...base,
      checkId: 'agent-tool-error-rate',
      status,
      value: round(value),
      threshold: toolThreshold,
      message: `Worst tool: '${worst.toolName}', ${worst.errors} of ${
        worst.calls
      } calls failed (${round(
        value,
      )}%); the limit is ${toolThreshold}% per tool${
        status !== 'pass' && url ? `. Latest failing trace: ${url}` : ''
      }`,
    });
  }
  return checks;
}
