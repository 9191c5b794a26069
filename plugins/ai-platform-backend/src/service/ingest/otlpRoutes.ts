import express from 'express';
import { TelemetryIngestService } from '../../ingest/TelemetryIngestService';
import { decodeOtlpLogsRequest } from '../../ingest/otlpLogsRequest';
import {
  DEFAULT_OTLP_METRICS_LIMITS,
  OtlpMetricsLimits,
} from '../../ingest/otlpMetricsLimits';
import { decodeOtlpMetricsRequest } from '../../ingest/otlpMetricsRequest';
import { decodeOtlpTraceRequest } from '../../ingest/otlpTraceRequest';
import {
  encodeOtlpResponse,
  OTLP_LOGS,
  OTLP_METRICS,
  OTLP_TRACES,
  OtlpBodyFormat,
  OtlpPartialSuccess,
  otlpPartialSuccess,
  otlpResponseContentType,
  OtlpSignal,
} from '../../otlp/otlpEnvelope';
import { otlpBodyFormatOf } from './ingestBody';

/**
 * What the OTLP routes share with the other ingest routes.
 *
 * @internal
 */
export interface OtlpRoutesOptions {
  service: TelemetryIngestService;
  /** Authentication and body reading, run before each route. */
  before: express.RequestHandler[];
  /** Runs a store operation; database or catalog outages answer 503. */
  answer503WhenUnavailable: <T>(
    res: express.Response,
    operation: () => Promise<T>,
  ) => Promise<T>;
  metricsLimits?: OtlpMetricsLimits;
}

function respond(
  res: express.Response,
  signal: OtlpSignal,
  partialSuccess: OtlpPartialSuccess | undefined,
  format: OtlpBodyFormat,
) {
  res
    .status(200)
    .type(otlpResponseContentType(format))
    .send(encodeOtlpResponse(signal, partialSuccess, format));
}

/**
 * Adds the OTLP/HTTP routes `POST /v1/traces`, `/v1/logs` and `/v1/metrics`
 * (JSON or protobuf, answered in the request's format, with a
 * `partialSuccess` when items were rejected).
 *
 * @internal
 */
export function addOtlpRoutes(
  router: express.Router,
  options: OtlpRoutesOptions,
) {
  const { service, before, answer503WhenUnavailable } = options;

  router.post('/v1/traces', ...before, async (req, res) => {
    const format = otlpBodyFormatOf(req);
    const spans = decodeOtlpTraceRequest(req.body as Buffer, format);
    const rejected = await answer503WhenUnavailable(res, () =>
      service.ingestSpans(spans),
    );
    respond(res, OTLP_TRACES, otlpPartialSuccess(rejected, 'span(s)'), format);
  });

  router.post('/v1/logs', ...before, async (req, res) => {
    const format = otlpBodyFormatOf(req);
    const records = decodeOtlpLogsRequest(req.body as Buffer, format);
    const rejected = await answer503WhenUnavailable(res, () =>
      service.ingestLogRecords(records),
    );
    respond(
      res,
      OTLP_LOGS,
      otlpPartialSuccess(rejected, 'log record(s)'),
      format,
    );
  });

  router.post('/v1/metrics', ...before, async (req, res) => {
    const format = otlpBodyFormatOf(req);
    const { points, rejected, rejectedCount } = decodeOtlpMetricsRequest(
      req.body as Buffer,
      format,
      options.metricsLimits ?? DEFAULT_OTLP_METRICS_LIMITS,
    );
    await answer503WhenUnavailable(res, () =>
      service.ingestHistogramPoints(points),
    );
    respond(
      res,
      OTLP_METRICS,
      otlpPartialSuccess(rejected, 'data point(s)', rejectedCount),
      format,
    );
  });
}
