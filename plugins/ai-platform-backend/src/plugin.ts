import { Entity } from '@backstage/catalog-model';
import {
  coreServices,
  createBackendPlugin,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  describeRetentionResult,
  planTelemetryRetention,
  readTelemetryRetention,
  runTelemetryRetention,
} from './retention/telemetryRetention';
import { notificationService } from '@backstage/plugin-notifications-node';
import { createAiPlatformNotifiers } from './notifications/createAiPlatformNotifiers';
import { DatabaseTelemetryStore } from './database/DatabaseTelemetryStore';
import { DatabaseGatewayHistogramStore } from './database/DatabaseGatewayHistogramStore';
import { CatalogTelemetryEntityResolver } from './ingest/TelemetryEntityResolver';
import { readPricingConfig } from './ingest/tokenPricing';
import { readIngestLimits } from './ingest/ingestLimits';
import { readOtlpMetricsLimits } from './ingest/otlpMetricsLimits';
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
import { createCostRouter } from './service/costRouter';
import { EntityCostService } from './cost/EntityCostService';
import { GpuFleetTelemetry } from './domain/gpuTelemetry';
import { createPlanningRouter } from './service/planningRouter';
import { DatabaseScorecardStore } from './database/DatabaseScorecardStore';
import { readScorecardConfig } from './scorecards/scorecardConfig';
import { ScorecardEngine } from './scorecards/ScorecardEngine';
import { readPrometheusTelemetryConfig } from './prometheus/prometheusTelemetryConfig';
import { PrometheusScorecardSource } from './prometheus/PrometheusScorecardSource';
import { PrometheusGpuTelemetry } from './prometheus/PrometheusGpuTelemetry';
import { gpusPerReplicaOf } from './cost/gpuPricing';
import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
  readAiPlatformConfig,
  readGovernanceConfig,
} from '@ai-platform/plugin-ai-platform-common';
import { scheduleLiteLlmSpendLogPull } from './litellm/liteLlmSpendLogPullConfig';
import { registerAiPlatformActions } from './actions/registerAiPlatformActions';
import { DatabaseAgentRunStore } from './agents/DatabaseAgentRunStore';
import { createAgentRunsRouter } from './service/agentRunsRouter';
import { readAgentCheckThresholds } from './scorecards/checks/agentChecks';
import { createApprovalGate } from './approvals/createApprovalGate';
import { createApprovalsRouter } from './service/approvalsRouter';
import { createAuditRouter } from './service/auditRouter';

const DEFAULT_RETENTION_DAYS = 14;
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
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        notifications: notificationService,
        permissions: coreServices.permissions,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
      },
      async init({
        actionsRegistry,
        auditor,
        auth,
        catalog,
        config,
        database,
        httpAuth,
        httpRouter,
        logger,
        notifications,
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

        const telemetryRetention = readTelemetryRetention(
          config,
          retentionDays,
        );
        const telemetryStore = await DatabaseTelemetryStore.create({
          database,
        });
        const pluginDb = await database.getClient();
        // Agent runs and tool calls (migrated with the telemetry store).
        const agentRunStore = new DatabaseAgentRunStore(pluginDb);
        const traceLinkTemplate = config.getOptionalString(
          'aiPlatform.telemetry.traceLinks',
        );
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
            // Entities with a risk tier of their own days keep theirs.
            const { items: tiered } = await catalog.getEntities(
              {
                filter: { kind: [AGENT_KIND, MODEL_ENDPOINT_KIND] },
                fields: [
                  'kind',
                  'metadata.name',
                  'metadata.namespace',
                  'spec.riskTier',
                ],
              },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            const results = await runTelemetryRetention(
              planTelemetryRetention(tiered, telemetryRetention, new Date()),
              { telemetryStore, agentRunStore },
            );
            for (const result of results) {
              logger.info(describeRetentionResult(result));
            }
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
        const platform = readAiPlatformConfig(config);
        // GPU-hours, utilisation and saturation of self-hosted endpoints from
        // the clusters' Prometheus (clusters with `uses: [gpu]`, or the global
        // server); without Prometheus every self-hosted endpoint's GPU cost is
        // estimated from its spec and says so.
        const gpuTelemetry: GpuFleetTelemetry | undefined = prometheusConfig
          ? new PrometheusGpuTelemetry({
              config: prometheusConfig,
              gpusPerReplica: entity => gpusPerReplicaOf(entity, platform),
            })
          : undefined;
        const costService = new EntityCostService({
          telemetryStore,
          platform,
          gpuTelemetry,
          // The endpoints an agent called, to price its self-hosted calls
          // by its share of their GPU cost (whoever reads the agent).
          loadEndpoints: async entityRefs => {
            const { items } = await catalog.getEntitiesByRefs(
              { entityRefs, fields: ['kind', 'metadata', 'spec'] },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            return items.filter((item): item is Entity => item !== undefined);
          },
        });
        const scorecardEngine = new ScorecardEngine({
          telemetryStore,
          evalRunStore: scorecardStore,
          resultStore: scorecardStore,
          config: scorecardConfig,
          externalSource: prometheusSource,
          costService,
          agentRunStore,
          agentThresholds: readAgentCheckThresholds(config),
          governance: readGovernanceConfig(config),
          traceLinkTemplate,
        });
        // Owners are told when a check turns red or recovers, once per change.
        const { notifier, scorecardNotifier } = createAiPlatformNotifiers({
          config,
          logger,
          notifications,
          db: pluginDb,
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
            // One GPU telemetry batch for every self-hosted endpoint.
            const { failed: failures } = await scorecardEngine.evaluateAll(
              items,
            );
            for (const { entityRef, error } of failures) {
              logger.warn(
                `Scorecard evaluation of ${entityRef} failed: ${error}`,
              );
            }
            const notified = await scorecardNotifier
              .notifyLatest(items, scorecardStore, scorecardEngine.now())
              .catch(error => {
                logger.warn(`Scorecard notifications failed: ${error}`);
                return 0;
              });
            const failed = failures.length;
            logger.info(
              `Evaluated the scorecards of ${
                items.length - failed
              } ModelEndpoint and Agent entities${
                failed ? `, ${failed} failed` : ''
              }${notified ? `; ${notified} change(s) notified` : ''}`,
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
            agentRunStore,
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
            costService,
            maxBodyBytes,
            // An on-demand evaluation notifies its changes too.
            onEvaluated: async (entity, evaluation) => {
              await scorecardNotifier
                .notifyEvaluation(entity, evaluation)
                .catch(error =>
                  logger.warn(
                    `Scorecard notifications of ${evaluation.entityRef} failed: ${error}`,
                  ),
                );
            },
          }),
        );
        httpRouter.use(
          createFleetRouter({
            httpAuth,
            auth,
            permissions,
            catalog,
            config,
            telemetryStore,
            resultStore: scorecardStore,
            costService,
          }),
        );
        // GET /cost/by-entity/...: GPU cost, unit cost and comparisons.
        httpRouter.use(
          createCostRouter({ httpAuth, permissions, catalog, costService }),
        );
        // GET /agent-runs/by-entity/..., /tools/by-entity/api/...: runs and tools.
        httpRouter.use(
          createAgentRunsRouter({
            httpAuth,
            auth,
            permissions,
            catalog,
            agentRunStore,
            traceLinkTemplate,
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
        const platformGroups = config.getOptionalStringArray(
          'aiPlatform.permissions.platformGroups',
        ) ?? ['group:default/ml-platform'];
        // MCP tools (served by @backstage/plugin-mcp-actions-backend) over the
        // same services and permission checks as the REST API.
        registerAiPlatformActions({
          actionsRegistry,
          auth,
          catalog,
          permissions,
          userInfo,
          platform,
          platformGroups,
          telemetryStore,
          resultStore: scorecardStore,
          scorecardEngine,
          costService,
          externalSource: prometheusSource,
          gatewayHistogramStore,
        });
        // GET /planning/options, POST /planning/preview: the live fit and cost preview of the
        // self-hosted endpoint form, from the same plan logic as ai-platform:endpoint:plan.
        httpRouter.use(
          await createPlanningRouter({
            logger,
            httpAuth,
            catalog,
            userInfo,
            platform,
            platformGroups,
          }),
        );
        // Approval gate and audit trail (issue 14): proposals of the golden
        // paths, their decisions, and every entity's audit events.
        const { approvals, audit } = await createApprovalGate({
          config,
          auditor,
          db: await database.getClient(),
          permissions,
          scheduler,
          logger,
          notifier,
          approverGroups: readGovernanceConfig(config).approverGroups,
        });
        httpRouter.use(createApprovalsRouter({ httpAuth, approvals }));
        httpRouter.use(createAuditRouter({ httpAuth, permissions, audit }));
        // Keep last: renders the errors of every route above (503 + Retry-After
        // while the database is down, no SQL or stack in any response).
        useErrorResponses(httpRouter, logger);
      },
    });
  },
});
