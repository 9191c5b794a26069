import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { NewEvalRun } from '../scorecards/types';
import {
  checkedRun,
  describeIssues,
  finiteNumber,
  readBinding,
  timestamp,
} from './evalUploadFields';

const WHAT = 'Inspect AI eval log';
const BINDING_HINT =
  'Inspect AI upload (pass entityRef as a query parameter; suite and suiteVersion default to the task and its version)';

/**
 * A sample's score value that counts as passed: Inspect's CORRECT ('C'),
 * `true` or 1. Every other scored value ('I', 'N' no answer, 'P' partial,
 * `false`, numbers below 1) counts as failed.
 */
function isCorrect(value: unknown): boolean {
  return value === 'C' || value === true || value === 1;
}

const metricSchema = z.object({
  // Inspect writes a NaN metric (stderr of one sample) as null.
  value: finiteNumber.nullable(),
});

/**
 * The parts of an Inspect AI eval log (`EvalLog`, JSON log format version
 * 2, as `inspect eval --log-format json` writes it) that are read.
 */
const inspectLogSchema = z.object({
  version: z.literal(2, {
    error: 'expected 2 (the Inspect AI JSON eval log format version 2)',
  }),
  status: z.literal('success', {
    error:
      "expected 'success': a log of an eval that errored, was cancelled or is still running is not a finished run",
  }),
  eval: z.object(
    {
      eval_id: z.string().optional(),
      run_id: z.string({ error: 'expected the run id as a string' }),
      task: z.string({ error: 'expected the task name as a string' }),
      task_id: z.string().optional(),
      task_version: z
        .union([z.number().int(), z.string()], {
          error: 'expected the task version as an integer or a string',
        })
        .optional(),
      created: timestamp,
    },
    { error: 'expected the eval spec object' },
  ),
  results: z.object(
    {
      scores: z
        .array(
          z.object({
            name: z.string({ error: 'expected the score name' }),
            scorer: z.string({ error: 'expected the scorer name' }),
            metrics: z.record(z.string(), metricSchema, {
              error: 'expected the metrics object',
            }),
          }),
          { error: 'expected the array of scores' },
        )
        .min(1, { error: 'expected at least one scorer' }),
    },
    { error: 'expected the results object (a finished, scored eval)' },
  ),
  stats: z
    .object({
      started_at: z.union([timestamp, z.literal('')]).optional(),
      completed_at: z.union([timestamp, z.literal('')]).optional(),
    })
    .optional(),
  samples: z
    .array(
      z.object({
        scores: z
          .record(z.string(), z.object({ value: z.unknown() }).loose())
          .nullish(),
        error: z.unknown().optional(),
      }),
      {
        error:
          'expected the array of samples (a log written without samples has no per-sample results)',
      },
    )
    .min(1, {
      error:
        'expected at least one sample (a log written without samples has no per-sample results)',
    }),
});

type InspectLog = z.infer<typeof inspectLogSchema>;

/**
 * Whether a body looks like an Inspect AI eval log: an object with an
 * `eval` object and a `version` (any version: a wrong one is then named).
 *
 * @internal
 */
export function isInspectLog(body: Record<string, unknown>): boolean {
  const spec = body.eval;
  return (
    'version' in body &&
    typeof spec === 'object' &&
    spec !== null &&
    !Array.isArray(spec)
  );
}

/**
 * The headline score: the first scorer's `accuracy`, else its `mean`.
 *
 * @throws InputError when the first scorer has neither, or it is outside 0 to 1
 */
function headlineScore(log: InspectLog): number {
  const first = log.results.scores[0];
  for (const metric of ['accuracy', 'mean']) {
    const value = first.metrics[metric]?.value;
    if (value === undefined || value === null) {
      continue;
    }
    if (value < 0 || value > 1) {
      throw new InputError(
        `Invalid ${WHAT}: 'results.scores.0.metrics.${metric}.value': expected a score between 0 and 1, got ${value}`,
      );
    }
    return value;
  }
  throw new InputError(
    `Invalid ${WHAT}: 'results.scores.0.metrics': expected an 'accuracy' or 'mean' metric of the first scorer ('${first.name.slice(
      0,
      64,
    )}') as the run's score`,
  );
}

/**
 * Every scorer's metrics as `score name/metric name` (e.g.
 * `match/accuracy`, `match/stderr`); null (NaN) values are left out.
 */
function namedMetrics(log: InspectLog): Record<string, number> {
  const entries: Array<[string, number]> = [];
  for (const score of log.results.scores) {
    for (const [metric, { value }] of Object.entries(score.metrics)) {
      if (value !== null) {
        entries.push([`${score.name}/${metric}`, value]);
      }
    }
  }
  return Object.fromEntries(entries);
}

/**
 * Counts the samples (each epoch of a sample is one): a sample with an
 * `error` did not run; the others are judged by the first scorer's value
 * (see {@link isCorrect}). A sample without that score (unscored) is not
 * counted.
 */
function countSamples(log: InspectLog) {
  const first = log.results.scores[0];
  let passed = 0;
  let failed = 0;
  let errors = 0;
  for (const sample of log.samples) {
    if (sample.error !== undefined && sample.error !== null) {
      errors += 1;
      continue;
    }
    const score = sample.scores?.[first.scorer] ?? sample.scores?.[first.name];
    if (!score) {
      continue;
    }
    // A scorer of several values (a dict) has one results entry per key.
    let value = score.value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      value = (value as Record<string, unknown>)[first.name];
    }
    if (isCorrect(value)) {
      passed += 1;
    } else {
      failed += 1;
    }
  }
  return { passed, failed, errors };
}

/**
 * Reads an Inspect AI eval log (JSON, `version: 2`), bound to an entity by
 * an `entityRef` query parameter (or top-level body key). The mapping:
 * suite = `eval.task`, suite version = `eval.task_version`, run id =
 * `eval.eval_id` (one `eval.run_id` spans every task of an `inspect eval`
 * invocation; `eval.run_id` when the log has no `eval_id`), each overridable
 * by the query; score = the first scorer's `accuracy`, else its `mean`;
 * passed / failed / errors from `samples` (see {@link countSamples});
 * metrics = every scorer's metrics; started = `stats.started_at` (else
 * `eval.created`), finished = `stats.completed_at`.
 *
 * @throws InputError naming the field that is missing or wrong
 * @internal
 */
export function parseInspectLog(
  body: Record<string, unknown>,
  query: Record<string, unknown>,
  now: Date,
): NewEvalRun {
  const parsed = inspectLogSchema.safeParse(body);
  if (!parsed.success) {
    throw describeIssues(WHAT, parsed.error);
  }
  const log = parsed.data;
  const binding = readBinding(BINDING_HINT, query, {
    entityRef: body.entityRef,
    suite: log.eval.task,
    suiteVersion: String(log.eval.task_version ?? 0),
    runId: log.eval.eval_id || log.eval.run_id,
  });
  const counts = countSamples(log);
  const started = log.stats?.started_at || log.eval.created;
  const finished = binding.finishedAt ?? (log.stats?.completed_at || null);
  const fromQuery = (key: string) => query[key] !== undefined;
  return checkedRun(
    {
      entityRef: normalizeTelemetryEntityRef(binding.entityRef),
      suite: binding.suite,
      suiteVersion: binding.suiteVersion,
      runId: binding.runId!,
      source: 'inspect',
      score: headlineScore(log),
      passed: counts.passed,
      failed: counts.failed,
      errors: counts.errors,
      total: counts.passed + counts.failed + counts.errors,
      metrics: namedMetrics(log),
      startedAt: new Date(binding.startedAt ?? started),
      finishedAt: finished ? new Date(finished) : null,
    },
    now,
    field =>
      field === 'entityRef' ||
      (fromQuery(field) &&
        ['suite', 'suiteVersion', 'runId', 'startedAt'].includes(field))
        ? BINDING_HINT
        : WHAT,
    {
      suite: fromQuery('suite') ? 'suite' : 'eval.task',
      suiteVersion: fromQuery('suiteVersion')
        ? 'suiteVersion'
        : 'eval.task_version',
      runId: fromQuery('runId') ? 'runId' : 'eval.eval_id',
      metrics: 'results.scores[].metrics',
      startedAt: fromQuery('startedAt') ? 'startedAt' : 'stats.started_at',
      finishedAt: fromQuery('finishedAt') ? 'finishedAt' : 'stats.completed_at',
    },
  );
}
