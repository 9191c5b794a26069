import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod/v4';
import { TimeWindow, TIMESERIES_METRICS } from '../database/TelemetryStore';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Longest window a usage query may cover.
 *
 * @internal
 */
export const MAX_USAGE_WINDOW_DAYS = 92;

/** Window used when neither `from` nor `to` is given: the last 24 hours. */
const DEFAULT_WINDOW_MS = DAY_MS;

const isoTimestamp = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const usageQuerySchema = z.object({
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
});

/**
 * Parses the `from` and `to` query parameters into a window: ISO 8601
 * dates or date-times, `from` before `to`, at most
 * {@link MAX_USAGE_WINDOW_DAYS} days. `to` defaults to now and `from` to
 * 24 hours before `to`.
 *
 * @internal
 */
export function parseUsageWindow(query: unknown, now: Date): TimeWindow {
  const parsed = usageQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.join('.') || 'query';
    throw new InputError(
      `Invalid query parameter '${param}': expected a single ISO 8601 date or date-time such as 2026-11-23T10:00:00Z`,
    );
  }
  const to = parsed.data.to ? new Date(parsed.data.to) : now;
  const from = parsed.data.from
    ? new Date(parsed.data.from)
    : new Date(to.getTime() - DEFAULT_WINDOW_MS);
  if (from.getTime() >= to.getTime()) {
    throw new InputError(
      `Invalid query parameter 'from': ${from.toISOString()} must be before 'to' (${to.toISOString()})`,
    );
  }
  if (to.getTime() - from.getTime() > MAX_USAGE_WINDOW_DAYS * DAY_MS) {
    throw new InputError(
      `Invalid query parameters 'from' and 'to': the window may span at most ${MAX_USAGE_WINDOW_DAYS} days`,
    );
  }
  return { from, to };
}

const STEP_MS = { '1h': HOUR_MS, '1d': DAY_MS } as const;

const timeseriesQuerySchema = z.object({
  metric: z.enum(TIMESERIES_METRICS, {
    error: `expected one of ${TIMESERIES_METRICS.join(', ')}`,
  }),
  window: z
    .string({ error: 'expected a duration such as 24h or 7d' })
    .regex(/^[1-9][0-9]*[hd]$/, {
      error: 'expected a duration such as 24h or 7d',
    })
    .default('7d'),
  step: z.enum(['1h', '1d'], { error: "expected '1h' or '1d'" }).default('1h'),
});

/**
 * Parses `metric`, `window` and `step` of a time series query into the steps
 * to read: the window ends at the end of the current step (UTC) and covers
 * a whole number of steps.
 *
 * @internal
 */
export function parseTimeseriesQuery(query: unknown, now: Date) {
  const parsed = timeseriesQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Invalid query parameter '${issue.path.join('.') || 'query'}': ${
        issue.message
      }`,
    );
  }
  const { metric, window, step } = parsed.data;
  const windowMs =
    Number(window.slice(0, -1)) * (window.endsWith('d') ? DAY_MS : HOUR_MS);
  const stepMs = STEP_MS[step];
  if (windowMs > MAX_USAGE_WINDOW_DAYS * DAY_MS) {
    throw new InputError(
      `Invalid query parameter 'window': at most ${MAX_USAGE_WINDOW_DAYS}d, got ${window}`,
    );
  }
  if (windowMs % stepMs !== 0) {
    throw new InputError(
      `Invalid query parameter 'window': ${window} is not a whole number of '${step}' steps`,
    );
  }
  const toMs = Math.ceil((now.getTime() + 1) / stepMs) * stepMs;
  return {
    metric,
    step,
    stepMs,
    steps: windowMs / stepMs,
    from: new Date(toMs - windowMs),
    to: new Date(toMs),
  };
}

/**
 * The normalized entity ref of a `/:kind/:namespace/:name` route.
 *
 * @internal
 */
export function entityRefFromParams(params: Record<string, string>): string {
  const { kind, namespace, name } = params;
  return normalizeTelemetryEntityRef(`${kind}:${namespace}/${name}`);
}

/**
 * Parses the `owner` query parameter: a group entity ref, kind `group` and
 * namespace `default` unless given.
 *
 * @internal
 */
export function parseOwnerQuery(owner: unknown): string {
  if (typeof owner !== 'string' || owner.trim() === '') {
    throw new InputError(
      "Invalid query parameter 'owner': expected a group entity ref such as group:default/team-a",
    );
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `Invalid query parameter 'owner': '${owner}' is not an entity ref such as group:default/team-a`,
      error,
    );
  }
}
