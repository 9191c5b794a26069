import {
  coreServices,
  createBackendPlugin,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { DatabaseTelemetryStore } from './database/DatabaseTelemetryStore';
import { DatabaseGatewayHistogramStore } from './database/DatabaseGatewayHistogramStore';
import { CatalogTelemetryEntityResolver } from './ingest/TelemetryEntityResolver';
import { readPricingConfig } from './ingest/tokenPricing';
import { readIngestLimits } from './ingest/ingestLimits';
import { readOtlpMetricsLimits } from './ingest/otlpMetricsRequest';
import {
  IngestAdmission,
  readIngestAdmissionConfig,
} from './ingest/IngestAdmission';
import { enableSqliteWriteAheadLog } from './database/sqliteWriteAheadLog';
import {
  createIngestRouter,
  DEFAULT_INGEST_MAX_BODY_BYTES,
} from './service/ingestRouter';
import { createRouter } from './service/router';
import { useErrorResponses } from './service/errorResponses';
import { authenticateEveryRequest } from './service/authenticateRequests';
import { createScorecardRouter } from './service/scorecardRouter';
import { createFleetRouter } from './service/fleetRouter';
import { createPlanningRouter } from './service/planningRouter';
import { DatabaseScorecardStore } from './database/DatabaseScorecardStore';
import { readScorecardConfig } from './scorecards/scorecardConfig';
import { ScorecardEngine } from './scorecards/ScorecardEngine';
import { readPrometheusTelemetryConfig } from './prometheus/prometheusTelemetryConfig';
import { PrometheusScorecardSource } from './prometheus/PrometheusScorecardSource';
import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
  readAiPlatformConfig,
} from '@ai-platform/plugin-ai-platform-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { scheduleLiteLlmSpendLogPull } from './litellm/liteLlmSpendLogPullConfig';

const DEFAULT_RETENTION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_ENTITY_REFRESH_SECONDS = 60;

function positiveNumberConfig(
  config: RootConfigService,
  key: string,
  defaultValue: number,
  unit: string,
): number {
  const value = config.getOptionalNumber(key) ?? defaultValue;
  if (!(value > 0)) {
    throw new Error(
      `Invalid config '${key}': expected a positive number of ${unit}, got ${value}`,
    );
  }
  return value;
}

/**
 * The AI platform backend plugin: telemetry ingest (OTLP traces, LiteLLM),
 * store, hourly rollups and the usage REST API under `/api/ai-platform`.
 *
 * @public
 */
export const aiPlatformPlugin = createBackendPlugin({
  pluginId: 'ai-platform',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
      },
      async init({
        auth,
        catalog,
        config,
        database,
        httpAuth,
        httpRouter,
        logger,
        permissions,
        scheduler,
        userInfo,
      }) {
        const retentionDays = positiveNumberConfig(
          config,
          'aiPlatform.telemetry.retentionDays',
          DEFAULT_RETENTION_DAYS,
          'days',
        );
        const maxBodyBytes = positiveNumberConfig(
          config,
          'aiPlatform.ingest.maxBodyBytes',
          DEFAULT_INGEST_MAX_BODY_BYTES,
          'bytes',
        );
        const entityRefreshSeconds = positiveNumberConfig(
          config,
          'aiPlatform.ingest.entityRefreshSeconds',
          DEFAULT_ENTITY_REFRESH_SECONDS,
          'seconds',
        );

        const telemetryStore = await DatabaseTelemetryStore.create({
          database,
        });
        const pluginDb = await database.getClient();
        // On a SQLite file: write-ahead log (a commit appends to the log).
        await enableSqliteWriteAheadLog(pluginDb);
        const ingestAdmission = new IngestAdmission(
          readIngestAdmissionConfig(config, pluginDb.client.config.client),
        );

        await scheduler.scheduleTask({
          id: 'ai-platform-telemetry-retention',
          frequency: { hours: 24 },
          timeout: { minutes: 15 },
          initialDelay: { minutes: 5 },
          fn: async () => {
            const before = new Date(Date.now() - retentionDays * DAY_MS);
            const deleted = await telemetryStore.deleteEventsBefore(before);
            logger.info(
              `Deleted ${deleted} raw telemetry events older than ${retentionDays} days (before ${before.toISOString()}); rollups are kept`,
            );
          },
        });

        const scorecardConfig = readScorecardConfig(config);
        const scorecardStore = new DatabaseScorecardStore(
          await database.getClient(),
        );
        // Off unless aiPlatform.telemetry.prometheus is configured.
        const prometheusConfig = readPrometheusTelemetryConfig(config);
        const prometheusSource = prometheusConfig
          ? new PrometheusScorecardSource({ config: prometheusConfig })
          : undefined;
        const scorecardEngine = new ScorecardEngine({
          telemetryStore,
          evalRunStore: scorecardStore,
          resultStore: scorecardStore,
          config: scorecardConfig,
          externalSource: prometheusSource,
        });

        await scheduler.scheduleTask({
          id: 'ai-platform-scorecards',
          frequency: { minutes: scorecardConfig.frequencyMinutes },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const { items } = await catalog.getEntities(
              { filter: { kind: [MODEL_ENDPOINT_KIND, AGENT_KIND] } },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            let failed = 0;
            for (const entity of items) {
              try {
                await scorecardEngine.evaluate(entity);
              } catch (error) {
                failed += 1;
                logger.warn(
                  `Scorecard evaluation of ${stringifyEntityRef(
                    entity,
                  )} failed: ${error}`,
                );
              }
            }
            logger.info(
              `Evaluated the scorecards of ${
                items.length - failed
              } ModelEndpoint and Agent entities${
                failed ? `, ${failed} failed` : ''
              }`,
            );
          },
        });

        // Migrated by DatabaseTelemetryStore.create above.
        const gatewayHistogramStore = new DatabaseGatewayHistogramStore(
          await database.getClient(),
        );
        const entityResolver = new CatalogTelemetryEntityResolver({
          catalog,
          auth,
          logger,
          refreshIntervalMs: entityRefreshSeconds * 1000,
          configPricing: readPricingConfig(config),
        });

        // Off unless aiPlatform.telemetry.litellm.pull is configured.
        await scheduleLiteLlmSpendLogPull({
          config,
          scheduler,
          logger,
          db: await database.getClient(),
          telemetryStore,
          entityResolver,
        });

        // Before every route: the plugin authenticates its requests itself, so
        // a missing credential is answered by its error handler (no stack).
        authenticateEveryRequest(httpRouter, httpAuth);
        // Ingest first: it reads raw (gzipped, protobuf) bodies itself.
        httpRouter.use(
          createIngestRouter({
            logger,
            httpAuth,
            telemetryStore,
            entityResolver,
            evalRunStore: scorecardStore,
            gatewayHistogramStore,
            maxBodyBytes,
            limits: readIngestLimits(config),
            admission: ingestAdmission,
            metricsLimits: readOtlpMetricsLimits(config),
          }),
        );
        // Before createRouter: POST /evals parses JSON with its own limit.
        httpRouter.use(
          createScorecardRouter({
            logger,
            httpAuth,
            permissions,
            catalog,
            telemetryStore,
            evalRunStore: scorecardStore,
            resultStore: scorecardStore,
            scorecardEngine,
            externalSource: prometheusSource,
            gatewayHistogramStore,
            maxBodyBytes,
          }),
        );
        httpRouter.use(
          createFleetRouter({
            httpAuth,
            permissions,
            catalog,
            config,
            telemetryStore,
            resultStore: scorecardStore,
          }),
        );
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            telemetryStore,
            gatewayHistogramStore,
          }),
        );
        // GET /planning/options, POST /planning/preview: the live fit and cost preview of the
        // self-hosted endpoint form, from the same plan logic as ai-platform:endpoint:plan.
        httpRouter.use(
          await createPlanningRouter({
            logger,
            httpAuth,
            catalog,
            userInfo,
            platform: readAiPlatformConfig(config),
            platformGroups: config.getOptionalStringArray(
              'aiPlatform.permissions.platformGroups',
            ) ?? ['group:default/ml-platform'],
          }),
        );
        // Keep last: renders the errors of every route above (503 + Retry-After
        // while the database is down, no SQL or stack in any response).
        useErrorResponses(httpRouter, logger);
      },
    });
  },
});
