import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { NewEvalRun } from '../scorecards/types';
import { EvalRunFieldNames, findEvalRunProblem } from './evalRunLimits';

/** Issues quoted in one error message. */
const MAX_QUOTED_ISSUES = 3;

const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what} as a non-empty string` })
    .trim()
    .min(1, { error: `expected ${what} as a non-empty string` })
    .max(255, { error: `expected ${what} of at most 255 characters` });

const count = (what: string) =>
  z
    .number({ error: `expected the number of ${what} as an integer >= 0` })
    .int({ error: `expected the number of ${what} as an integer >= 0` })
    .min(0, { error: `expected the number of ${what} as an integer >= 0` });

const timestamp = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time such as 2026-11-23T10:00:00Z',
});

const entityRef = nonEmpty('an entity ref kind:namespace/name');

/** The binding of an upload to an entity, from the query or the body. */
const bindingSchema = z.object({
  entityRef,
  suite: nonEmpty('the suite name'),
  suiteVersion: nonEmpty('the suite version'),
  runId: nonEmpty('the run id').optional(),
});

/**
 * The generic eval run format.
 *
 * @internal
 */
export const genericEvalRunSchema = z.object({
  entityRef,
  suite: nonEmpty('the suite name'),
  suiteVersion: nonEmpty('the suite version'),
  runId: nonEmpty('the run id'),
  score: z
    .number({ error: 'expected a number between 0 and 1' })
    .min(0, { error: 'expected a number between 0 and 1' })
    .max(1, { error: 'expected a number between 0 and 1' }),
  passed: count('passed tests'),
  failed: count('failed tests'),
  startedAt: timestamp,
  finishedAt: timestamp.optional(),
});

/**
 * The parts of promptfoo's `promptfoo eval -o results.json` output
 * (`OutputFile` with an `EvaluateSummaryV3` or V2) that are read.
 */
const promptfooOutputSchema = z.object({
  evalId: z.string().nullish(),
  results: z.object(
    {
      timestamp: timestamp.optional(),
      results: z
        .array(
          z.object({
            success: z.boolean({ error: 'expected true or false' }),
            score: z
              .number({ error: 'expected a finite number' })
              .refine(Number.isFinite, { error: 'expected a finite number' }),
          }),
          { error: 'expected the array of test results' },
        )
        .min(1, { error: 'expected at least one test result' }),
      stats: z.object(
        {
          successes: count('successes'),
          failures: count('failures'),
          errors: count('errors').optional(),
        },
        { error: 'expected the stats object with successes and failures' },
      ),
    },
    { error: 'expected the evaluation summary object' },
  ),
  metadata: z.object({ exportedAt: timestamp.optional() }).loose().nullish(),
});

function describeIssues(what: string, error: z.ZodError): InputError {
  const issues = error.issues.slice(0, MAX_QUOTED_ISSUES).map(issue => {
    const path = issue.path.length ? issue.path.join('.') : '(body)';
    return `'${path}': ${issue.message}`;
  });
  const more =
    error.issues.length > MAX_QUOTED_ISSUES
      ? `; and ${error.issues.length - MAX_QUOTED_ISSUES} more`
      : '';
  return new InputError(`Invalid ${what}: ${issues.join('; ')}${more}`);
}

/**
 * The run, unless a field is one the databases would refuse or store
 * differently, or is implausible (see `findEvalRunProblem`).
 *
 * @throws InputError naming the field as the client sent it
 */
function checkedRun(
  run: NewEvalRun,
  now: Date,
  describe: (field: keyof NewEvalRun) => string,
  names: EvalRunFieldNames = {},
): NewEvalRun {
  const problem = findEvalRunProblem(run, now, names);
  if (problem) {
    throw new InputError(
      `Invalid ${describe(problem.field)}: '${problem.fieldName}': ${
        problem.message
      }`,
    );
  }
  return run;
}

/**
 * Whether a body looks like promptfoo output: an object whose `results` is
 * an object (the evaluation summary) rather than absent.
 */
function isPromptfooOutput(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return false;
  }
  const results = (body as { results?: unknown }).results;
  return typeof results === 'object' && results !== null;
}

/**
 * Reads an eval run upload (`POST /evals`) in either supported format:
 *
 * - promptfoo's `-o results.json` output, bound through `entityRef`,
 *   `suite`, `suiteVersion` (and optionally `runId`) from the query string
 *   or top-level body keys. `score` is the mean of `results.results[].score`,
 *   `passed` = `stats.successes`, `failed` = `stats.failures + stats.errors`,
 *   `runId` = `evalId` unless given, `startedAt` = `results.timestamp`.
 * - the generic format `{ entityRef, suite, suiteVersion, runId, score,
 *   passed, failed, startedAt, finishedAt? }`.
 *
 * @throws InputError naming the field that is missing or wrong
 * @internal
 */
export function parseEvalRunUpload(
  body: unknown,
  query: Record<string, unknown>,
  now: Date,
): NewEvalRun {
  if (!isPromptfooOutput(body)) {
    const parsed = genericEvalRunSchema.safeParse(body);
    if (!parsed.success) {
      throw describeIssues('generic eval run', parsed.error);
    }
    const run = parsed.data;
    return checkedRun(
      {
        entityRef: normalizeTelemetryEntityRef(run.entityRef),
        suite: run.suite,
        suiteVersion: run.suiteVersion,
        runId: run.runId,
        source: 'generic',
        score: run.score,
        passed: run.passed,
        failed: run.failed,
        total: run.passed + run.failed,
        startedAt: new Date(run.startedAt),
        finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
      },
      now,
      () => 'generic eval run',
    );
  }

  const bodyObject = body as Record<string, unknown>;
  const pick = (key: string) => query[key] ?? bodyObject[key];
  const binding = bindingSchema.safeParse({
    entityRef: pick('entityRef'),
    suite: pick('suite'),
    suiteVersion: pick('suiteVersion'),
    runId: pick('runId'),
  });
  if (!binding.success) {
    throw describeIssues(
      'promptfoo upload (pass entityRef, suite and suiteVersion as query parameters)',
      binding.error,
    );
  }
  const parsed = promptfooOutputSchema.safeParse(body);
  if (!parsed.success) {
    throw describeIssues('promptfoo output', parsed.error);
  }
  const output = parsed.data;
  const runId = binding.data.runId ?? output.evalId;
  if (!runId) {
    throw new InputError(
      "Invalid promptfoo upload: 'evalId' is null; pass a 'runId' query parameter to identify the run",
    );
  }
  const tests = output.results.results;
  const score = tests.reduce((sum, test) => sum + test.score, 0) / tests.length;
  if (score < 0 || score > 1) {
    throw new InputError(
      `Invalid promptfoo output: the mean of 'results.results[].score' is ${score}, expected a score between 0 and 1`,
    );
  }
  const { successes, failures, errors = 0 } = output.results.stats;
  const fromBinding = new Set<keyof NewEvalRun>([
    'entityRef',
    'suite',
    'suiteVersion',
    ...(binding.data.runId ? (['runId'] as const) : []),
  ]);
  return checkedRun(
    {
      entityRef: normalizeTelemetryEntityRef(binding.data.entityRef),
      suite: binding.data.suite,
      suiteVersion: binding.data.suiteVersion,
      runId,
      source: 'promptfoo',
      score,
      passed: successes,
      failed: failures + errors,
      total: successes + failures + errors,
      startedAt: output.results.timestamp
        ? new Date(output.results.timestamp)
        : now,
      finishedAt: output.metadata?.exportedAt
        ? new Date(output.metadata.exportedAt)
        : null,
    },
    now,
    field =>
      fromBinding.has(field)
        ? 'promptfoo upload (pass entityRef, suite and suiteVersion as query parameters)'
        : 'promptfoo output',
    {
      runId: binding.data.runId ? 'runId' : 'evalId',
      passed: 'results.stats.successes',
      failed: 'results.stats.failures',
      total: 'results.stats',
      score: 'results.results[].score',
      startedAt: 'results.timestamp',
      finishedAt: 'metadata.exportedAt',
    },
  );
}
