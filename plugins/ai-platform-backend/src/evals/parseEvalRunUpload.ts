import { z } from 'zod/v4';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { NewEvalRun } from '../scorecards/types';
import {
  checkedRun,
  count,
  describeIssues,
  entityRef,
  metricsSchema,
  nonEmpty,
  timestamp,
} from './evalUploadFields';
import { isInspectLog, parseInspectLog } from './inspectEvalRun';
import { parsePromptfooJson, parsePromptfooJsonl } from './promptfooEvalRun';

/**
 * Content types of a promptfoo JSONL upload (`-o results.jsonl`): the route
 * hands such a body to {@link parseEvalRunUpload} as text.
 *
 * @internal
 */
export const EVAL_RUN_JSONL_CONTENT_TYPES = [
  'application/jsonl',
  'application/x-ndjson',
  'application/jsonlines',
  'application/x-jsonlines',
];

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
  errors: count('tests that did not run (errors)').optional(),
  metrics: metricsSchema.optional(),
  startedAt: timestamp,
  finishedAt: timestamp.optional(),
});

/**
 * Whether a body looks like promptfoo output: an object whose `results` is
 * an object (the evaluation summary) rather than absent.
 */
function isPromptfooOutput(body: Record<string, unknown>): boolean {
  const results = body.results;
  return typeof results === 'object' && results !== null;
}

function parseGeneric(body: unknown, now: Date): NewEvalRun {
  const parsed = genericEvalRunSchema.safeParse(body);
  if (!parsed.success) {
    throw describeIssues('generic eval run', parsed.error);
  }
  const run = parsed.data;
  const errors = run.errors ?? 0;
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
      errors,
      total: run.passed + run.failed + errors,
      metrics: run.metrics ?? {},
      startedAt: new Date(run.startedAt),
      finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
    },
    now,
    () => 'generic eval run',
  );
}

/**
 * Reads an eval run upload (`POST /evals`) in any supported format:
 *
 * - promptfoo's `-o results.json` output (a body whose `results` is an
 *   object), bound by `entityRef`, `suite`, `suiteVersion` (and optionally
 *   `runId`) query parameters or top-level body keys;
 * - promptfoo's `-o results.jsonl` output (a text body, see
 *   {@link EVAL_RUN_JSONL_CONTENT_TYPES}), bound by query parameters, `runId`
 *   included;
 * - an Inspect AI eval log (JSON, `version: 2`: a body with an `eval`
 *   object), bound by an `entityRef` query parameter;
 * - the generic format `{ entityRef, suite, suiteVersion, runId, score,
 *   passed, failed, errors?, metrics?, startedAt, finishedAt? }`.
 *
 * Every format reports `passed` and `failed` over the cases that ran and
 * `errors` for the cases that did not (a provider or runtime error);
 * `total` is their sum, and the score covers the cases that ran.
 *
 * @throws InputError naming the field that is missing or wrong
 * @internal
 */
export function parseEvalRunUpload(
  body: unknown,
  query: Record<string, unknown>,
  now: Date,
): NewEvalRun {
  if (typeof body === 'string') {
    return parsePromptfooJsonl(body, query, now);
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const object = body as Record<string, unknown>;
    // An Inspect log has a `results` object too: look for its `eval` first.
    if (isInspectLog(object)) {
      return parseInspectLog(object, query, now);
    }
    if (isPromptfooOutput(object)) {
      return parsePromptfooJson(object, query, now);
    }
  }
  return parseGeneric(body, now);
}
