import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_EFFICIENCY_THRESHOLDS,
  EfficiencyThresholds,
} from './checks/efficiencyChecks';
import {
  SCORECARD_CHECK_CATEGORIES,
  ScorecardCheckCategory,
  ScorecardCheckResult,
} from './types';

/**
 * One rung of the level ladder: the level is reached when every check of
 * `categories` meets `requirement` (`no-fail`: pass, warn,
 * not-enough-data or source-unavailable; `pass`: pass only) and every lower level is reached.
 *
 * @internal
 */
export interface ScorecardLevel {
  name: string;
  categories: ScorecardCheckCategory[];
  requirement: 'no-fail' | 'pass';
}

/**
 * The scorecard settings under `aiPlatform.scorecards`.
 *
 * @internal
 */
export interface ScorecardConfig {
  /** Requests (TTFT samples for `ttft-p95`) a window needs to be judged. */
  minRequests: number;
  /** Minutes between scheduled evaluations of all entities. */
  frequencyMinutes: number;
  /** Largest accepted drop of an eval score against the previous run. */
  evalRegressionTolerance: number;
  /** Levels from lowest to highest. */
  levels: ScorecardLevel[];
  /** Thresholds of the `gpu-idle` and `saturation` checks. */
  efficiency: EfficiencyThresholds;
}

/**
 * The default level ladder: bronze = no failed budget check; silver = no
 * failed budget or SLO check; gold = every budget, SLO and eval check
 * passes (the `efficiency` checks only warn and are in no default level).
 *
 * @internal
 */
export const DEFAULT_SCORECARD_LEVELS: ScorecardLevel[] = [
  { name: 'bronze', categories: ['budget'], requirement: 'no-fail' },
  { name: 'silver', categories: ['budget', 'slo'], requirement: 'no-fail' },
  { name: 'gold', categories: ['budget', 'slo', 'eval'], requirement: 'pass' },
];

/**
 * Defaults of {@link ScorecardConfig} other than the levels.
 *
 * @internal
 */
export const DEFAULT_SCORECARD_CONFIG: ScorecardConfig = {
  minRequests: 20,
  frequencyMinutes: 10,
  evalRegressionTolerance: 0.05,
  levels: DEFAULT_SCORECARD_LEVELS,
  efficiency: DEFAULT_EFFICIENCY_THRESHOLDS,
};

/** A config object; `RootConfigService` is `Config` without extras. */
type ConfigReader = Pick<RootConfigService, 'getOptionalNumber'>;

function readNumber(
  config: ConfigReader,
  key: string,
  defaultValue: number,
  isValid: (value: number) => boolean,
  expected: string,
  path: string = key,
): number {
  const value = config.getOptionalNumber(key) ?? defaultValue;
  if (!isValid(value)) {
    throw new Error(
      `Invalid config 'aiPlatform.scorecards.${path}': expected ${expected}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads and validates `aiPlatform.scorecards`.
 *
 * @throws Error naming the key that is wrong
 * @internal
 */
export function readScorecardConfig(
  rootConfig: RootConfigService,
): ScorecardConfig {
  const config = rootConfig.getOptionalConfig('aiPlatform.scorecards');
  if (!config) {
    return DEFAULT_SCORECARD_CONFIG;
  }
  const minRequests = readNumber(
    config,
    'minRequests',
    DEFAULT_SCORECARD_CONFIG.minRequests,
    v => Number.isSafeInteger(v) && v >= 1,
    'an integer >= 1',
  );
  const frequencyMinutes = readNumber(
    config,
    'frequencyMinutes',
    DEFAULT_SCORECARD_CONFIG.frequencyMinutes,
    v => v > 0,
    'a positive number of minutes',
  );
  const evalRegressionTolerance = readNumber(
    config,
    'evalRegressionTolerance',
    DEFAULT_SCORECARD_CONFIG.evalRegressionTolerance,
    v => v >= 0 && v <= 1,
    'a score difference between 0 and 1',
  );
  const levelConfigs = config.getOptionalConfigArray('levels');
  const levels = levelConfigs
    ? levelConfigs.map((level, index) => {
        const key = `aiPlatform.scorecards.levels[${index}]`;
        const categories = level.getStringArray('categories');
        for (const category of categories) {
          if (
            !SCORECARD_CHECK_CATEGORIES.includes(
              category as ScorecardCheckCategory,
            )
          ) {
            throw new Error(
              `Invalid config '${key}.categories': expected ${SCORECARD_CHECK_CATEGORIES.join(
                ', ',
              )}, got '${category}'`,
            );
          }
        }
        const requirement = level.getString('requirement');
        if (requirement !== 'no-fail' && requirement !== 'pass') {
          throw new Error(
            `Invalid config '${key}.requirement': expected 'no-fail' or 'pass', got '${requirement}'`,
          );
        }
        return {
          name: level.getString('name'),
          categories: categories as ScorecardCheckCategory[],
          requirement,
        } as ScorecardLevel;
      })
    : DEFAULT_SCORECARD_LEVELS;
  const efficiencyConfig = config.getOptionalConfig('efficiency');
  const percent = (key: keyof EfficiencyThresholds) =>
    efficiencyConfig
      ? readNumber(
          efficiencyConfig,
          key,
          DEFAULT_EFFICIENCY_THRESHOLDS[key],
          v => v >= 0 && v <= 100,
          'a percent between 0 and 100',
          `efficiency.${key}`,
        )
      : DEFAULT_EFFICIENCY_THRESHOLDS[key];
  const efficiency: EfficiencyThresholds = {
    gpuIdleBelowPercent: percent('gpuIdleBelowPercent'),
    kvCacheAbovePercent: percent('kvCacheAbovePercent'),
    waitingRequestsAbove: efficiencyConfig
      ? readNumber(
          efficiencyConfig,
          'waitingRequestsAbove',
          DEFAULT_EFFICIENCY_THRESHOLDS.waitingRequestsAbove,
          v => v >= 0,
          'a number of requests >= 0',
          'efficiency.waitingRequestsAbove',
        )
      : DEFAULT_EFFICIENCY_THRESHOLDS.waitingRequestsAbove,
  };
  return {
    minRequests,
    frequencyMinutes,
    evalRegressionTolerance,
    levels,
    efficiency,
  };
}

/**
 * The highest level whose checks, and those of every lower level, meet their
 * requirement; `null` when there are no checks or the lowest level is not
 * reached. An entity none of whose checks has been measured yet (every
 * one not-enough-data or source-unavailable, e.g. a new agent before any
 * traffic or eval run) reaches no level rather than passing vacuously.
 *
 * @internal
 */
export function scorecardLevelOf(
  checks: ScorecardCheckResult[],
  levels: ScorecardLevel[],
): string | null {
  const measured = checks.some(
    check =>
      check.status === 'pass' ||
      check.status === 'warn' ||
      check.status === 'fail',
  );
  if (!measured) {
    return null;
  }
  let reached: string | null = null;
  for (const level of levels) {
    const met = checks
      .filter(check => level.categories.includes(check.category))
      .every(check =>
        level.requirement === 'pass'
          ? check.status === 'pass'
          : check.status !== 'fail',
      );
    if (!met) {
      break;
    }
    reached = level.name;
  }
  return reached;
}
