import { HttpAuthService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { AgentRunStore } from '../agents/types';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import { TelemetryStore } from '../database/TelemetryStore';
import { IngestAdmission } from '../ingest/IngestAdmission';
import { IngestLimits } from '../ingest/ingestLimits';
import { parseLiteLlmBody } from '../ingest/mapLiteLlmPayloads';
import { OtlpMetricsLimits } from '../ingest/otlpMetricsLimits';
import { TelemetryEntityResolver } from '../ingest/TelemetryEntityResolver';
import { TelemetryIngestService } from '../ingest/TelemetryIngestService';
import { EvalRunStore } from '../scorecards/types';
import { answer503WhenUnavailable as answerUnavailableWith503 } from './errorResponses';
import { UnsupportedMediaTypeError } from './httpErrors';
import {
  assertLiteLlmContentType,
  createIngestBodyReader,
  PayloadTooLargeError,
} from './ingest/ingestBody';
import { addOtlpRoutes } from './ingest/otlpRoutes';

/**
 * Default of `aiPlatform.ingest.maxBodyBytes`: 5 MB.
 *
 * @internal
 */
export const DEFAULT_INGEST_MAX_BODY_BYTES = 5 * 1024 * 1024;

export { PayloadTooLargeError, UnsupportedMediaTypeError };

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
  /**
   * Where the agent runs and tool calls of `POST /v1/traces` are kept; not
   * stored when absent.
   */
  agentRunStore?: AgentRunStore;
}

/**
 * Creates the telemetry ingest routes: `POST /v1/traces`, `POST /v1/logs`
 * and `POST /v1/metrics` (OTLP/HTTP) and `POST /ingest/litellm`. They accept
 * only service principals: Backstage plugins and external access tokens
 * (`backend.auth.externalAccess`).
 *
 * @internal
 */
export function createIngestRouter(
  options: IngestRouterOptions,
): express.Router {
  const { httpAuth, logger } = options;
  const router = Router();
  const service = new TelemetryIngestService(options);

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

  const before = [requireService, createIngestBodyReader(options.maxBodyBytes)];

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

  addOtlpRoutes(router, {
    service,
    before,
    answer503WhenUnavailable,
    metricsLimits: options.metricsLimits,
  });

  router.post('/ingest/litellm', ...before, async (req, res) => {
    assertLiteLlmContentType(req);
    const payloads = parseLiteLlmBody(req.body as Buffer);
    const result = await answer503WhenUnavailable(res, () =>
      service.ingestLiteLlmPayloads(payloads),
    );
    res.status(200).json({
      accepted: result.inserted,
      duplicates: result.duplicates,
      merged: result.merged,
      rejected: result.rejected,
    });
  });

  return router;
}
