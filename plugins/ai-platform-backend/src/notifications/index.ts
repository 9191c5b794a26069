export {
  AI_PLATFORM_NOTIFICATION_TOPICS,
  AiPlatformNotifier,
} from './AiPlatformNotifier';
export type { AiPlatformNotification } from './AiPlatformNotifier';
export { DatabaseNotificationStateStore } from './DatabaseNotificationStateStore';
export { readNotificationsConfig } from './notificationsConfig';
export type {
  AiPlatformNotificationsConfig,
  NotificationWebhookConfig,
} from './notificationsConfig';
export { ScorecardNotifier } from './ScorecardNotifier';
