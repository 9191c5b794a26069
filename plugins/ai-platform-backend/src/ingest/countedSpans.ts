import { hasUsage, GenAiSpanRole } from './genAiSpanRoles';
import { OtlpSpan } from './otlpTraceRequest';

/**
 * Whether a span of a batch counts as a model call, and under which
 * operation.
 *
 * @internal
 */
export type SpanCount =
  /** Counted as one model call. */
  | { counted: true; operation: string }
  /** Not a call: a wrapper with a model call below it, a tool, ... */
  | { counted: false };

const spanKey = (traceId: string, spanId: string) => `${traceId}/${spanId}`;

/**
 * Compares two decimal nanosecond strings as numbers: by length, then
 * digit by digit (no BigInt per span). Malformed times are refused when the
 * span is mapped; here they only decide nesting.
 */
function compareNanos(a: string, b: string): number {
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** Whether `inner` starts and ends within `outer`. */
function within(inner: OtlpSpan, outer: OtlpSpan): boolean {
  return (
    inner.startTimeUnixNano !== '' &&
    inner.endTimeUnixNano !== '' &&
    compareNanos(inner.startTimeUnixNano, outer.startTimeUnixNano) >= 0 &&
    compareNanos(inner.endTimeUnixNano, outer.endTimeUnixNano) <= 0
  );
}

const NOT_COUNTED: SpanCount = { counted: false };

/**
 * Applies the counting rule to a batch of classified spans: a span that
 * wraps or aggregates model calls never adds a call; usage counts on the
 * innermost model call span.
 *
 * - A `call` span is a wrapper when a call span of the same operation lies
 *   below it (its nearest call descendant on the parent chain) and within
 *   its time, or carries usage the outer span lacks: the Vercel AI SDK's
 *   GenAI mode nests `embeddings` in `embeddings`, two instrumentations of
 *   one call nest the same call.
 * - A `wrapper` span counts once, on its own usage, only when no model
 *   call span of its trace is counted in the batch and no other wrapper
 *   with usage sits below it.
 *
 * Linear in spans: ancestors are resolved once per span (memoised) and
 * marked at most once. `roles[i]` is the role of `spans[i]` (undefined for
 * spans that do not speak GenAI).
 *
 * @internal
 */
export function countSpans(
  spans: OtlpSpan[],
  roles: Array<GenAiSpanRole | undefined>,
): {
  counts: SpanCount[];
  /** The index of each span's parent in the batch; undefined: none. */
  parents: Array<number | undefined>;
} {
  const byId = new Map<string, number>();
  spans.forEach((span, index) => {
    byId.set(spanKey(span.traceId, span.spanId), index);
  });
  // Each span's parent, looked up once.
  const parents = spans.map(span =>
    span.parentSpanId
      ? byId.get(spanKey(span.traceId, span.parentSpanId))
      : undefined,
  );
  const parentIndex = (index: number) => parents[index];
  const countedAs = new Map<string, SpanCount>();
  const counted = (operation: string): SpanCount => {
    let count = countedAs.get(operation);
    if (!count) {
      count = { counted: true, operation };
      countedAs.set(operation, count);
    }
    return count;
  };
  const isCall = (index: number) => roles[index]?.role === 'call';

  /** Nearest call ancestor per span (-1: none), memoised along the path. */
  const nearestCall = new Map<number, number>();
  const nearestCallAbove = (start: number): number => {
    const parent = parentIndex(start);
    if (parent === undefined) {
      return -1;
    }
    if (isCall(parent)) {
      return parent; // the common case, without allocations
    }
    const path: number[] = [];
    const onPath = new Set<number>();
    let current = parentIndex(start);
    let found = -1;
    while (current !== undefined) {
      const known = nearestCall.get(current);
      if (known !== undefined) {
        found = isCall(current) ? current : known;
        break;
      }
      if (isCall(current)) {
        found = current;
        break;
      }
      if (onPath.has(current)) {
        break; // a parent cycle
      }
      path.push(current);
      onPath.add(current);
      current = parentIndex(current);
    }
    for (const index of path) {
      nearestCall.set(index, found);
    }
    return found;
  };

  const wrappingCalls = new Set<number>();
  const aboveUsageWrapper = new Set<number>();
  spans.forEach((span, index) => {
    const role = roles[index];
    if (role?.role === 'call') {
      const outer = nearestCallAbove(index);
      const outerRole = outer >= 0 ? roles[outer] : undefined;
      if (
        outerRole?.role === 'call' &&
        outerRole.operation === role.operation &&
        (within(span, spans[outer]) ||
          // The SDK may time the two spans with different clocks.
          (hasUsage(span.attributes) && !hasUsage(spans[outer].attributes)))
      ) {
        wrappingCalls.add(outer);
      }
    } else if (role?.role === 'wrapper' && hasUsage(span.attributes)) {
      let current = parentIndex(index);
      while (current !== undefined && !aboveUsageWrapper.has(current)) {
        aboveUsageWrapper.add(current);
        current = parentIndex(current);
      }
    }
  });

  const tracesWithCalls = new Set<string>();
  spans.forEach((span, index) => {
    if (isCall(index) && !wrappingCalls.has(index)) {
      tracesWithCalls.add(span.traceId);
    }
  });

  const counts = spans.map((span, index): SpanCount => {
    const role = roles[index];
    if (role?.role === 'call') {
      return wrappingCalls.has(index) ? NOT_COUNTED : counted(role.operation);
    }
    if (
      role?.role === 'wrapper' &&
      hasUsage(span.attributes) &&
      !tracesWithCalls.has(span.traceId) &&
      !aboveUsageWrapper.has(index)
    ) {
      return counted(role.operation);
    }
    return NOT_COUNTED;
  });
  return { counts, parents };
}
