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

class PointRejection extends Error {}

function sortedAttributes(attributes: OtlpAttributes) {
  return [...attributes.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function countOf(value: unknown, what: string): number {
  const parsed =
    typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (
    typeof parsed !== 'number' ||
    !Number.isSafeInteger(parsed) ||
    parsed < 0
  ) {
    throw new PointRejection(
      `${what} must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}

function mapPoint(
  name: string,
  temporalityValue: unknown,
  point: Record<string, unknown>,
  resourceAttributes: OtlpAttributes,
): GatewayHistogramPoint {
  const temporality = Number(temporalityValue);
  if (temporality !== 1 && temporality !== 2) {
    throw new PointRejection(
      `'aggregationTemporality' must be 1 (delta) or 2 (cumulative), got ${JSON.stringify(
        temporalityValue,
      )}`,
    );
  }
  const attributes = decodeAttributes(point.attributes);
  const model =
    attributes.get('gen_ai.request.model') ??
    attributes.get('gen_ai.response.model');
  if (typeof model !== 'string' || model.trim() === '') {
    throw new PointRejection(
      "has no 'gen_ai.request.model' or 'gen_ai.response.model' attribute to attribute it to an entity",
    );
  }
  let metric = name;
  if (name === 'gen_ai.client.token.usage') {
    const tokenType = attributes.get('gen_ai.token.type');
    // `completion` is the older name of `output`.
    const type = tokenType === 'completion' ? 'output' : tokenType;
    if (type !== 'input' && type !== 'output') {
      throw new PointRejection(
        `'gen_ai.token.type' must be 'input' or 'output', got ${JSON.stringify(
          tokenType ?? null,
        )}`,
      );
    }
    metric = `${name}.${type}`;
  }
  const rawBounds = Array.isArray(point.explicitBounds)
    ? point.explicitBounds
    : [];
  const bounds = rawBounds.map(Number);
  bounds.forEach((bound, i) => {
    if (!Number.isFinite(bound) || (i > 0 && bound <= bounds[i - 1])) {
      throw new PointRejection(
        `'explicitBounds' must be increasing finite numbers, got ${JSON.stringify(
          rawBounds,
        )}`,
      );
    }
  });
  const rawCounts = Array.isArray(point.bucketCounts) ? point.bucketCounts : [];
  if (rawCounts.length !== bounds.length + 1) {
    throw new PointRejection(
      `'bucketCounts' must have ${
        bounds.length + 1
      } entries (one more than 'explicitBounds'), got ${rawCounts.length}`,
    );
  }
  const bucketCounts = rawCounts.map((count, i) =>
    countOf(count, `'bucketCounts[${i}]'`),
  );
  const timeUnixNano = nanosToString(point.timeUnixNano);
  if (!/^[1-9][0-9]*$/.test(timeUnixNano)) {
    throw new PointRejection(
      `'timeUnixNano' must be a positive integer of nanoseconds, got ${JSON.stringify(
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
    joinKey: model.trim(),
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
  rejected: RejectedTelemetryItem[];
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
export function decodeOtlpMetricsJson(body: Buffer): DecodedOtlpMetricsRequest {
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
  return flattenMetricsRequest(request);
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
  return flattenMetricsRequest(object);
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

/** Maps a request (OTLP JSON, or protobuf after `toObject`) to points. */
function flattenMetricsRequest(request: unknown): DecodedOtlpMetricsRequest {
  if (!isRecord(request)) {
    throw new InputError(
      "Invalid OTLP metrics request: expected an ExportMetricsServiceRequest object with 'resourceMetrics'",
    );
  }
  const points: GatewayHistogramPoint[] = [];
  const rejected: RejectedTelemetryItem[] = [];
  let position = 0;
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
          const dataPoints = Array.isArray(form?.dataPoints)
            ? form!.dataPoints
            : [];
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
  return { points, rejected };
}
