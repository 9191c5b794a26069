import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import {
  UNATTRIBUTED_DEFAULT_LIMIT,
  UNATTRIBUTED_MAX_LIMIT,
  UNATTRIBUTED_ORDERS,
  UnattributedOrder,
} from '../database/TelemetryStore';

/**
 * A page of the unattributed list as asked in a query string.
 *
 * @internal
 */
export interface UnattributedPageQuery {
  limit: number;
  offset: number;
  orderBy: UnattributedOrder;
}

/** The largest offset a query may ask for; far beyond any real list. */
const MAX_OFFSET = 1_000_000;

const wholeNumberText = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * Parses the page parameters of an unattributed list from a query string:
 * `limit` (1 to {@link UNATTRIBUTED_MAX_LIMIT}, default
 * {@link UNATTRIBUTED_DEFAULT_LIMIT}), `offset` (default 0) and `order`
 * (`requests` or `cost`, default `requests`). The names are prefixed with
 * `prefix` when given (e.g. `unattributedLimit` on `/fleet/summary`); other
 * parameters are left to the caller.
 *
 * @throws InputError naming the parameter and what was expected
 * @internal
 */
export function parseUnattributedPageQuery(
  query: Record<string, unknown>,
  prefix?: string,
): UnattributedPageQuery {
  const name = (param: string) =>
    prefix ? `${prefix}${param[0].toUpperCase()}${param.slice(1)}` : param;
  const fields = [
    {
      param: name('limit'),
      schema: wholeNumberText(1, UNATTRIBUTED_MAX_LIMIT),
      expected: `a whole number from 1 to ${UNATTRIBUTED_MAX_LIMIT}`,
    },
    {
      param: name('offset'),
      schema: wholeNumberText(0, MAX_OFFSET),
      expected: `a whole number from 0 to ${MAX_OFFSET}`,
    },
    {
      param: name('order'),
      schema: z.enum(UNATTRIBUTED_ORDERS),
      expected: `one of ${UNATTRIBUTED_ORDERS.join(', ')}`,
    },
  ];
  const values: Record<string, unknown> = {};
  for (const { param, schema, expected } of fields) {
    const raw = query[param];
    if (raw === undefined) {
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      throw new InputError(
        `Invalid query parameter '${param}': expected ${expected}`,
      );
    }
    values[param] = parsed.data;
  }
  return {
    limit: (values[name('limit')] as number) ?? UNATTRIBUTED_DEFAULT_LIMIT,
    offset: (values[name('offset')] as number) ?? 0,
    orderBy: (values[name('order')] as UnattributedOrder) ?? 'requests',
  };
}
