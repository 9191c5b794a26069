import { InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod/v4';
import { TIMESERIES_METRICS } from '../database/TelemetryStore';
import { normalizeTelemetryEntityRef } from '../database/telemetrySubject';
import { MAX_USAGE_WINDOW_DAYS, parseUsageWindow } from '../domain/usageWindow';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

// The usage routes and the get-ai-usage action share the window rules.
export { MAX_USAGE_WINDOW_DAYS, parseUsageWindow };

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
