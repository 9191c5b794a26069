import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, InputError } from '@backstage/errors';
import express from 'express';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import Router from 'express-promise-router';
import { TelemetryStore } from '../database/TelemetryStore';
import { mapGenAiSpans } from '../ingest/mapGenAiSpans';
import { DEFAULT_INGEST_LIMITS, IngestLimits } from '../ingest/ingestLimits';
import {
  mapLiteLlmPayloads,
  parseLiteLlmBody,
} from '../ingest/mapLiteLlmPayloads';
import {
  decodeOtlpTraceJson,
  decodeOtlpTraceProtobuf,
  encodeOtlpTraceResponse,
} from '../ingest/otlpTraceRequest';
import { TelemetryEntityResolver } from '../ingest/TelemetryEntityResolver';
import {
  decodeOtlpLogsJson,
  decodeOtlpLogsProtobuf,
  encodeOtlpLogsResponse,
} from '../ingest/otlpLogsRequest';
import {
  hasEvaluationResults,
  mapEvalLogRecords,
} from '../ingest/mapEvalLogRecords';
import { EvalRunStore } from '../scorecards/types';
import {
  decodeOtlpMetricsJson,
  decodeOtlpMetricsProtobuf,
  DEFAULT_OTLP_METRICS_LIMITS,
  encodeOtlpMetricsResponse,
  OtlpMetricsLimits,
} from '../ingest/otlpMetricsRequest';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import {
  entitySubject,
  unattributedSubject,
} from '../database/telemetrySubject';
import { RejectedTelemetryItem } from '../ingest/UnresolvedTelemetryEvent';
import { UnresolvedTelemetryEvent } from '../ingest/UnresolvedTelemetryEvent';
import { IngestAdmission } from '../ingest/IngestAdmission';
import { answer503WhenUnavailable as answerUnavailableWith503 } from './errorResponses';
import { UnsupportedMediaTypeError } from './httpErrors';

/**
 * Default of `aiPlatform.ingest.maxBodyBytes`: 5 MB.
 *
 * @internal
 */
export const DEFAULT_INGEST_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Messages of rejected spans quoted in an OTLP partial success. */
const MAX_QUOTED_REJECTIONS = 5;

/**
 * The request body exceeds `aiPlatform.ingest.maxBodyBytes`.
 *
 * @internal
 */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

export { UnsupportedMediaTypeError };

/**
 * Options of {@link createIngestRouter}.
 *
 * @internal
 */
export interface IngestRouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  telemetryStore: TelemetryStore;
  entityResolver: TelemetryEntityResolver;
  /** Where `gen_ai.evaluation.result` log records are stored as eval runs. */
  evalRunStore: EvalRunStore;
  /** Where the GenAI histograms of `POST /v1/metrics` are kept. */
  gatewayHistogramStore: DatabaseGatewayHistogramStore;
  /** Largest accepted body, after gzip decompression. */
  maxBodyBytes: number;
  /**
   * Plausibility windows and caps (`aiPlatform.ingest.plausibility`,
   * `aiPlatform.ingest.limits`); defaults when absent.
   */
  limits?: IngestLimits;
  /**
   * Admission control (`aiPlatform.ingest.admission`): requests beyond its
   * slots and queue answer 429 + Retry-After before their body is read.
   */
  admission?: IngestAdmission;
  /**
   * Caps of `POST /v1/metrics` (`aiPlatform.ingest.limits.maxHistogramBounds`,
   * `maxDataPointsPerRequest`); defaults when absent.
   */
  metricsLimits?: OtlpMetricsLimits;
}

type BodyFormat = 'json' | 'protobuf';

function bodyFormatOf(req: express.Request): BodyFormat {
  if (req.is('application/x-protobuf') || req.is('application/protobuf')) {
    return 'protobuf';
  }
  if (req.is('application/json')) {
    return 'json';
  }
  throw new UnsupportedMediaTypeError(
    `Unsupported Content-Type '${
      req.headers['content-type'] ?? '(none)'
    }': expected application/json or application/x-protobuf`,
  );
}

/** The message of an OTLP partial success quoting the first rejections. */
function rejectionMessage(
  rejected: RejectedTelemetryItem[],
  what: string,
  count = rejected.length,
) {
  return `${count} ${what} rejected: ${rejected
    .slice(0, MAX_QUOTED_REJECTIONS)
    .map(item => item.message)
    .join('; ')}${rejected.length > MAX_QUOTED_REJECTIONS ? '; ...' : ''}`;
}

/**
 * Creates the telemetry ingest routes: `POST /v1/traces` and `POST /v1/logs`
 * (OTLP/HTTP) and `POST /ingest/litellm`. They accept only service principals: Backstage
 * plugins and external access tokens (`backend.auth.externalAccess`).
 *
 * @internal
 */
export function createIngestRouter(
  options: IngestRouterOptions,
): express.Router {
  const {
    httpAuth,
    logger,
    telemetryStore,
    entityResolver,
    evalRunStore,
    gatewayHistogramStore,
    maxBodyBytes,
  } = options;
  const router = Router();

  const rawBodyParser = express.raw({
    type: () => true,
    limit: maxBodyBytes,
    inflate: true,
  });

  /** Checks credentials before anything of the body is read. */
  const requireService: express.RequestHandler = async (req, _res, next) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    next();
  };

  // Admission control of every ingest route: after authentication, before
  // the body is read (express runs the route below once this calls next).
  if (options.admission) {
    router.post(
      ['/v1/traces', '/v1/logs', '/v1/metrics', '/ingest/litellm'],
      requireService,
      options.admission.middleware(),
    );
  }

  /** Reads the (gunzipped) body into `req.body` as a Buffer. */
  const readBody: express.RequestHandler = (req, res, next) => {
    rawBodyParser(req, res, error => {
      if (!error) {
        if (!Buffer.isBuffer(req.body)) {
          req.body = Buffer.alloc(0);
        }
        next();
        return;
      }
      const encoding = String(req.headers['content-encoding'] ?? 'identity');
      if (error.type === 'entity.too.large') {
        next(
          new PayloadTooLargeError(
            `Request body exceeds the ingest limit of ${maxBodyBytes} bytes${
              encoding === 'identity' ? '' : ' after decompression'
            } (aiPlatform.ingest.maxBodyBytes)`,
          ),
        );
      } else if (error.type === 'encoding.unsupported') {
        next(
          new UnsupportedMediaTypeError(
            `Unsupported Content-Encoding '${encoding}': expected gzip or no encoding`,
          ),
        );
      } else if (encoding !== 'identity') {
        next(
          new InputError(
            `Malformed ${encoding} body: the body could not be decompressed (${
              error.code ?? error.message
            })`,
          ),
        );
      } else {
        next(
          new InputError(`Could not read the request body: ${error.message}`),
        );
      }
    });
  };

  /**
   * Resolves and stores events in one transaction; the response is only
   * sent after it committed. Database outages answer 503 + Retry-After.
   */
  async function storeEvents(
    events: UnresolvedTelemetryEvent[],
    res: express.Response,
  ) {
    return answer503WhenUnavailable(res, async () => {
      const resolved = await entityResolver.resolve(events);
      return await telemetryStore.insertEvents(resolved);
    });
  }

  /** Runs a store operation; database or catalog outages answer 503. */
  function answer503WhenUnavailable<T>(
    res: express.Response,
    operation: () => Promise<T>,
  ): Promise<T> {
    return answerUnavailableWith503(res, operation, {
      logger,
      consequence: 'nothing of this batch was stored',
    });
  }

  router.post('/v1/traces', requireService, readBody, async (req, res) => {
    const format = bodyFormatOf(req);
    const body = req.body as Buffer;
    const spans =
      format === 'protobuf'
        ? decodeOtlpTraceProtobuf(body)
        : decodeOtlpTraceJson(body);
    // Lets other requests (health, reads) in between the CPU-bound steps.
    await yieldToEventLoop();
    const mapped = mapGenAiSpans(
      spans,
      options.limits ?? DEFAULT_INGEST_LIMITS,
    );
    await yieldToEventLoop();
    const { refused = [] } = await storeEvents(mapped.events, res);
    const rejected = [...mapped.rejected, ...refused];

    const response =
      rejected.length > 0
        ? {
            partialSuccess: {
              rejectedSpans: rejected.length,
              errorMessage: rejectionMessage(rejected, 'span(s)'),
            },
          }
        : {};
    res
      .status(200)
      .type(
        format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
      )
      .send(encodeOtlpTraceResponse(response, format));
  });

  router.post('/v1/logs', requireService, readBody, async (req, res) => {
    const format = bodyFormatOf(req);
    const body = req.body as Buffer;
    const records =
      format === 'protobuf'
        ? decodeOtlpLogsProtobuf(body)
        : decodeOtlpLogsJson(body);
    let rejected: RejectedTelemetryItem[] = [];
    if (hasEvaluationResults(records)) {
      await answer503WhenUnavailable(res, async () => {
        const index = await entityResolver.getJoinKeyIndex();
        const mapped = mapEvalLogRecords(records, index, new Date());
        rejected = mapped.rejected;
        // One transaction: a failure stores none of the runs, and as each
        // run is unique on (source, run id) a retry stores each run once.
        await evalRunStore.insertEvalRuns(mapped.runs);
      });
    }
    const response =
      rejected.length > 0
        ? {
            partialSuccess: {
              rejectedLogRecords: rejected.length,
              errorMessage: rejectionMessage(rejected, 'log record(s)'),
            },
          }
        : {};
    res
      .status(200)
      .type(
        format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
      )
      .send(encodeOtlpLogsResponse(response, format));
  });

  router.post('/v1/metrics', requireService, readBody, async (req, res) => {
    const format = bodyFormatOf(req);
    const body = req.body as Buffer;
    const metricsLimits = options.metricsLimits ?? DEFAULT_OTLP_METRICS_LIMITS;
    const { points, rejected, rejectedCount } =
      format === 'protobuf'
        ? decodeOtlpMetricsProtobuf(body, metricsLimits)
        : decodeOtlpMetricsJson(body, metricsLimits);
    if (points.length > 0) {
      await answer503WhenUnavailable(res, async () => {
        const index = await entityResolver.getJoinKeyIndex();
        await gatewayHistogramStore.insertPoints(
          points.map(point => {
            const entityRef = index.models.get(point.joinKey);
            return {
              ...point,
              subject: entityRef
                ? entitySubject(entityRef)
                : unattributedSubject(point.joinKey),
            };
          }),
        );
      });
    }
    const response =
      rejectedCount > 0
        ? {
            partialSuccess: {
              rejectedDataPoints: rejectedCount,
              errorMessage: rejectionMessage(
                rejected,
                'data point(s)',
                rejectedCount,
              ),
            },
          }
        : {};
    res
      .status(200)
      .type(
        format === 'protobuf' ? 'application/x-protobuf' : 'application/json',
      )
      .send(encodeOtlpMetricsResponse(response, format));
  });

  router.post('/ingest/litellm', requireService, readBody, async (req, res) => {
    if (!req.is('application/json') && !req.is('application/x-ndjson')) {
      throw new UnsupportedMediaTypeError(
        `Unsupported Content-Type '${
          req.headers['content-type'] ?? '(none)'
        }': expected application/json`,
      );
    }
    const payloads = parseLiteLlmBody(req.body as Buffer);
    const mapped = mapLiteLlmPayloads(
      payloads,
      options.limits ?? DEFAULT_INGEST_LIMITS,
    );
    const {
      inserted,
      duplicates,
      refused = [],
    } = await storeEvents(mapped.events, res);
    const rejected = [...mapped.rejected, ...refused];
    res.status(200).json({ accepted: inserted, duplicates, rejected });
  });

  return router;
}
