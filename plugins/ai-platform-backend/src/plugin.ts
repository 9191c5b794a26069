import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { DatabaseTelemetryStore } from './database/DatabaseTelemetryStore';
import { createRouter } from './service/router';

const DEFAULT_RETENTION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The AI platform backend plugin: telemetry store, hourly rollups and the
 * usage REST API under `/api/ai-platform`.
 *
 * @public
 */
export const aiPlatformPlugin = createBackendPlugin({
  pluginId: 'ai-platform',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        scheduler: coreServices.scheduler,
      },
      async init({
        config,
        database,
        httpAuth,
        httpRouter,
        logger,
        permissions,
        scheduler,
      }) {
        const retentionDays =
          config.getOptionalNumber('aiPlatform.telemetry.retentionDays') ??
          DEFAULT_RETENTION_DAYS;
        if (!(retentionDays > 0)) {
          throw new Error(
            `Invalid config 'aiPlatform.telemetry.retentionDays': expected a positive number of days, got ${retentionDays}`,
          );
        }

        const telemetryStore = await DatabaseTelemetryStore.create({
          database,
        });

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

        httpRouter.use(
          await createRouter({ logger, httpAuth, permissions, telemetryStore }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
