import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { NewEvalRun } from '../scorecards/types';
import { EvalRunFieldNames } from './evalRunLimits';
import {
  checkedRun,
  describeIssues,
  EvalUploadBinding,
  finiteNumber,
  meanPerName,
  readBinding,
  timestamp,
} from './evalUploadFields';

const BINDING_HINT =
  'promptfoo upload (pass entityRef, suite and suiteVersion as query parameters)';

/**
 * promptfoo's `ResultFailureReason`: 0 none, 1 an assertion failed, 2 the
 * provider (or the test itself) errored, so the case did not run.
 */
const FAILURE_REASON = { none: 0, assert: 1, error: 2 } as const;

/**
 * The parts of one promptfoo `EvaluateResult` that are read: a line of
 * `promptfoo eval -o results.jsonl`, or an item of `results.results` of
 * `-o results.json`.
 */
const promptfooResultSchema = z.object(
  {
    success: z.boolean({ error: 'expected true or false' }),
    score: finiteNumber,
    failureReason: z
      .union(
        [
          z.literal(FAILURE_REASON.none),
          z.literal(FAILURE_REASON.assert),
          z.literal(FAILURE_REASON.error),
        ],
        {
          error:
            'expected 0 (passed), 1 (an assertion failed) or 2 (provider error)',
        },
      )
      .optional(),
    namedScores: z
      .record(z.string(), finiteNumber, {
        error: 'expected an object of metric names and finite numbers',
      })
      .nullish(),
  },
  { error: 'expected a promptfoo test result object' },
);

type PromptfooResult = z.infer<typeof promptfooResultSchema>;

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
        .array(promptfooResultSchema, {
          error: 'expected the array of test results',
        })
        .min(1, { error: 'expected at least one test result' }),
    },
    { error: 'expected the evaluation summary object' },
  ),
  metadata: z.object({ exportedAt: timestamp.optional() }).loose().nullish(),
});

/** What the results of one run add up to. */
interface PromptfooTally {
  passed: number;
  failed: number;
  errors: number;
  score: number;
  metrics: Record<string, number>;
}

/**
 * Counts the results: `passed` = `success` true, `errors` = `failureReason`
 * 2 (the provider errored: the case did not run), `failed` = the others
 * (an assertion failed). `score` is the mean `score` of the cases that ran,
 * and each named metric the mean `namedScores` value of the cases that ran
 * and carry it.
 *
 * @throws InputError when no case ran or the score is outside 0 to 1
 */
function tally(results: PromptfooResult[], scoreField: string): PromptfooTally {
  const ran = results.filter(
    result => result.failureReason !== FAILURE_REASON.error,
  );
  const errors = results.length - ran.length;
  if (ran.length === 0) {
    throw new InputError(
      `Invalid promptfoo output: all ${errors} results are provider errors (failureReason 2); no test ran, so the run has no score`,
    );
  }
  const passed = ran.filter(result => result.success).length;
  const score = ran.reduce((sum, result) => sum + result.score, 0) / ran.length;
  if (score < 0 || score > 1) {
    throw new InputError(
      `Invalid promptfoo output: the mean of '${scoreField}' over the tests that ran is ${score}, expected a score between 0 and 1`,
    );
  }
  return {
    passed,
    failed: ran.length - passed,
    errors,
    score,
    metrics: meanPerName(ran.map(result => result.namedScores ?? {})),
  };
}

function toRun(
  binding: EvalUploadBinding,
  runId: string,
  counts: PromptfooTally,
  startedAt: Date,
  finishedAt: Date | null,
): NewEvalRun {
  return {
    entityRef: normalizeTelemetryEntityRef(binding.entityRef),
    suite: binding.suite,
    suiteVersion: binding.suiteVersion,
    runId,
    source: 'promptfoo',
    score: counts.score,
    passed: counts.passed,
    failed: counts.failed,
    errors: counts.errors,
    total: counts.passed + counts.failed + counts.errors,
    metrics: counts.metrics,
    startedAt,
    finishedAt,
  };
}

function describeField(binding: EvalUploadBinding) {
  const fromBinding = new Set<keyof NewEvalRun>([
    'entityRef',
    'suite',
    'suiteVersion',
    ...(binding.runId ? (['runId'] as const) : []),
  ]);
  return (field: keyof NewEvalRun) =>
    fromBinding.has(field) ? BINDING_HINT : 'promptfoo output';
}

/**
 * Reads promptfoo's `-o results.json` output, bound through `entityRef`,
 * `suite`, `suiteVersion` (and optionally `runId`) from the query string or
 * top-level body keys. `runId` = `evalId` unless given, `startedAt` =
 * `results.timestamp`, `finishedAt` = `metadata.exportedAt`; the counts,
 * score and metrics are those of {@link tally}.
 *
 * @internal
 */
export function parsePromptfooJson(
  body: Record<string, unknown>,
  query: Record<string, unknown>,
  now: Date,
): NewEvalRun {
  const binding = readBinding(BINDING_HINT, query, body);
  const parsed = promptfooOutputSchema.safeParse(body);
  if (!parsed.success) {
    throw describeIssues('promptfoo output', parsed.error);
  }
  const output = parsed.data;
  const runId = binding.runId ?? output.evalId;
  if (!runId) {
    throw new InputError(
      "Invalid promptfoo upload: 'evalId' is null; pass a 'runId' query parameter to identify the run",
    );
  }
  const counts = tally(output.results.results, 'results.results[].score');
  const startedAt = binding.startedAt ?? output.results.timestamp;
  const finishedAt = binding.finishedAt ?? output.metadata?.exportedAt;
  const names: EvalRunFieldNames = {
    runId: binding.runId ? 'runId' : 'evalId',
    score: 'results.results[].score',
    metrics: 'results.results[].namedScores',
    startedAt: binding.startedAt ? 'startedAt' : 'results.timestamp',
    finishedAt: binding.finishedAt ? 'finishedAt' : 'metadata.exportedAt',
  };
  return checkedRun(
    toRun(
      binding,
      runId,
      counts,
      startedAt ? new Date(startedAt) : now,
      finishedAt ? new Date(finishedAt) : null,
    ),
    now,
    describeField(binding),
    names,
  );
}

/**
 * The results of a JSONL body, one JSON object a line; blank lines are
 * skipped. Issues are named `line N: field`.
 */
function readJsonlResults(text: string): PromptfooResult[] {
  const results: PromptfooResult[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].trim();
    if (line === '') {
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InputError(
        `Invalid promptfoo JSONL output: 'line ${
          i + 1
        }': expected one JSON object (a test result) per line`,
      );
    }
    const parsed = promptfooResultSchema.safeParse(value);
    if (!parsed.success) {
      throw describeIssues('promptfoo JSONL output', parsed.error, path =>
        [`line ${i + 1}`, ...path].join(': '),
      );
    }
    results.push(parsed.data);
  }
  if (results.length === 0) {
    throw new InputError(
      "Invalid promptfoo JSONL output: '(body)': expected at least one test result line",
    );
  }
  return results;
}

/**
 * Reads promptfoo's `-o results.jsonl` output: one `EvaluateResult` a line,
 * with no eval id and no time, so `runId` is a required query parameter
 * (use the `evalId` promptfoo prints) and `startedAt` / `finishedAt` are
 * optional ones (`startedAt` defaults to the time of the upload). The
 * counts, score and metrics are those of the same run's JSON output.
 *
 * @internal
 */
export function parsePromptfooJsonl(
  text: string,
  query: Record<string, unknown>,
  now: Date,
): NewEvalRun {
  const binding = readBinding(
    'promptfoo JSONL upload (pass entityRef, suite, suiteVersion and runId as query parameters)',
    query,
    {},
  );
  if (!binding.runId) {
    throw new InputError(
      "Invalid promptfoo JSONL upload: 'runId': expected the run id (promptfoo's evalId) as a query parameter; JSONL output carries no eval id",
    );
  }
  const counts = tally(readJsonlResults(text), 'score');
  return checkedRun(
    toRun(
      binding,
      binding.runId,
      counts,
      binding.startedAt ? new Date(binding.startedAt) : now,
      binding.finishedAt ? new Date(binding.finishedAt) : null,
    ),
    now,
    field =>
      field === 'score' || field === 'metrics'
        ? 'promptfoo JSONL output'
        : 'promptfoo JSONL upload',
    { metrics: 'namedScores' },
  );
}
