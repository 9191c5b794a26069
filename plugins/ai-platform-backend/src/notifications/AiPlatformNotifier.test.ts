import { mockServices } from '@backstage/backend-test-utils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AI_PLATFORM_NOTIFICATION_TOPICS,
  AiPlatformNotifier,
} from './AiPlatformNotifier';
import { readNotificationsConfig } from './notificationsConfig';
import { ConfigReader } from '@backstage/config';

/** A real HTTP server answering every POST with `status`. */
async function startReceiver(status: number) {
  const bodies: any[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', chunk => {
      data += chunk;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook/s3cr3t-token`, bodies, server };
}

describe('AiPlatformNotifier', () => {
  const servers: Server[] = [];
  afterEach(() => servers.splice(0).forEach(server => server.close()));

  it('sends approval notifications to the approver groups (not the requester) and to the requester', async () => {
    const notifications: jest.Mocked<NotificationService> = {
      send: jest.fn(async (_options: NotificationSendOptions) => {}),
    };
    const notifier = new AiPlatformNotifier({
      notifications,
      config: readNotificationsConfig(new ConfigReader({})),
      logger: mockServices.logger.mock(),
    });
    await notifier.notifyApprovalRequested({
      entityRef: 'agent:default/refund-bot',
      requester: 'user:default/alice',
      approverGroups: ['group:default/ml-platform'],
      link: '/ai-platform/approvals/42',
      summary: 'L4 agent, high risk',
    });
    await notifier.notifyApprovalDecided({
      entityRef: 'agent:default/refund-bot',
      requester: 'user:default/alice',
      decision: 'rejected',
      decidedBy: 'user:default/carol',
      reason: 'no eval results yet',
      link: '/ai-platform/approvals/42',
    });
    expect(notifications.send.mock.calls.map(([n]) => n)).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/ml-platform'],
          excludeEntityRef: ['user:default/alice'],
        },
        payload: expect.objectContaining({
          topic: AI_PLATFORM_NOTIFICATION_TOPICS.approvalRequested,
          title: 'Approval requested: agent:default/refund-bot',
          description:
            'user:default/alice asks for approval of agent:default/refund-bot: L4 agent, high risk',
          link: '/ai-platform/approvals/42',
        }),
      },
      {
        recipients: { type: 'entity', entityRef: ['user:default/alice'] },
        payload: expect.objectContaining({
          topic: AI_PLATFORM_NOTIFICATION_TOPICS.approvalDecided,
          title: 'agent:default/refund-bot rejected by user:default/carol',
          description:
            'user:default/carol rejected agent:default/refund-bot: no eval results yet; nothing reached the catalog',
          severity: 'high',
        }),
      },
    ]);
  });

  it('delivers to webhooks by topic, and logs a failed delivery by name, never by URL', async () => {
    const ok = await startReceiver(200);
    const refusing = await startReceiver(500);
    servers.push(ok.server, refusing.server);
    const down = await startReceiver(200);
    down.server.close();
    const logger = mockServices.logger.mock();
    const notifier = new AiPlatformNotifier({
      config: readNotificationsConfig(
        new ConfigReader({
          app: { baseUrl: 'https://portal.example.com' },
          aiPlatform: {
            notifications: {
              webhooks: [
                {
                  name: 'budget-json',
                  url: ok.url,
                  topics: [AI_PLATFORM_NOTIFICATION_TOPICS.budgetForecast],
                },
                { name: 'refusing', url: refusing.url, format: 'slack' },
                { name: 'unreachable', url: down.url, format: 'slack' },
              ],
            },
          },
        }),
      ),
      logger,
    });
    const base = {
      recipients: ['group:default/support'],
      description: 'Forecast 1,200 USD, budget 1,000 USD',
      link: '/catalog/default/agent/refund-bot/scorecard',
      severity: 'high' as const,
    };
    await notifier.notify({
      ...base,
      topic: AI_PLATFORM_NOTIFICATION_TOPICS.budgetForecast,
      title: 'agent:default/refund-bot: month-end forecast over budget',
    });
    await notifier.notify({
      ...base,
      topic: AI_PLATFORM_NOTIFICATION_TOPICS.checkFailed,
      title: 'agent:default/refund-bot: ttft-p95 failed',
    });

    expect(ok.bodies).toEqual([
      {
        topic: AI_PLATFORM_NOTIFICATION_TOPICS.budgetForecast,
        title: 'agent:default/refund-bot: month-end forecast over budget',
        description: 'Forecast 1,200 USD, budget 1,000 USD',
        link: 'https://portal.example.com/catalog/default/agent/refund-bot/scorecard',
        severity: 'high',
        recipients: ['group:default/support'],
      },
    ]);
    expect(refusing.bodies.map(b => b.text.split('\n')[0])).toEqual([
      '*agent:default/refund-bot: month-end forecast over budget*',
      '*agent:default/refund-bot: ttft-p95 failed*',
    ]);
    const warnings = logger.warn.mock.calls.map(([message]) => message);
    expect(warnings).toEqual(
      expect.arrayContaining([
        "Webhook 'refusing' refused the notification 'agent:default/refund-bot: ttft-p95 failed': HTTP 500",
        expect.stringMatching(/^Webhook 'unreachable' could not be reached/),
      ]),
    );
    expect(JSON.stringify(warnings)).not.toContain('s3cr3t');
  });

  it('refuses a webhook URL that is not http(s) without echoing it', () => {
    expect(() =>
      readNotificationsConfig(
        new ConfigReader({
          aiPlatform: {
            notifications: {
              webhooks: [{ name: 'slack', url: 'xoxb-s3cr3t-token' }],
            },
          },
        }),
      ),
    ).toThrow(
      /^Invalid config 'aiPlatform\.notifications\.webhooks\[0\]\.url' \(webhook 'slack'\): expected an http\(s\) URL/,
    );
    let message = '';
    try {
      readNotificationsConfig(
        new ConfigReader({
          aiPlatform: {
            notifications: { webhooks: [{ name: 's', url: 'xoxb-s3cr3t' }] },
          },
        }),
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/expected an http\(s\) URL/);
    expect(message).not.toContain('s3cr3t');
    expect(() =>
      readNotificationsConfig(
        new ConfigReader({
          aiPlatform: { notifications: { cooldownMinutes: -5 } },
        }),
      ),
    ).toThrow(/aiPlatform\.notifications\.cooldownMinutes/);
  });
});
