import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { AiPlatformNotifier } from './AiPlatformNotifier';
import { DatabaseNotificationStateStore } from './DatabaseNotificationStateStore';
import { readNotificationsConfig } from './notificationsConfig';
import { ScorecardNotifier } from './ScorecardNotifier';

/**
 * Builds the notifier (notifications backend + configured webhooks) and the
 * scorecard change notifier of the plugin from `aiPlatform.notifications`.
 *
 * @internal
 */
export function createAiPlatformNotifiers(options: {
  config: Config;
  logger: LoggerService;
  notifications: NotificationService;
  db: Knex;
}): { notifier: AiPlatformNotifier; scorecardNotifier: ScorecardNotifier } {
  const notificationsConfig = readNotificationsConfig(options.config);
  const notifier = new AiPlatformNotifier({
    notifications: options.notifications,
    config: notificationsConfig,
    logger: options.logger,
  });
  const scorecardNotifier = new ScorecardNotifier({
    notifier,
    stateStore: new DatabaseNotificationStateStore(options.db),
    cooldownMinutes: notificationsConfig.cooldownMinutes,
  });
  return { notifier, scorecardNotifier };
}
