import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import { NewEvalRun } from '../scorecards/types';
import { EvalRunFieldNames, findEvalRunProblem } from './evalRunLimits';

/** Issues quoted in one error message. */
const MAX_QUOTED_ISSUES = 3;

/** @internal */
export const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what} as a non-empty string` })
    .trim()
    .min(1, { error: `expected ${what} as a non-empty string` })
    .max(255, { error: `expected ${what} of at most 255 characters` });

/** @internal */
export const count = (what: string) =>
  z
    .number({ error: `expected the number of ${what} as an integer >= 0` })
    .int({ error: `expected the number of ${what} as an integer >= 0` })
    .min(0, { error: `expected the number of ${what} as an integer >= 0` });

/** @internal */
export const finiteNumber = z
  .number({ error: 'expected a finite number' })
  .refine(Number.isFinite, { error: 'expected a finite number' });

/** @internal */
export const timestamp = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time such as 2026-11-23T10:00:00Z',
});

/** @internal */
export const entityRef = nonEmpty('an entity ref kind:namespace/name');

/** Named metrics as a client sends them: names to finite numbers. */
export const metricsSchema = z.record(z.string(), finiteNumber, {
  error: 'expected an object of metric names and finite numbers',
});

/**
 * The binding of a tool's output to an entity and a suite, from the query
 * string or top-level body keys. Times bind a promptfoo JSONL upload, whose
 * lines carry no time.
 */
const bindingSchema = z.object({
  entityRef,
  suite: nonEmpty('the suite name'),
  suiteVersion: nonEmpty('the suite version'),
  runId: nonEmpty('the run id').optional(),
  startedAt: timestamp.optional(),
  finishedAt: timestamp.optional(),
});

/** @internal */
export type EvalUploadBinding = z.infer<typeof bindingSchema>;

/**
 * An InputError quoting the first issues of a failed parse, each with the
 * path of its field.
 *
 * @internal
 */
export function describeIssues(
  what: string,
  error: z.ZodError,
  pathOf: (path: PropertyKey[]) => string = path =>
    path.length ? path.join('.') : '(body)',
): InputError {
  const issues = error.issues.slice(0, MAX_QUOTED_ISSUES).map(issue => {
    return `'${pathOf(issue.path)}': ${issue.message}`;
  });
  const more =
    error.issues.length > MAX_QUOTED_ISSUES
      ? `; and ${error.issues.length - MAX_QUOTED_ISSUES} more`
      : '';
  return new InputError(`Invalid ${what}: ${issues.join('; ')}${more}`);
}

/**
 * Reads the binding: each key from the query, else from `fallback` (the
 * body's top-level keys, or what the tool's output names itself).
 *
 * @throws InputError naming the missing or wrong key, as `what` describes
 * @internal
 */
export function readBinding(
  what: string,
  query: Record<string, unknown>,
  fallback: Record<string, unknown>,
): EvalUploadBinding {
  const pick = (key: string) => query[key] ?? fallback[key];
  const binding = bindingSchema.safeParse({
    entityRef: pick('entityRef'),
    suite: pick('suite'),
    suiteVersion: pick('suiteVersion'),
    runId: pick('runId'),
    startedAt: pick('startedAt'),
    finishedAt: pick('finishedAt'),
  });
  if (!binding.success) {
    throw describeIssues(what, binding.error);
  }
  return binding.data;
}

/**
 * The run, unless a field is one the databases would refuse or store
 * differently, or is implausible (see `findEvalRunProblem`).
 *
 * @throws InputError naming the field as the client sent it
 * @internal
 */
export function checkedRun(
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
 * Per name, the mean of the values of the cases that carry it, names in
 * the order of first sight.
 *
 * @internal
 */
export function meanPerName(
  cases: Iterable<Record<string, number>>,
): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const values of cases) {
    for (const [name, value] of Object.entries(values)) {
      const entry = sums.get(name) ?? { sum: 0, n: 0 };
      entry.sum += value;
      entry.n += 1;
      sums.set(name, entry);
    }
  }
  // fromEntries defines own properties, so even a metric named
  // `__proto__` is a plain key.
  return Object.fromEntries(
    [...sums].map(([name, { sum, n }]) => [name, sum / n]),
  );
}
