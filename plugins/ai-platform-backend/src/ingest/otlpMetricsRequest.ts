import { InputError } from '@backstage/errors';
import {
  GEN_AI_CLIENT_OPERATION_DURATION,
  GEN_AI_CLIENT_TOKEN_USAGE,
  GEN_AI_SERVER_REQUEST_DURATION,
  GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
} from '../otlp/genAiNames';
import {
  decodeOtlpBody,
  OTLP_METRICS,
  OtlpBodyFormat,
} from '../otlp/otlpEnvelope';
import {
  arrayField,
  decodeResourceAttributes,
  isRecord,
  OtlpAttributes,
} from '../otlp/otlpValues';
import {
  GatewayHistogramPoint,
  mapHistogramPoint,
  PointRejection,
} from './gatewayHistogramPoint';
import { IngestItemRejection } from './ingestLimits';
import {
  DEFAULT_OTLP_METRICS_LIMITS,
  METRICS_LIMITS_KEY,
  OtlpMetricsLimits,
} from './otlpMetricsLimits';
import { RejectedTelemetryItem } from './UnresolvedTelemetryEvent';

/**
 * The GenAI histograms `POST /v1/metrics` stores. Token usage is split by
 * `gen_ai.token.type` into `gen_ai.client.token.usage.input` / `.output`.
 *
 * @internal
 */
export const GEN_AI_HISTOGRAM_METRICS = [
  GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
  GEN_AI_SERVER_REQUEST_DURATION,
  GEN_AI_CLIENT_OPERATION_DURATION,
  GEN_AI_CLIENT_TOKEN_USAGE,
] as const;

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

/** Points read so far and the points beyond the request's limit. */
interface MetricsBatch {
  points: GatewayHistogramPoint[];
  rejected: RejectedTelemetryItem[];
  position: number;
  overLimit: number;
}

/**
 * Reads the data points of one GenAI metric: those within
 * `maxDataPointsPerRequest` are validated one by one, the rest counted.
 */
function readMetric(
  metric: Record<string, unknown>,
  name: string,
  resourceAttributes: OtlpAttributes,
  limits: OtlpMetricsLimits,
  batch: MetricsBatch,
) {
  const histogram = isRecord(metric.histogram) ? metric.histogram : undefined;
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
      limits.maxDataPointsPerRequest - batch.position,
    ),
  );
  batch.overLimit += allDataPoints.length - readable;
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
      batch.points.push(
        mapHistogramPoint(
          name,
          histogram.aggregationTemporality,
          point,
          resourceAttributes,
          limits,
        ),
      );
    } catch (error) {
      if (
        !(error instanceof PointRejection) &&
        !(error instanceof IngestItemRejection)
      ) {
        throw error;
      }
      batch.rejected.push({
        index: batch.position,
        message: `data point ${batch.position} of '${name}': ${error.message}`,
      });
    }
    batch.position += 1;
  }
}

/** One rejection standing for every data point beyond the request's limit. */
function overLimitRejection(
  overLimit: number,
  limits: OtlpMetricsLimits,
): RejectedTelemetryItem {
  const first = limits.maxDataPointsPerRequest;
  const last = first + overLimit - 1;
  return {
    index: first,
    message: `${
      overLimit === 1
        ? `data point ${first}`
        : `data points ${first} to ${last}`
    }: the request has ${
      last + 1
    } data points of GenAI metrics, more than the limit of ${first} per request (${METRICS_LIMITS_KEY}.maxDataPointsPerRequest)`,
  };
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
  const batch: MetricsBatch = {
    points: [],
    rejected: [],
    position: 0,
    overLimit: 0,
  };
  arrayField(request, 'resourceMetrics', '', 'metrics').forEach(
    (resourceMetrics, r) => {
      const resourceAttributes = decodeResourceAttributes(
        resourceMetrics.resource,
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
            typeof name === 'string' &&
            (GEN_AI_HISTOGRAM_METRICS as readonly string[]).includes(name)
          ) {
            readMetric(metric, name, resourceAttributes, limits, batch);
          }
        }
      });
    },
  );
  const { points, rejected, overLimit } = batch;
  if (overLimit === 0) {
    return { points, rejected, rejectedCount: rejected.length };
  }
  return {
    points,
    // First, so the response's message always quotes it.
    rejected: [overLimitRejection(overLimit, limits), ...rejected],
    rejectedCount: rejected.length + overLimit,
  };
}

/**
 * Decodes an OTLP/HTTP `ExportMetricsServiceRequest` body (JSON or
 * protobuf, to the same points and rejections) and keeps the histogram data
 * points of the GenAI metrics; other metrics are ignored, bad points of
 * GenAI metrics rejected (index = position among the data points of GenAI
 * metrics in the batch).
 *
 * @throws InputError when the body is malformed or not shaped like a request
 * @internal
 */
export function decodeOtlpMetricsRequest(
  body: Buffer,
  format: OtlpBodyFormat,
  limits: OtlpMetricsLimits = DEFAULT_OTLP_METRICS_LIMITS,
): DecodedOtlpMetricsRequest {
  const { request } = decodeOtlpBody(OTLP_METRICS, body, format);
  return flattenMetricsRequest(request, limits);
}
