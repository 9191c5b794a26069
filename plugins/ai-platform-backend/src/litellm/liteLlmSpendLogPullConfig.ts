import {
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { TelemetryStore } from '../database/TelemetryStore';
import { TelemetryEntityResolver } from '../ingest/TelemetryEntityResolver';
import { DatabaseLiteLlmPullCursorStore } from './DatabaseLiteLlmPullCursorStore';
import {
  LITELLM_MAX_PAGE_SIZE,
  LiteLlmSpendLogClient,
} from './LiteLlmSpendLogClient';
import { LiteLlmSpendLogPull } from './LiteLlmSpendLogPull';

const CONFIG_KEY = 'aiPlatform.telemetry.litellm.pull';

/**
 * `aiPlatform.telemetry.litellm.pull`, with defaults applied.
 *
 * @internal
 */
export interface LiteLlmSpendLogPullConfig {
  baseUrl: string;
  apiKey: string;
  frequencySeconds: number;
  pageSize: number;
  initialLookbackHours: number;
  settleDelaySeconds: number;
}

function positive(
  config: RootConfigService,
  key: string,
  defaultValue: number,
  expected: string,
): number {
  const value = config.getOptionalNumber(`${CONFIG_KEY}.${key}`);
  if (value === undefined) {
    return defaultValue;
  }
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new Error(
      `Invalid config '${CONFIG_KEY}.${key}': expected ${expected}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `aiPlatform.telemetry.litellm.pull`; `undefined` when it is absent
 * (the pull is off by default).
 *
 * @throws Error naming the key when a value is invalid
 * @internal
 */
export function readLiteLlmSpendLogPullConfig(
  config: RootConfigService,
): LiteLlmSpendLogPullConfig | undefined {
  if (!config.has(CONFIG_KEY)) {
    return undefined;
  }
  const baseUrl = config.getString(`${CONFIG_KEY}.baseUrl`);
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error('not http(s)');
    }
  } catch {
    throw new Error(
      `Invalid config '${CONFIG_KEY}.baseUrl': expected the http(s) URL of a LiteLLM proxy, got '${baseUrl}'`,
    );
  }
  const pageSize = positive(
    config,
    'pageSize',
    LITELLM_MAX_PAGE_SIZE,
    `a whole number of rows from 1 to ${LITELLM_MAX_PAGE_SIZE}`,
  );
  if (!Number.isSafeInteger(pageSize) || pageSize > LITELLM_MAX_PAGE_SIZE) {
    throw new Error(
      `Invalid config '${CONFIG_KEY}.pageSize': expected a whole number of rows from 1 to ${LITELLM_MAX_PAGE_SIZE}, got ${pageSize}`,
    );
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: config.getString(`${CONFIG_KEY}.apiKey`),
    frequencySeconds: positive(
      config,
      'frequencySeconds',
      300,
      'a positive number of seconds',
    ),
    pageSize,
    initialLookbackHours: positive(
      config,
      'initialLookbackHours',
      24,
      'a positive number of hours',
    ),
    settleDelaySeconds: positive(
      config,
      'settleDelaySeconds',
      120,
      'a positive number of seconds',
    ),
  };
}

/**
 * Schedules the LiteLLM spend-log pull (task `ai-platform-litellm-spend-log-pull`,
 * global scope: one instance of a cluster runs it at a time) when
 * `aiPlatform.telemetry.litellm.pull` is configured; does nothing otherwise.
 *
 * @internal
 */
export async function scheduleLiteLlmSpendLogPull(options: {
  config: RootConfigService;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** Migrated by `DatabaseTelemetryStore.create`. */
  db: Knex;
  telemetryStore: TelemetryStore;
  entityResolver: TelemetryEntityResolver;
}): Promise<LiteLlmSpendLogPull | undefined> {
  const pullConfig = readLiteLlmSpendLogPullConfig(options.config);
  if (!pullConfig) {
    return undefined;
  }
  const { logger } = options;
  const pull = new LiteLlmSpendLogPull({
    pullId: `litellm-spend-logs:${pullConfig.baseUrl}`,
    client: new LiteLlmSpendLogClient(pullConfig),
    cursorStore: new DatabaseLiteLlmPullCursorStore(options.db),
    telemetryStore: options.telemetryStore,
    entityResolver: options.entityResolver,
    logger,
    pageSize: pullConfig.pageSize,
    initialLookbackMs: pullConfig.initialLookbackHours * 60 * 60 * 1000,
    settleDelayMs: pullConfig.settleDelaySeconds * 1000,
  });
  await options.scheduler.scheduleTask({
    id: 'ai-platform-litellm-spend-log-pull',
    frequency: { seconds: pullConfig.frequencySeconds },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 30 },
    scope: 'global',
    fn: async signal => {
      const result = await pull.run(signal);
      logger.info(
        `Pulled LiteLLM spend logs from ${pullConfig.baseUrl}: ${result.pages} page(s), ${result.inserted} new event(s) (${result.merged} counted with their span), ${result.duplicates} already stored, ${result.rejected} rejected`,
      );
    },
  });
  logger.info(
    `LiteLLM spend-log pull from ${pullConfig.baseUrl} every ${pullConfig.frequencySeconds} s`,
  );
  return pull;
}
