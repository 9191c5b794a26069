/**
 * Mergeable log-bucket sketches (the DDSketch mapping) for latency percentiles.
 *
 * A positive value `v` falls in bucket `k = ceil(log_gamma(v))`, that is the
 * interval `(gamma^(k-1), gamma^k]`. The bucket is represented by
 * `2 * gamma^k / (1 + gamma)`, which is within the relative accuracy `alpha`
 * of every value in the bucket, with `gamma = (1 + alpha) / (1 - alpha)`.
 *
 * Buckets of the same `alpha` merge exactly by adding their counts, so
 * sketches can be stored as `(bucket, count)` rows and merged in SQL with
 * `SUM(count) ... GROUP BY bucket` on any database.
 */

/**
 * Relative accuracy of every quantile read from a sketch: 1%.
 *
 * @internal
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * Ratio between consecutive bucket boundaries:
 * `(1 + alpha) / (1 - alpha)`, about 1.0202 for alpha = 1%.
 *
 * @internal
 */
export const SKETCH_GAMMA =
  (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);

const LOG_GAMMA = Math.log(SKETCH_GAMMA);

/**
 * Smallest value tracked with relative accuracy (one microsecond when values
 * are milliseconds). Smaller values, including zero, are counted in
 * {@link SKETCH_ZERO_BUCKET} and read back as 0.
 *
 * @internal
 */
export const SKETCH_MIN_TRACKED_VALUE = 0.001;

/**
 * Bucket index for values below {@link SKETCH_MIN_TRACKED_VALUE}. It sorts
 * below every regular bucket (the smallest regular bucket is about -345).
 *
 * @internal
 */
export const SKETCH_ZERO_BUCKET = -1_000_000;

/**
 * One bucket of a sketch: its index and how many values fell in it.
 *
 * @internal
 */
export interface SketchBucketCount {
  bucket: number;
  count: number;
}

/**
 * Percentiles read from a sketch, with the number of values they are based
 * on. The percentiles are `null` when the sketch is empty.
 *
 * @internal
 */
export interface SketchPercentiles {
  p50: number | null;
  p95: number | null;
  count: number;
}

/**
 * Returns the bucket index for a non-negative value.
 *
 * @throws RangeError for negative or non-finite values
 * @internal
 */
export function bucketForValue(value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `Sketch values must be finite and non-negative, got ${value}`,
    );
  }
  if (value < SKETCH_MIN_TRACKED_VALUE) {
    return SKETCH_ZERO_BUCKET;
  }
  return Math.ceil(Math.log(value) / LOG_GAMMA);
}

/**
 * Returns the representative value of a bucket: `2 * gamma^k / (1 + gamma)`,
 * within {@link SKETCH_RELATIVE_ACCURACY} of every value in the bucket.
 *
 * @internal
 */
export function valueForBucket(bucket: number): number {
  if (bucket === SKETCH_ZERO_BUCKET) {
    return 0;
  }
  return (2 * Math.pow(SKETCH_GAMMA, bucket)) / (1 + SKETCH_GAMMA);
}

/**
 * Counts values per bucket. Useful to build the rows of one sketch.
 *
 * @internal
 */
export function countValuesByBucket(
  values: Iterable<number>,
): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) {
    const bucket = bucketForValue(value);
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return counts;
}

/**
 * Returns the value at quantile `q` (0 to 1) of a sketch given as bucket
 * counts in any order, or `null` when the sketch is empty.
 *
 * The result approximates the element of 0-based rank `floor(q * (n - 1))`
 * of the sorted values, within the relative accuracy.
 *
 * @internal
 */
export function quantileFromBuckets(
  buckets: SketchBucketCount[],
  q: number,
): number | null {
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(`Quantile must be between 0 and 1, got ${q}`);
  }
  const sorted = buckets
    .filter(b => b.count > 0)
    .sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) {
    return null;
  }
  const rank = Math.floor(q * (total - 1));
  let cumulative = 0;
  for (const { bucket, count } of sorted) {
    cumulative += count;
    if (cumulative > rank) {
      return valueForBucket(bucket);
    }
  }
  return valueForBucket(sorted[sorted.length - 1].bucket);
}

/**
 * Reads p50, p95 and the value count from a sketch.
 *
 * @internal
 */
export function percentilesFromBuckets(
  buckets: SketchBucketCount[],
): SketchPercentiles {
  return {
    p50: quantileFromBuckets(buckets, 0.5),
    p95: quantileFromBuckets(buckets, 0.95),
    count: buckets.reduce((sum, b) => sum + b.count, 0),
  };
}
