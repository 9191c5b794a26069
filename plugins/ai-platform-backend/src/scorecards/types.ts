/**
 * Status of one scorecard check.
 *
 * @internal
 */
export type ScorecardCheckStatus = 'pass' | 'warn' | 'fail' | 'not-enough-data';

/**
 * The groups of checks that levels are defined over: `slo` (`ttft-p95`,
 * `error-rate`), `budget` (`budget-mtd`, `budget-forecast`) and `eval`
 * (`eval:<suite>`, `eval-regression:<suite>`).
 *
 * @internal
 */
export type ScorecardCheckCategory = 'slo' | 'budget' | 'eval';

/**
 * Every check category, in display order.
 *
 * @internal
 */
export const SCORECARD_CHECK_CATEGORIES: readonly ScorecardCheckCategory[] = [
  'slo',
  'budget',
  'eval',
];

/**
 * The result of one check at one evaluation.
 *
 * @internal
 */
export interface ScorecardCheckResult {
  /** e.g. `ttft-p95`, `budget-mtd`, `eval:helpfulness`. */
  checkId: string;
  category: ScorecardCheckCategory;
  status: ScorecardCheckStatus;
  /** The measured value (ms, percent, USD or score); `null` without data. */
  value: number | null;
  /** The threshold from the entity spec, in the unit of `value`. */
  threshold: number | null;
  /** What the value covers, e.g. `24h`, `month-to-date`, `latest-run`. */
  window: string;
  /** A sentence a person can act on. */
  message: string;
}

/**
 * One evaluation of all checks of an entity.
 *
 * @internal
 */
export interface ScorecardEvaluation {
  evaluationId: string;
  /** Lower case `kind:namespace/name`. */
  entityRef: string;
  evaluatedAt: Date;
  /** The highest level reached, or `null` when none is. */
  level: string | null;
  checks: ScorecardCheckResult[];
}

/**
 * The category of a check id.
 *
 * @internal
 */
export function scorecardCheckCategoryOf(
  checkId: string,
): ScorecardCheckCategory {
  if (checkId.startsWith('eval:') || checkId.startsWith('eval-regression:')) {
    return 'eval';
  }
  if (checkId.startsWith('budget-')) {
    return 'budget';
  }
  return 'slo';
}

/**
 * Where scorecard evaluations are kept, with their history.
 *
 * @internal
 */
export interface ScorecardResultStore {
  /** Stores every check result of one evaluation. */
  insertEvaluation(evaluation: ScorecardEvaluation): Promise<void>;
  /** The latest `limit` evaluations of an entity, newest first. */
  listEvaluations(options: {
    entityRef: string;
    limit: number;
  }): Promise<ScorecardEvaluation[]>;
  /** The latest evaluation of each entity that has one. */
  getLatestEvaluations(
    entityRefs: string[],
  ): Promise<Map<string, ScorecardEvaluation>>;
}

/**
 * Where an eval run came from.
 *
 * @internal
 */
export type EvalRunSource = 'promptfoo' | 'generic' | 'otlp';

/**
 * One eval suite run bound to an entity.
 *
 * @internal
 */
export interface EvalRun {
  id: string;
  /** Lower case `kind:namespace/name`. */
  entityRef: string;
  suite: string;
  suiteVersion: string;
  runId: string;
  source: EvalRunSource;
  /** 0 to 1. */
  score: number;
  passed: number;
  failed: number;
  total: number;
  startedAt: Date;
  finishedAt: Date | null;
  createdAt: Date;
}

/**
 * An eval run to store.
 *
 * @internal
 */
export type NewEvalRun = Omit<EvalRun, 'id' | 'createdAt'>;

/**
 * Where eval runs are kept.
 *
 * @internal
 */
export interface EvalRunStore {
  /**
   * Stores a run. A run with the same source and run id is kept as it was
   * (`duplicate: true`), so a retried upload is harmless.
   */
  insertEvalRun(run: NewEvalRun): Promise<{ run: EvalRun; duplicate: boolean }>;
  /**
   * Runs of one suite of an entity, newest `startedAt` first, optionally of
   * one suite version only.
   */
  listEvalRuns(options: {
    entityRef: string;
    suite: string;
    suiteVersion?: string;
    limit: number;
  }): Promise<EvalRun[]>;
}
