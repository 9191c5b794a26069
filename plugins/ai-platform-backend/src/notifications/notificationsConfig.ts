import type { Config } from '@backstage/config';

/**
 * One webhook that receives a copy of the AI Platform notifications.
 *
 * @internal
 */
export interface NotificationWebhookConfig {
  /** Named in logs instead of the URL (which holds a token). */
  name: string;
  /** The URL; a credential, never logged. */
  url: string;
  /** `slack`: `{ "text": … }` (Slack, Mattermost, Teams workflows); `json`: the whole notification. */
  format: 'slack' | 'json';
  /** Only these topics; every topic when absent. */
  topics?: string[];
}

/**
 * `aiPlatform.notifications`, with defaults applied.
 *
 * @internal
 */
export interface AiPlatformNotificationsConfig {
  enabled: boolean;
  /** A check that changes again within this many minutes of its last notification is not notified. */
  cooldownMinutes: number;
  webhooks: NotificationWebhookConfig[];
  /** `app.baseUrl`, for the absolute links of webhook messages. */
  appBaseUrl?: string;
}

/** Default of `aiPlatform.notifications.cooldownMinutes`. */
export const DEFAULT_NOTIFICATION_COOLDOWN_MINUTES = 60;

/**
 * Reads `aiPlatform.notifications`; throws an Error naming the key of a bad value.
 *
 * @internal
 */
export function readNotificationsConfig(
  config: Config,
): AiPlatformNotificationsConfig {
  const block = config.getOptionalConfig('aiPlatform.notifications');
  const cooldownMinutes =
    block?.getOptionalNumber('cooldownMinutes') ??
    DEFAULT_NOTIFICATION_COOLDOWN_MINUTES;
  if (!Number.isFinite(cooldownMinutes) || cooldownMinutes < 0) {
    throw new Error(
      `Invalid config 'aiPlatform.notifications.cooldownMinutes': expected a number of minutes >= 0, got ${cooldownMinutes}`,
    );
  }
  const webhooks = (block?.getOptionalConfigArray('webhooks') ?? []).map(
    (webhook, i) => {
      const key = `aiPlatform.notifications.webhooks[${i}]`;
      const name = webhook.getString('name');
      const url = webhook.getString('url');
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (
        !parsed ||
        (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      ) {
        // The value is a credential: say what is wrong, never echo it.
        throw new Error(
          `Invalid config '${key}.url' (webhook '${name}'): expected an http(s) URL, e.g. url: \${AI_PLATFORM_SLACK_WEBHOOK_URL}`,
        );
      }
      const format = webhook.getOptionalString('format') ?? 'json';
      if (format !== 'slack' && format !== 'json') {
        throw new Error(
          `Invalid config '${key}.format': expected 'slack' or 'json', got '${format}'`,
        );
      }
      return {
        name,
        url,
        format,
        topics: webhook.getOptionalStringArray('topics'),
      } as NotificationWebhookConfig;
    },
  );
  return {
    enabled: block?.getOptionalBoolean('enabled') ?? true,
    cooldownMinutes,
    webhooks,
    appBaseUrl: config.getOptionalString('app.baseUrl'),
  };
}
