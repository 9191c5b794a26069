import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationSeverity } from '@backstage/plugin-notifications-common';
import type {
  AiPlatformNotificationsConfig,
  NotificationWebhookConfig,
} from './notificationsConfig';

/**
 * The topics of AI Platform notifications, one per kind of event, so users
 * can mute each in their notification settings.
 *
 * @public
 */
export const AI_PLATFORM_NOTIFICATION_TOPICS = {
  checkFailed: 'AI Platform: scorecard check failed',
  checkRecovered: 'AI Platform: scorecard check recovered',
  budgetForecast: 'AI Platform: budget forecast',
  governance: 'AI Platform: governance requirement',
  approvalRequested: 'AI Platform: approval requested',
  approvalDecided: 'AI Platform: approval decided',
} as const;

/**
 * One AI Platform notification.
 *
 * @public
 */
export interface AiPlatformNotification {
  /** Entity refs of the recipients (groups are expanded to their members). */
  recipients: string[];
  /** Entity refs left out, e.g. the user who acted. */
  excludeRecipients?: string[];
  topic: string;
  title: string;
  description: string;
  /** Path in the portal, e.g. `/catalog/default/agent/refund-bot/scorecard`. */
  link: string;
  severity: NotificationSeverity;
  /** Notifications with the same scope and recipient replace each other. */
  scope?: string;
}

const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * Sends AI Platform notifications through the Backstage notifications backend
 * and, by config, to webhooks (`aiPlatform.notifications.webhooks`, Slack
 * compatible or JSON). A failed delivery is logged by webhook name (never by
 * URL) and never fails the caller. The approval gate calls
 * {@link AiPlatformNotifier.notifyApprovalRequested} and
 * {@link AiPlatformNotifier.notifyApprovalDecided}.
 *
 * @public
 */
export class AiPlatformNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      config: AiPlatformNotificationsConfig;
      logger: LoggerService;
      fetch?: typeof fetch;
    },
  ) {}

  /** Sends one notification; resolves when every delivery was attempted. */
  async notify(notification: AiPlatformNotification): Promise<void> {
    const { config, logger, notifications } = this.options;
    if (!config.enabled || notification.recipients.length === 0) {
      return;
    }
    const deliveries: Promise<void>[] = [];
    if (notifications) {
      deliveries.push(
        notifications
          .send({
            recipients: {
              type: 'entity',
              entityRef: notification.recipients,
              ...(notification.excludeRecipients?.length
                ? { excludeEntityRef: notification.excludeRecipients }
                : {}),
            },
            payload: {
              title: notification.title,
              description: notification.description,
              link: notification.link,
              severity: notification.severity,
              topic: notification.topic,
              scope: notification.scope,
            },
          })
          .catch(error =>
            logger.warn(
              `Could not send the notification '${notification.title}': ${error}`,
            ),
          ),
      );
    }
    for (const webhook of config.webhooks) {
      if (!webhook.topics || webhook.topics.includes(notification.topic)) {
        deliveries.push(this.deliverToWebhook(webhook, notification));
      }
    }
    await Promise.all(deliveries);
  }

  /**
   * Tells the approver groups that a proposal waits for them.
   */
  async notifyApprovalRequested(options: {
    entityRef: string;
    requester: string;
    approverGroups: string[];
    /** Path of the pending approval in the portal. */
    link: string;
    summary?: string;
  }): Promise<void> {
    await this.notify({
      recipients: options.approverGroups,
      excludeRecipients: [options.requester],
      topic: AI_PLATFORM_NOTIFICATION_TOPICS.approvalRequested,
      title: `Approval requested: ${options.entityRef}`,
      description: `${options.requester} asks for approval of ${
        options.entityRef
      }${options.summary ? `: ${options.summary}` : ''}`,
      link: options.link,
      severity: 'high',
      scope: `ai-platform:approval:${options.link}`,
    });
  }

  /**
   * Tells the requester that their proposal was approved or rejected.
   */
  async notifyApprovalDecided(options: {
    entityRef: string;
    requester: string;
    decision: 'approved' | 'rejected';
    decidedBy: string;
    reason?: string;
    link: string;
  }): Promise<void> {
    await this.notify({
      recipients: [options.requester],
      topic: AI_PLATFORM_NOTIFICATION_TOPICS.approvalDecided,
      title: `${options.entityRef} ${options.decision} by ${options.decidedBy}`,
      description:
        options.decision === 'approved'
          ? `${options.decidedBy} approved ${options.entityRef}; it is merged into the catalog-synced branch`
          : `${options.decidedBy} rejected ${options.entityRef}${
              options.reason ? `: ${options.reason}` : ''
            }; nothing reached the catalog`,
      link: options.link,
      severity: options.decision === 'approved' ? 'normal' : 'high',
    });
  }

  private async deliverToWebhook(
    webhook: NotificationWebhookConfig,
    notification: AiPlatformNotification,
  ): Promise<void> {
    const { config, logger } = this.options;
    const link = config.appBaseUrl
      ? new URL(notification.link, config.appBaseUrl).toString()
      : notification.link;
    const body =
      webhook.format === 'slack'
        ? {
            text: `*${notification.title}*\n${notification.description}\n<${link}|Open in the portal>`,
          }
        : {
            topic: notification.topic,
            title: notification.title,
            description: notification.description,
            link,
            severity: notification.severity,
            recipients: notification.recipients,
          };
    try {
      const response = await (this.options.fetch ?? fetch)(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      if (!response.ok) {
        logger.warn(
          `Webhook '${webhook.name}' refused the notification '${notification.title}': HTTP ${response.status}`,
        );
      }
    } catch (error) {
      // The error of fetch can hold the URL: name the webhook only.
      logger.warn(
        `Webhook '${webhook.name}' could not be reached for the notification '${
          notification.title
        }' (${(error as Error)?.name ?? 'error'})`,
      );
    }
  }
}
