import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';

const DAY_MS = 24 * 60 * 60 * 1000;

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
 * Parses the `from` and `to` parameters (HTTP query or MCP action input)
 * into a window: ISO 8601
 * dates or date-times, `from` before `to`, at most
 * {@link MAX_USAGE_WINDOW_DAYS} days. `to` defaults to now and `from` to
 * 24 hours before `to`.
 *
 * @internal
 */
export function parseUsageWindow(
  query: unknown,
  now: Date,
): { from: Date; to: Date } {
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
