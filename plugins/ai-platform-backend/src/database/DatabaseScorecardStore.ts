import { randomUUID } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { findEvalRunProblem } from '../evals/evalRunLimits';
import {
  EvalRun,
  EvalRunSource,
  EvalRunStore,
  NewEvalRun,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  scorecardCheckCategoryOf,
  ScorecardEvaluation,
  ScorecardResultStore,
} from '../scorecards/types';
import { normalizeTelemetryEntityRef } from './telemetrySubject';

const EVAL_RUNS_TABLE = 'ai_platform_eval_runs';
const RESULTS_TABLE = 'ai_platform_scorecard_results';

/** Entity refs per `whereIn`, well under SQLite's 999 bound parameters. */
const MAX_REFS_PER_QUERY = 500;

/** Eval runs per INSERT: 15 columns, under SQLite's 32,766 bound parameters. */
const EVAL_RUNS_PER_INSERT = 500;

interface EvalRunRow {
  id: string;
  entity_ref: string;
  suite: string;
  suite_version: string;
  run_id: string;
  source: EvalRunSource;
  score: number;
  passed: number;
  failed: number;
  total: number;
  errors: number;
  /** JSON object of metric names to numbers, or null for none. */
  metrics: string | null;
  started_at: number;
  finished_at: number | null;
  created_at: number;
}

interface ResultRow {
  id: string;
  evaluation_id: string;
  entity_ref: string;
  evaluated_at: number;
  check_id: string;
  status: ScorecardCheckStatus;
  value: number | null;
  threshold: number | null;
  window: string;
  message: string;
  level: string | null;
  source: ScorecardCheckSource;
}

function toEvalRun(row: Record<string, unknown>): EvalRun {
  const r = row as unknown as EvalRunRow;
  return {
    id: r.id,
    entityRef: r.entity_ref,
    suite: r.suite,
    suiteVersion: r.suite_version,
    runId: r.run_id,
    source: r.source,
    score: Number(r.score),
    passed: Number(r.passed),
    failed: Number(r.failed),
    total: Number(r.total),
    errors: Number(r.errors ?? 0),
    metrics: r.metrics ? JSON.parse(r.metrics) : {},
    startedAt: new Date(Number(r.started_at)),
    finishedAt:
      r.finished_at === null || r.finished_at === undefined
        ? null
        : new Date(Number(r.finished_at)),
    createdAt: new Date(Number(r.created_at)),
  };
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Groups result rows into evaluations, keeping the order of first sight. */
function toEvaluations(rows: Array<Record<string, unknown>>) {
  const evaluations = new Map<string, ScorecardEvaluation>();
  for (const raw of rows) {
    const row = raw as unknown as ResultRow;
    let evaluation = evaluations.get(row.evaluation_id);
    if (!evaluation) {
      evaluation = {
        evaluationId: row.evaluation_id,
        entityRef: row.entity_ref,
        evaluatedAt: new Date(Number(row.evaluated_at)),
        level: row.level ?? null,
        checks: [],
      };
      evaluations.set(row.evaluation_id, evaluation);
    }
    evaluation.checks.push({
      checkId: row.check_id,
      category: scorecardCheckCategoryOf(row.check_id),
      status: row.status,
      value: nullableNumber(row.value),
      threshold: nullableNumber(row.threshold),
      window: row.window,
      message: row.message,
      source: row.source ?? 'telemetry-store',
    });
  }
  return [...evaluations.values()];
}

/**
 * Knex implementation of the eval run and scorecard result stores, on the
 * tables of migration `20261123130000_evals_scorecards` (with the errors
 * and metrics of `20261205100000_eval_run_details`). Runs on SQLite and
 * PostgreSQL; the migrations are run by `DatabaseTelemetryStore.create`.
 *
 * @internal
 */
export class DatabaseScorecardStore
  implements EvalRunStore, ScorecardResultStore
{
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The row of a run; a run either database would refuse or store
   * differently (see `findEvalRunProblem`) is an InputError naming the field.
   */
  private toEvalRunRow(run: NewEvalRun, createdAt: number): EvalRunRow {
    // Plausible times are the parsers' concern; the store refuses what the
    // databases would refuse or store differently.
    const problem = findEvalRunProblem(run, undefined);
    if (problem) {
      throw new InputError(
        `Invalid eval run '${String(run.runId).slice(0, 64)}': '${
          problem.fieldName
        }': ${problem.message}`,
      );
    }
    return {
      id: randomUUID(),
      entity_ref: normalizeTelemetryEntityRef(run.entityRef),
      suite: run.suite,
      suite_version: run.suiteVersion,
      run_id: run.runId,
      source: run.source,
      score: run.score,
      passed: run.passed,
      failed: run.failed,
      total: run.total,
      errors: run.errors ?? 0,
      metrics:
        run.metrics && Object.keys(run.metrics).length > 0
          ? JSON.stringify(run.metrics)
          : null,
      started_at: run.startedAt.getTime(),
      finished_at: run.finishedAt ? run.finishedAt.getTime() : null,
      created_at: createdAt,
    };
  }

  async insertEvalRun(
    run: NewEvalRun,
  ): Promise<{ run: EvalRun; duplicate: boolean }> {
    const row = this.toEvalRunRow(run, this.now().getTime());
    const inserted: Array<{ id: string }> = await this.db(EVAL_RUNS_TABLE)
      .insert(row)
      .onConflict(['source', 'run_id'])
      .ignore()
      .returning('id');
    const stored = await this.db(EVAL_RUNS_TABLE)
      .where({ source: run.source, run_id: run.runId })
      .first();
    return {
      run: toEvalRun(stored),
      duplicate: !inserted.some(({ id }) => id === row.id),
    };
  }

  async insertEvalRuns(
    runs: NewEvalRun[],
  ): Promise<{ inserted: number; duplicates: number }> {
    const createdAt = this.now().getTime();
    const rows = runs.map(run => this.toEvalRunRow(run, createdAt));
    if (rows.length === 0) {
      return { inserted: 0, duplicates: 0 };
    }
    let inserted = 0;
    await this.db.transaction(async trx => {
      for (let i = 0; i < rows.length; i += EVAL_RUNS_PER_INSERT) {
        const ids: Array<{ id: string }> = await trx(EVAL_RUNS_TABLE)
          .insert(rows.slice(i, i + EVAL_RUNS_PER_INSERT))
          .onConflict(['source', 'run_id'])
          .ignore()
          .returning('id');
        inserted += ids.length;
      }
    });
    return { inserted, duplicates: rows.length - inserted };
  }

  async listEvalRuns(options: {
    entityRef: string;
    suite: string;
    suiteVersion?: string;
    limit: number;
  }): Promise<EvalRun[]> {
    const query = this.db(EVAL_RUNS_TABLE).where({
      entity_ref: normalizeTelemetryEntityRef(options.entityRef),
      suite: options.suite,
    });
    if (options.suiteVersion !== undefined) {
      query.andWhere('suite_version', options.suiteVersion);
    }
    const rows = await query
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(toEvalRun);
  }

  async insertEvaluation(evaluation: ScorecardEvaluation): Promise<void> {
    const rows: ResultRow[] = evaluation.checks.map(check => ({
      id: randomUUID(),
      evaluation_id: evaluation.evaluationId,
      entity_ref: normalizeTelemetryEntityRef(evaluation.entityRef),
      evaluated_at: evaluation.evaluatedAt.getTime(),
      check_id: check.checkId,
      status: check.status,
      value: check.value,
      threshold: check.threshold,
      window: check.window,
      message: check.message,
      level: evaluation.level,
      source: check.source,
    }));
    if (rows.length > 0) {
      await this.db.batchInsert(RESULTS_TABLE, rows, 50);
    }
  }

  async listEvaluations(options: {
    entityRef: string;
    limit: number;
  }): Promise<ScorecardEvaluation[]> {
    const entityRef = normalizeTelemetryEntityRef(options.entityRef);
    const latest = this.db(RESULTS_TABLE)
      .where('entity_ref', entityRef)
      .distinct('evaluation_id', 'evaluated_at')
      .orderBy([
        { column: 'evaluated_at', order: 'desc' },
        { column: 'evaluation_id', order: 'desc' },
      ])
      .limit(options.limit);
    const ids = (await latest).map(row => String(row.evaluation_id));
    if (ids.length === 0) {
      return [];
    }
    const rows = await this.db(RESULTS_TABLE)
      .whereIn('evaluation_id', ids)
      .orderBy([
        { column: 'evaluated_at', order: 'desc' },
        { column: 'evaluation_id', order: 'desc' },
        { column: 'check_id', order: 'asc' },
      ]);
    return toEvaluations(rows);
  }

  async getLatestEvaluations(
    entityRefs: string[],
  ): Promise<Map<string, ScorecardEvaluation>> {
    const refs = [...new Set(entityRefs.map(normalizeTelemetryEntityRef))];
    const result = new Map<string, ScorecardEvaluation>();
    for (let i = 0; i < refs.length; i += MAX_REFS_PER_QUERY) {
      const batch = refs.slice(i, i + MAX_REFS_PER_QUERY);
      const latestPerEntity = this.db(RESULTS_TABLE)
        .whereIn('entity_ref', batch)
        .groupBy('entity_ref')
        .select('entity_ref')
        .max({ latest_at: 'evaluated_at' })
        .as('latest');
      const rows = await this.db(`${RESULTS_TABLE} as r`)
        .join(latestPerEntity, join =>
          join
            .on('r.entity_ref', '=', 'latest.entity_ref')
            .andOn('r.evaluated_at', '=', 'latest.latest_at'),
        )
        .select('r.*')
        .orderBy([
          { column: 'r.entity_ref', order: 'asc' },
          { column: 'r.evaluation_id', order: 'desc' },
          { column: 'r.check_id', order: 'asc' },
        ]);
      for (const evaluation of toEvaluations(rows)) {
        // Two evaluations in the same millisecond: keep one of them whole.
        if (!result.has(evaluation.entityRef)) {
          result.set(evaluation.entityRef, evaluation);
        }
      }
    }
    return result;
  }
}
