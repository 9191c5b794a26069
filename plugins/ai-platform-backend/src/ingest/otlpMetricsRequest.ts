import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import {
  arrayField,
  decodeAttributes,
  isRecord,
  lookupOtlpProtoType,
  nanosToString,
  OtlpAttributes,
} from './otlpTraceRequest';
import { RejectedTelemetryItem } from './UnresolvedTelemetryEvent';

/**
 * The GenAI histograms `POST /v1/metrics` stores. Token usage is split by
 * `gen_ai.token.type` into `gen_ai.client.token.usage.input` / `.output`.
 *
 * @internal
 */
export const GEN_AI_HISTOGRAM_METRICS = [
  'gen_ai.server.time_to_first_token',
  'gen_ai.server.request.duration',
  'gen_ai.client.operation.duration',
  'gen_ai.client.token.usage',
] as const;

/**
 * One histogram data point of a GenAI metric, validated.
 *
 * @internal
 */
export interface GatewayHistogramPoint {
  /** The metric name, token usage suffixed with `.input` / `.output`. */
  metric: string;
  temporality: 'delta' | 'cumulative';
  /** sha256 of metric, resource and point attributes: one series. */
  seriesKey: string;
  /** The gateway model alias (`gen_ai.request.model`, else response model). */
  joinKey: string;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** Explicit bounds, increasing, in the metric's unit (s or tokens). */
  bounds: number[];
  /** `bounds.length + 1` counts. */
  bucketCounts: number[];
}

/**
 * Caps on the work one `POST /v1/metrics` request may ask for
 * (`aiPlatform.ingest.limits`). A data point beyond them is rejected on its
 * own and reported in the OTLP `partialSuccess`; the rest is stored.
 *
 * @internal
 */
export interface OtlpMetricsLimits {
  /** Most `explicitBounds` of one histogram data point. */
  maxHistogramBounds: number;
  /** Most data points of GenAI metrics read from one request. */
  maxDataPointsPerRequest: number;
}

/**
 * Defaults of {@link OtlpMetricsLimits}: OpenTelemetry SDKs' default
 * histograms have 15 to 20 bounds.
 *
 * @internal
 */
export const DEFAULT_OTLP_METRICS_LIMITS: Readonly<OtlpMetricsLimits> = {
  maxHistogramBounds: 256,
  maxDataPointsPerRequest: 10_000,
};

const LIMITS_KEY = 'aiPlatform.ingest.limits';

function readPositiveInteger(
  config: Config,
  key: string,
  defaultValue: number,
): number {
  const value = config.getOptionalNumber(key) ?? defaultValue;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(
      `Invalid config '${key}': expected a positive integer, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `aiPlatform.ingest.limits.maxHistogramBounds` and
 * `aiPlatform.ingest.limits.maxDataPointsPerRequest`.
 *
 * @throws Error naming the key when a value is not a positive integer
 * @internal
 */
export function readOtlpMetricsLimits(config: Config): OtlpMetricsLimits {
  return {
    maxHistogramBounds: readPositiveInteger(
      config,
      `${LIMITS_KEY}.maxHistogramBounds`,
      DEFAULT_OTLP_METRICS_LIMITS.maxHistogramBounds,
    ),
    maxDataPointsPerRequest: readPositiveInteger(
      config,
      `${LIMITS_KEY}.maxDataPointsPerRequest`,
      DEFAULT_OTLP_METRICS_LIMITS.maxDataPointsPerRequest,
    ),
  };
}

/**
 * Characters of a model alias: the subject column holds
 * `unattributed:<alias>` in 512, and span join keys are capped at 255.
 */
const MAX_MODEL_ALIAS_CHARS = 255;
const MAX_QUOTED_CHARS = 40;

class PointRejection extends Error {}

/** A client value for a rejection message, never long or serialized whole. */
function quoteValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length <= MAX_QUOTED_CHARS
      ? JSON.stringify(value)
      : `${JSON.stringify(value.slice(0, MAX_QUOTED_CHARS))}… (${
          value.length
        } characters)`;
  }
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  ) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

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
      `'bucketCounts[${i}]' must be a non-negative integer, got ${quoteValue(
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
      `'explicitBounds[${i}]' must be a finite number, got ${quoteValue(
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
      `'explicitBounds' must be an array of numbers, got ${quoteValue(
        rawBounds,
      )}`,
    );
  }
  if (rawBounds.length > limits.maxHistogramBounds) {
    throw new PointRejection(
      `'explicitBounds' has ${rawBounds.length} entries, more than the limit of ${limits.maxHistogramBounds} (${LIMITS_KEY}.maxHistogramBounds)`,
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

function mapPoint(
  name: string,
  temporalityValue: unknown,
  point: Record<string, unknown>,
  resourceAttributes: OtlpAttributes,
  limits: OtlpMetricsLimits,
): GatewayHistogramPoint {
  const temporality = Number(temporalityValue);
  if (temporality !== 1 && temporality !== 2) {
    throw new PointRejection(
      `'aggregationTemporality' must be 1 (delta) or 2 (cumulative), got ${quoteValue(
        temporalityValue,
      )}`,
    );
  }
  const { bounds, bucketCounts } = bucketsOf(point, limits);
  const attributes = decodeAttributes(point.attributes);
  const modelAttribute =
    (attributes.get('gen_ai.request.model') ?? null) !== null
      ? 'gen_ai.request.model'
      : 'gen_ai.response.model';
  const model = attributes.get(modelAttribute);
  if (typeof model !== 'string' || model.trim() === '') {
    throw new PointRejection(
      "has no 'gen_ai.request.model' or 'gen_ai.response.model' attribute to attribute it to an entity",
    );
  }
  const joinKey = model.trim();
  // A join key: cut, it would count for another model, so it rejects.
  if (joinKey.length > MAX_MODEL_ALIAS_CHARS) {
    throw new PointRejection(
      `'${modelAttribute}' ${quoteValue(joinKey)} is ${
        joinKey.length
      } characters long, more than the ${MAX_MODEL_ALIAS_CHARS} allowed`,
    );
  }
  if (joinKey.includes('\u0000')) {
    throw new PointRejection(
      `'${modelAttribute}' ${quoteValue(joinKey)} contains a NUL character`,
    );
  }
  let metric = name;
  if (name === 'gen_ai.client.token.usage') {
    const tokenType = attributes.get('gen_ai.token.type');
    // `completion` is the older name of `output`.
    const type = tokenType === 'completion' ? 'output' : tokenType;
    if (type !== 'input' && type !== 'output') {
      throw new PointRejection(
        `'gen_ai.token.type' must be 'input' or 'output', got ${quoteValue(
          tokenType ?? null,
        )}`,
      );
    }
    metric = `${name}.${type}`;
  }
  const timeUnixNano = nanosToString(point.timeUnixNano);
  if (!/^[1-9][0-9]*$/.test(timeUnixNano)) {
    throw new PointRejection(
      `'timeUnixNano' must be a positive integer of nanoseconds, got ${quoteValue(
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

/**
 * The GenAI histogram points of one metrics export request and the data
 * points rejected (index = position among the data points of GenAI metrics
 * in the batch).
 *
 * @internal
 */
export interface DecodedOtlpMetricsRequest {
  points: GatewayHistogramPoint[];
  /**
   * One entry per rejected point, except the points beyond
   * `maxDataPointsPerRequest`: one entry (first) stands for all of them.
   */
  rejected: RejectedTelemetryItem[];
  /** Rejected data points, those beyond `maxDataPointsPerRequest` included. */
  rejectedCount: number;
}

/**
 * The OTLP response to a metrics export request.
 *
 * @internal
 */
export interface OtlpMetricsExportResponse {
  partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
}

/**
 * Decodes an OTLP/HTTP JSON `ExportMetricsServiceRequest` and keeps the
 * histogram data points of the GenAI metrics; other metrics are ignored,
 * bad points of GenAI metrics rejected (index = position among the
 * data points of GenAI metrics in the batch).
 *
 * @throws InputError when the body is not JSON or not shaped like a request
 * @internal
 */
export function decodeOtlpMetricsJson(
  body: Buffer,
  limits: OtlpMetricsLimits = DEFAULT_OTLP_METRICS_LIMITS,
): DecodedOtlpMetricsRequest {
  let request: unknown;
  try {
    request = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InputError(
      `Malformed JSON body: ${
        (error as Error).message
      }; expected an OTLP ExportMetricsServiceRequest`,
    );
  }
  return flattenMetricsRequest(request, limits);
}

/**
 * Decodes an OTLP/HTTP protobuf `ExportMetricsServiceRequest` into the same
 * points and rejections as {@link decodeOtlpMetricsJson} does for the same
 * data in JSON.
 *
 * @throws InputError when the body is not a valid protobuf message
 * @internal
 */
export function decodeOtlpMetricsProtobuf(
  body: Buffer,
  limits: OtlpMetricsLimits = DEFAULT_OTLP_METRICS_LIMITS,
): DecodedOtlpMetricsRequest {
  const requestType = lookupOtlpProtoType('ExportMetricsServiceRequest');
  let object: Record<string, unknown>;
  try {
    // longs as decimal strings and enums as numbers: the shapes of OTLP JSON.
    object = requestType.toObject(requestType.decode(body), {
      longs: String,
      enums: Number,
      oneofs: false,
    });
  } catch (error) {
    throw new InputError(
      `Malformed protobuf body: ${
        (error as Error).message
      }; expected an OTLP ExportMetricsServiceRequest`,
    );
  }
  return flattenMetricsRequest(object, limits);
}

/**
 * Encodes an OTLP metrics export response as JSON (int64 as a decimal
 * string) or protobuf (`ExportMetricsServiceResponse`).
 *
 * @internal
 */
export function encodeOtlpMetricsResponse(
  response: OtlpMetricsExportResponse,
  format: 'json' | 'protobuf',
): Buffer {
  if (format === 'json') {
    const json = response.partialSuccess
      ? {
          partialSuccess: {
            rejectedDataPoints: String(
              response.partialSuccess.rejectedDataPoints,
            ),
            errorMessage: response.partialSuccess.errorMessage,
          },
        }
      : {};
    return Buffer.from(JSON.stringify(json), 'utf8');
  }
  const responseType = lookupOtlpProtoType('ExportMetricsServiceResponse');
  const message = responseType.fromObject(
    response.partialSuccess ? { partialSuccess: response.partialSuccess } : {},
  );
  return Buffer.from(responseType.encode(message).finish());
}

/**
 * Maps a request (OTLP JSON, or protobuf after `toObject`) to points. Data
 * points beyond `maxDataPointsPerRequest` are counted, not read.
 */
function flattenMetricsRequest(
  request: unknown,
  limits: OtlpMetricsLimits,
): DecodedOtlpMetricsRequest {
  if (!isRecord(request)) {
    throw new InputError(
      "Invalid OTLP metrics request: expected an ExportMetricsServiceRequest object with 'resourceMetrics'",
    );
  }
  const points: GatewayHistogramPoint[] = [];
  const rejected: RejectedTelemetryItem[] = [];
  let position = 0;
  let overLimit = 0;
  arrayField(request, 'resourceMetrics', '', 'metrics').forEach(
    (resourceMetrics, r) => {
      const resourceAttributes = decodeAttributes(
        isRecord(resourceMetrics.resource)
          ? resourceMetrics.resource.attributes
          : undefined,
      );
      arrayField(
        resourceMetrics,
        'scopeMetrics',
        `resourceMetrics[${r}].`,
        'metrics',
      ).forEach((scopeMetrics, s) => {
        for (const metric of arrayField(
          scopeMetrics,
          'metrics',
          `resourceMetrics[${r}].scopeMetrics[${s}].`,
          'metrics',
        )) {
          const name = metric.name;
          if (
            typeof name !== 'string' ||
            !(GEN_AI_HISTOGRAM_METRICS as readonly string[]).includes(name)
          ) {
            continue;
          }
          const histogram = isRecord(metric.histogram)
            ? metric.histogram
            : undefined;
          const form = [
            histogram,
            metric.exponentialHistogram,
            metric.sum,
            metric.gauge,
            metric.summary,
          ].find(isRecord);
          const allDataPoints: unknown[] = Array.isArray(form?.dataPoints)
            ? form!.dataPoints
            : [];
          const readable = Math.max(
            0,
            Math.min(
              allDataPoints.length,
              limits.maxDataPointsPerRequest - position,
            ),
          );
          overLimit += allDataPoints.length - readable;
          const dataPoints =
            readable < allDataPoints.length
              ? allDataPoints.slice(0, readable)
              : allDataPoints;
          for (const point of dataPoints) {
            try {
              if (!histogram) {
                throw new PointRejection(
                  'only explicit-bucket histograms are supported',
                );
              }
              if (!isRecord(point)) {
                throw new PointRejection('must be an object');
              }
              points.push(
                mapPoint(
                  name,
                  histogram.aggregationTemporality,
                  point,
                  resourceAttributes,
                  limits,
                ),
              );
            } catch (error) {
              if (!(error instanceof PointRejection)) throw error;
              rejected.push({
                index: position,
                message: `data point ${position} of '${name}': ${error.message}`,
              });
            }
            position += 1;
          }
        }
      });
    },
  );
  if (overLimit === 0) {
    return { points, rejected, rejectedCount: rejected.length };
  }
  const first = limits.maxDataPointsPerRequest;
  const last = first + overLimit - 1;
  const overLimitRejection: RejectedTelemetryItem = {
    index: first,
    message: `${
      overLimit === 1
        ? `data point ${first}`
        : `data points ${first} to ${last}`
    }: the request has ${
      last + 1
    } data points of GenAI metrics, more than the limit of ${first} per request (${LIMITS_KEY}.maxDataPointsPerRequest)`,
  };
  return {
    points,
    // First, so the response's message always quotes it.
    rejected: [overLimitRejection, ...rejected],
    rejectedCount: rejected.length + overLimit,
  };
}
