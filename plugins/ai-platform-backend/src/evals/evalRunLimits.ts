import { NewEvalRun } from '../scorecards/types';

/**
 * Earliest start of an eval run that is stored: an earlier time is a unit
 * or clock mistake (1970 is a zero timestamp), not a run.
 *
 * @internal
 */
export const EARLIEST_EVAL_RUN_TIME = new Date('2000-01-01T00:00:00Z');

/**
 * How far ahead of the backend's clock an eval run may start (clock skew of
 * the runner).
 *
 * @internal
 */
export const MAX_EVAL_RUN_CLOCK_SKEW_MS = 10 * 60 * 1000;

/**
 * Largest `passed` or `failed` count of one run (the columns are 32-bit
 * integers; `total` is their sum).
 *
 * @internal
 */
export const MAX_EVAL_TEST_COUNT = 1_000_000_000;

/**
 * Longest entity ref, suite, suite version or run id, in characters (the
 * columns are `varchar(255)`).
 *
 * @internal
 */
export const MAX_EVAL_TEXT_LENGTH = 255;

/**
 * Most named metrics kept for one run (promptfoo `namedScores`, Inspect
 * scorer metrics); a run with more is refused rather than cut.
 *
 * @internal
 */
export const MAX_EVAL_METRICS = 64;

/**
 * Longest named metric, in characters.
 *
 * @internal
 */
export const MAX_EVAL_METRIC_NAME_LENGTH = 255;

/**
 * The range of start and finish times accepted at `now`.
 *
 * @internal
 */
export function evalRunTimeRange(now: Date): { from: Date; to: Date } {
  return {
    from: EARLIEST_EVAL_RUN_TIME,
    to: new Date(now.getTime() + MAX_EVAL_RUN_CLOCK_SKEW_MS),
  };
}

/**
 * Why a time cannot be an eval run's start or finish, or `undefined`.
 * `raw` is what the client sent, quoted in the message.
 *
 * @internal
 */
export function evalRunTimeProblem(
  time: Date | number,
  now: Date,
  raw?: string,
): string | undefined {
  const ms = typeof time === 'number' ? time : time.getTime();
  const { from, to } = evalRunTimeRange(now);
  if (Number.isFinite(ms) && ms >= from.getTime() && ms <= to.getTime()) {
    return undefined;
  }
  const iso =
    Number.isFinite(ms) && Math.abs(ms) <= 8.64e15
      ? new Date(ms).toISOString()
      : undefined;
  let shown = raw ?? iso ?? String(ms);
  if (raw !== undefined && iso !== undefined && raw !== iso) {
    shown = `${raw} (${iso})`;
  }
  return `${shown} is outside the accepted range ${from.toISOString()} to ${to.toISOString()}`;
}

/** Names of the fields of a run as the client sent them. */
export type EvalRunFieldNames = Partial<Record<keyof NewEvalRun, string>>;

/**
 * A field of a run the database cannot store or that is implausible.
 *
 * @internal
 */
export interface EvalRunProblem {
  field: keyof NewEvalRun;
  /** The field as the client named it, e.g. `evalId` or `timeUnixNano`. */
  fieldName: string;
  /** What was expected, e.g. `expected the run id of at most 255 characters, got 300`. */
  message: string;
}

const TEXT_FIELDS = [
  ['entityRef', 'the entity ref'],
  ['suite', 'the suite name'],
  ['suiteVersion', 'the suite version'],
  ['runId', 'the run id'],
] as const;

const COUNT_FIELDS = [
  ['passed', 'passed tests'],
  ['failed', 'failed tests'],
  ['errors', 'tests that did not run (errors)'],
] as const;

/**
 * Why a run's named metrics cannot be stored, or `undefined`: more than
 * {@link MAX_EVAL_METRICS}, an empty or over-long name, a NUL character, or
 * a value that is not a finite number.
 *
 * @internal
 */
export function evalMetricsProblem(
  metrics: Record<string, number>,
): string | undefined {
  const entries = Object.entries(metrics);
  if (entries.length > MAX_EVAL_METRICS) {
    return `expected at most ${MAX_EVAL_METRICS} named metrics, got ${entries.length}`;
  }
  for (const [name, value] of entries) {
    const length = [...name].length;
    if (length === 0 || name.trim() === '') {
      return 'expected every metric name as a non-empty string';
    }
    if (length > MAX_EVAL_METRIC_NAME_LENGTH) {
      return `expected metric names of at most ${MAX_EVAL_METRIC_NAME_LENGTH} characters, got ${length}`;
    }
    if (name.includes('\u0000')) {
      return 'expected metric names without NUL characters';
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `expected the value of metric '${name.slice(
        0,
        64,
      )}' as a finite number`;
    }
  }
  return undefined;
}

/** Why a time is not a valid date, or `undefined`. */
function invalidTimeProblem(time: Date): string | undefined {
  return Number.isFinite(time.getTime())
    ? undefined
    : 'expected a valid date-time';
}

/**
 * The first field of a run that cannot be stored the same way on
 * PostgreSQL and SQLite, or is implausible: texts over 255 characters or
 * with a NUL character, a score outside 0 to 1, counts outside 0 to
 * {@link MAX_EVAL_TEST_COUNT}, named metrics {@link evalMetricsProblem}
 * refuses, times outside {@link evalRunTimeRange} of
 * `now` (without `now`, only invalid dates: the store's own check).
 *
 * @internal
 */
export function findEvalRunProblem(
  run: NewEvalRun,
  now: Date | undefined,
  names: EvalRunFieldNames = {},
): EvalRunProblem | undefined {
  const timeProblem = (time: Date) =>
    now ? evalRunTimeProblem(time, now) : invalidTimeProblem(time);
  const problem = (field: keyof NewEvalRun, message: string) => ({
    field,
    fieldName: names[field] ?? field,
    message,
  });
  for (const [field, what] of TEXT_FIELDS) {
    const value = run[field];
    if (typeof value !== 'string' || value.trim() === '') {
      return problem(field, `expected ${what} as a non-empty string`);
    }
    const length = [...value].length;
    if (length > MAX_EVAL_TEXT_LENGTH) {
      return problem(
        field,
        `expected ${what} of at most ${MAX_EVAL_TEXT_LENGTH} characters, got ${length}`,
      );
    }
    if (value.includes('\u0000')) {
      return problem(field, `expected ${what} without NUL characters`);
    }
  }
  if (!(Number.isFinite(run.score) && run.score >= 0 && run.score <= 1)) {
    return problem('score', 'expected a number between 0 and 1');
  }
  for (const [field, what] of COUNT_FIELDS) {
    const value = field === 'errors' ? run.errors ?? 0 : run[field];
    if (!Number.isInteger(value) || value < 0 || value > MAX_EVAL_TEST_COUNT) {
      return problem(
        field,
        `expected the number of ${what} as an integer from 0 to ${MAX_EVAL_TEST_COUNT}`,
      );
    }
  }
  if (
    !Number.isInteger(run.total) ||
    run.total < 0 ||
    run.total > 2 * MAX_EVAL_TEST_COUNT
  ) {
    return problem(
      'total',
      `expected the number of tests as an integer from 0 to ${
        2 * MAX_EVAL_TEST_COUNT
      }`,
    );
  }
  if (run.metrics !== undefined) {
    const metricsProblem =
      typeof run.metrics === 'object' && run.metrics !== null
        ? evalMetricsProblem(run.metrics)
        : 'expected an object of metric names and numbers';
    if (metricsProblem) {
      return problem('metrics', metricsProblem);
    }
  }
  const started = timeProblem(run.startedAt);
  if (started) {
    return problem('startedAt', started);
  }
  if (run.finishedAt) {
    const finished = timeProblem(run.finishedAt);
    if (finished) {
      return problem('finishedAt', finished);
    }
  }
  return undefined;
}
