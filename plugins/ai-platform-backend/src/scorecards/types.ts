import type {
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckSource,
  ScorecardCheckStatus,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import {
  TimeseriesMetric,
  TimeseriesPoint,
  TimeWindow,
} from '../database/TelemetryStore';

export type {
  ScorecardCheckCategory,
  ScorecardCheckSource,
  ScorecardCheckStatus,
};

/**
 * Every check status, in display order.
 *
 * @internal
 */
export const SCORECARD_CHECK_STATUSES: readonly ScorecardCheckStatus[] = [
  'pass',
  'warn',
  'fail',
  'not-enough-data',
  'source-unavailable',
];

/**
 * Thrown by a telemetry source that cannot answer now (down, slow, an error
 * response, a misconfigured selector); the message is shown to users as the
 * reason, e.g. `source unavailable: Prometheus at http://prom:9090 did not
 * answer within 2000 ms`.
 *
 * @internal
 */
export class ScorecardSourceUnavailableError extends Error {
  readonly name = 'ScorecardSourceUnavailableError';
}

/**
 * What the SLO checks need of a window.
 *
 * @internal
 */
export interface SloTelemetry {
  /** TTFT of successful streamed calls; `p95` is `null` without samples. */
  ttftMs: { p95: number | null; count: number };
  requests: number;
  errors: number;
  /** `null` when there were no requests. */
  errorRatePercent: number | null;
}

/**
 * A telemetry source other than the built-in store, chosen per entity
 * (today: Prometheus, for entities on a cluster configured for it).
 *
 * @internal
 */
export interface ExternalScorecardTelemetrySource {
  readonly source: 'prometheus';
  /** Whether this source answers for the entity; otherwise the built-in store does. */
  appliesTo(entity: Entity): boolean;
  /** @throws ScorecardSourceUnavailableError */
  getSloTelemetry(entity: Entity, window: TimeWindow): Promise<SloTelemetry>;
  /**
   * One metric in `steps` steps of `stepMs` from `from`, like
   * `TelemetryStore.getTimeseries`.
   *
   * @throws ScorecardSourceUnavailableError
   */
  getTimeseries(
    entity: Entity,
    options: {
      metric: TimeseriesMetric;
      from: Date;
      stepMs: number;
      steps: number;
    },
  ): Promise<TimeseriesPoint[]>;
}

/**
 * Every check category, in display order.
 *
 * @internal
 */
export const SCORECARD_CHECK_CATEGORIES: readonly ScorecardCheckCategory[] = [
  'slo',
  'budget',
  'eval',
  'efficiency',
  'agent',
  'governance',
];

/**
 * Check ids of the `efficiency` category.
 *
 * @internal
 */
export const EFFICIENCY_CHECK_IDS: readonly string[] = [
  'gpu-idle',
  'saturation',
];

/**
 * The result of one check at one evaluation.
 *
 * @internal
 */
export interface ScorecardCheckResult
  extends Omit<ScorecardCheck, 'source' | 'lastAvailable'> {
  /**
   * Where the value came from. Results stored before sources existed read
   * as `telemetry-store`.
   */
  source: ScorecardCheckSource;
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
  if (checkId.startsWith('agent-')) {
    return 'agent';
  }
  if (checkId.startsWith('governance:')) {
    return 'governance';
  }
  if (EFFICIENCY_CHECK_IDS.includes(checkId)) {
    return 'efficiency';
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
export type EvalRunSource = 'promptfoo' | 'generic' | 'otlp' | 'inspect';

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
  /**
   * Cases that did not run (a provider or runtime error: promptfoo
   * `failureReason` 2, an Inspect sample with an `error`); counted in
   * `total`, not in `passed`, `failed` or `score`. Absent means 0.
   */
  errors?: number;
  /**
   * Named metrics of the run, each a mean over the cases that ran (promptfoo
   * `namedScores`, Inspect `results.scores[].metrics`). Absent means none.
   */
  metrics?: Record<string, number>;
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
   * Stores runs in one transaction: a failure stores none of them, and a run
   * already stored (same source and run id) is kept as it was.
   */
  insertEvalRuns(
    runs: NewEvalRun[],
  ): Promise<{ inserted: number; duplicates: number }>;
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
