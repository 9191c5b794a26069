import {
  bucketForValue,
  countValuesByBucket,
  percentilesFromBuckets,
  quantileFromBuckets,
  SKETCH_GAMMA,
  SKETCH_RELATIVE_ACCURACY,
  SKETCH_ZERO_BUCKET,
  valueForBucket,
} from './logBucketSketch';

function toBuckets(values: number[]) {
  return [...countValuesByBucket(values)].map(([bucket, count]) => ({
    bucket,
    count,
  }));
}

/** Relative error of an estimate; Infinity when there is none. */
function relativeError(estimate: number | null, exact: number): number {
  return estimate === null
    ? Number.POSITIVE_INFINITY
    : Math.abs(estimate - exact) / exact;
}

describe('logBucketSketch', () => {
  it('uses gamma = (1 + alpha) / (1 - alpha) for 1% accuracy', () => {
    expect(SKETCH_RELATIVE_ACCURACY).toBe(0.01);
    expect(SKETCH_GAMMA).toBeCloseTo(1.0202, 4);
  });

  it('maps values to ceil(log_gamma(v)) and back within the accuracy', () => {
    expect(bucketForValue(1)).toBe(0);
    expect(bucketForValue(SKETCH_GAMMA)).toBe(1);
    expect(bucketForValue(SKETCH_GAMMA * 1.001)).toBe(2);
    for (const value of [0.002, 0.5, 1, 7, 42.5, 250, 999, 12_345, 3.6e6]) {
      expect(
        relativeError(valueForBucket(bucketForValue(value)), value),
      ).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    }
  });

  it('keeps zero and sub-microsecond values in the zero bucket', () => {
    expect(bucketForValue(0)).toBe(SKETCH_ZERO_BUCKET);
    expect(bucketForValue(0.0001)).toBe(SKETCH_ZERO_BUCKET);
    expect(valueForBucket(SKETCH_ZERO_BUCKET)).toBe(0);
    expect(bucketForValue(0.001)).toBeGreaterThan(SKETCH_ZERO_BUCKET);
  });

  it('rejects negative and non-finite values', () => {
    expect(() => bucketForValue(-1)).toThrow(RangeError);
    expect(() => bucketForValue(Number.NaN)).toThrow(RangeError);
    expect(() => bucketForValue(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('reads quantiles by rank floor(q * (n - 1)) whatever the bucket order', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    const buckets = toBuckets(values).reverse();
    // rank floor(0.95 * 99) = 94 -> the value 95; rank 49 -> 50
    expect(
      relativeError(quantileFromBuckets(buckets, 0.95), 95),
    ).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    expect(
      relativeError(quantileFromBuckets(buckets, 0.5), 50),
    ).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    expect(
      relativeError(quantileFromBuckets(buckets, 0), 1),
    ).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    expect(
      relativeError(quantileFromBuckets(buckets, 1), 100),
    ).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
  });

  it('merges sketches exactly by adding counts per bucket', () => {
    const a = [10, 20, 30, 40];
    const b = [15, 25, 1000];
    const merged = new Map<number, number>();
    for (const { bucket, count } of [...toBuckets(a), ...toBuckets(b)]) {
      merged.set(bucket, (merged.get(bucket) ?? 0) + count);
    }
    const mergedBuckets = [...merged].map(([bucket, count]) => ({
      bucket,
      count,
    }));
    expect(percentilesFromBuckets(mergedBuckets)).toEqual(
      percentilesFromBuckets(toBuckets([...a, ...b])),
    );
    expect(percentilesFromBuckets(mergedBuckets).count).toBe(7);
  });

  it('returns null percentiles and a zero count for an empty sketch', () => {
    expect(percentilesFromBuckets([])).toEqual({
      p50: null,
      p95: null,
      count: 0,
    });
    expect(percentilesFromBuckets([{ bucket: 3, count: 0 }])).toMatchObject({
      p50: null,
      count: 0,
    });
  });

  it('rejects quantiles outside [0, 1]', () => {
    expect(() => quantileFromBuckets([{ bucket: 1, count: 1 }], 1.5)).toThrow(
      RangeError,
    );
  });
});
