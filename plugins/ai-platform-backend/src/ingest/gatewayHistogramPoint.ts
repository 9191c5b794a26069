import { createHash } from 'node:crypto';
import {
  GEN_AI_CLIENT_TOKEN_USAGE,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOKEN_TYPE,
} from '../otlp/genAiNames';
import {
  decodeAttributes,
  nanosToString,
  OtlpAttributes,
} from '../otlp/otlpValues';
import { checkIdentityText, describeValue } from './ingestLimits';
import { METRICS_LIMITS_KEY, OtlpMetricsLimits } from './otlpMetricsLimits';
import { GatewayHistogramPoint } from '../domain/gatewayHistogramPoint';

export type { GatewayHistogramPoint } from '../domain/gatewayHistogramPoint';

/**
 * Characters of a model alias: the subject column holds
 * `unattributed:<alias>` in 512, and span join keys are capped at 255.
 */
const MAX_MODEL_ALIAS_CHARS = 255;

/**
 * One data point breaks a rule: it is rejected on its own.
 *
 * @internal
 */
export class PointRejection extends Error {}

function sortedAttributes(attributes: OtlpAttributes) {
  return [...attributes.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** A bucket count: a JSON number or (uint64 in OTLP JSON) a decimal string. */
function countOf(value: unknown, i: number): number {
  const parsed =
    typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (
    typeof parsed !== 'number' ||
    !Number.isSafeInteger(parsed) ||
    parsed < 0
  ) {
    throw new PointRejection(
      `'bucketCounts[${i}]' must be a non-negative integer, got ${describeValue(
        value,
      )}`,
    );
  }
  return parsed;
}

/** An OTLP double: a JSON number or (proto3 JSON) a numeric string. */
function boundOf(value: unknown, i: number): number {
  let parsed = NaN;
  if (typeof value === 'number') {
    parsed = value;
  } else if (typeof value === 'string' && value.trim() !== '') {
    parsed = Number(value);
  }
  if (!Number.isFinite(parsed)) {
    throw new PointRejection(
      `'explicitBounds[${i}]' must be a finite number, got ${describeValue(
        value,
      )}`,
    );
  }
  return parsed;
}

/**
 * Validates the bucket layout of a point: the lengths first, so an
 * oversized point is rejected in constant time, then each bound and count
 * once.
 */
function bucketsOf(
  point: Record<string, unknown>,
  limits: OtlpMetricsLimits,
): { bounds: number[]; bucketCounts: number[] } {
  const rawBounds = point.explicitBounds ?? [];
  if (!Array.isArray(rawBounds)) {
    throw new PointRejection(
      `'explicitBounds' must be an array of numbers, got ${describeValue(
        rawBounds,
      )}`,
    );
  }
  if (rawBounds.length > limits.maxHistogramBounds) {
    throw new PointRejection(
      `'explicitBounds' has ${rawBounds.length} entries, more than the limit of ${limits.maxHistogramBounds} (${METRICS_LIMITS_KEY}.maxHistogramBounds)`,
    );
  }
  const rawCounts = Array.isArray(point.bucketCounts) ? point.bucketCounts : [];
  if (rawCounts.length !== rawBounds.length + 1) {
    throw new PointRejection(
      `'bucketCounts' must have ${
        rawBounds.length + 1
      } entries (one more than 'explicitBounds'), got ${rawCounts.length}`,
    );
  }
  const bounds = new Array<number>(rawBounds.length);
  for (let i = 0; i < rawBounds.length; i++) {
    const bound = boundOf(rawBounds[i], i);
    if (i > 0 && bound <= bounds[i - 1]) {
      throw new PointRejection(
        `'explicitBounds[${i}]' must be greater than 'explicitBounds[${
          i - 1
        }]' (${bounds[i - 1]}), got ${bound}`,
      );
    }
    bounds[i] = bound;
  }
  const bucketCounts = new Array<number>(rawCounts.length);
  for (let i = 0; i < rawCounts.length; i++) {
    bucketCounts[i] = countOf(rawCounts[i], i);
  }
  return { bounds, bucketCounts };
}

/**
 * The model alias of a point (`gen_ai.request.model`, else the response
 * model), checked as a join key: cut, it would count for another model.
 *
 * @throws IngestItemRejection when it does not fit its column
 */
function joinKeyOf(attributes: OtlpAttributes): string {
  const modelAttribute =
    (attributes.get(GEN_AI_REQUEST_MODEL) ?? null) !== null
      ? GEN_AI_REQUEST_MODEL
      : GEN_AI_RESPONSE_MODEL;
  const model = attributes.get(modelAttribute);
  if (typeof model !== 'string' || model.trim() === '') {
    throw new PointRejection(
      `has no '${GEN_AI_REQUEST_MODEL}' or '${GEN_AI_RESPONSE_MODEL}' attribute to attribute it to an entity`,
    );
  }
  return checkIdentityText(model.trim(), modelAttribute, MAX_MODEL_ALIAS_CHARS);
}

/** The stored metric name: token usage split by `gen_ai.token.type`. */
function metricNameOf(name: string, attributes: OtlpAttributes): string {
  if (name !== GEN_AI_CLIENT_TOKEN_USAGE) {
    return name;
  }
  const tokenType = attributes.get(GEN_AI_TOKEN_TYPE);
  // `completion` is the older name of `output`.
  const type = tokenType === 'completion' ? 'output' : tokenType;
  if (type !== 'input' && type !== 'output') {
    throw new PointRejection(
      `'${GEN_AI_TOKEN_TYPE}' must be 'input' or 'output', got ${describeValue(
        tokenType ?? null,
      )}`,
    );
  }
  return `${name}.${type}`;
}

/**
 * Validates one histogram data point of the GenAI metric `name`.
 *
 * @throws PointRejection or IngestItemRejection naming the field
 * @internal
 */
export function mapHistogramPoint(
  name: string,
  temporalityValue: unknown,
  point: Record<string, unknown>,
  resourceAttributes: OtlpAttributes,
  limits: OtlpMetricsLimits,
): GatewayHistogramPoint {
  const temporality = Number(temporalityValue);
  if (temporality !== 1 && temporality !== 2) {
    throw new PointRejection(
      `'aggregationTemporality' must be 1 (delta) or 2 (cumulative), got ${describeValue(
        temporalityValue,
      )}`,
    );
  }
  const { bounds, bucketCounts } = bucketsOf(point, limits);
  const attributes = decodeAttributes(point.attributes);
  const joinKey = joinKeyOf(attributes);
  const metric = metricNameOf(name, attributes);
  const timeUnixNano = nanosToString(point.timeUnixNano);
  if (!/^[1-9][0-9]*$/.test(timeUnixNano)) {
    throw new PointRejection(
      `'timeUnixNano' must be a positive integer of nanoseconds, got ${describeValue(
        point.timeUnixNano ?? null,
      )}`,
    );
  }
  const startTimeUnixNano = nanosToString(point.startTimeUnixNano) || '0';
  const seriesKey = createHash('sha256')
    .update(
      JSON.stringify([
        metric,
        sortedAttributes(resourceAttributes),
        sortedAttributes(attributes),
      ]),
    )
    .digest('hex');
  return {
    metric,
    temporality: temporality === 1 ? 'delta' : 'cumulative',
    seriesKey,
    joinKey,
    startTimeUnixNano,
    timeUnixNano,
    bounds,
    bucketCounts,
  };
}
