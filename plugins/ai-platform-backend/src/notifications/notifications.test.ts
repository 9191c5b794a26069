import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { TEST_DATABASE_IDS } from '../__testUtils__/ingestTestBackend';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(120_000);

function user(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: [] },
  };
}

function group(name: string, members: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: members.map(member => ({
      type: 'hasMember',
      targetRef: `user:default/${member}`,
    })),
  };
}

function agent(name: string, owner: string, spec: object): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name, namespace: 'default', uid: name },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner,
      models: ['gpt-4o'],
      ...spec,
    },
  };
}

/** A real HTTP server standing in for a Slack incoming webhook. */
async function startWebhookReceiver() {
  const bodies: any[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', chunk => {
      data += chunk;
    });
    req.on('end', () => {
      bodies.push(JSON.parse(data));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/T000/B000/secret`,
    bodies,
    server,
  };
}

/**
 * The AI Platform and notifications plugins on their own databases, the
 * scheduled scorecard run callable by hand.
 */
async function startNotifyingBackend(
  databases: TestDatabases,
  databaseId: Parameters<TestDatabases['init']>[0],
  entities: Entity[],
  aiPlatform: object = {},
) {
  // Each plugin has its own database, as in the portal.
  const aiPlatformDb = await databases.init(databaseId);
  const notificationsDb = await databases.init(databaseId);
  const databaseFactory = createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const knex =
        plugin.getId() === 'notifications' ? notificationsDb : aiPlatformDb;
      return { getClient: async () => knex };
    },
  });
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: () => ({ run: jest.fn() }),
  });
  const backend = await startTestBackend({
    features: [
      aiPlatformPlugin,
      notificationsPlugin,
      databaseFactory,
      scheduler.factory,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://portal.example.com' }, aiPlatform },
      }),
    ],
  });
  const runScorecards = async () => {
    const task = scheduler.scheduleTask.mock.calls.find(
      ([t]) => t.id === 'ai-platform-scorecards',
    )![0];
    await (task.fn as () => Promise<void>)();
  };
  const notificationsOf = async (name: string) => {
    const response = await request(backend.server)
      .get('/api/notifications/notifications')
      .set(
        'Authorization',
        mockCredentials.user.header(`user:default/${name}`),
      );
    expect(response.status).toBe(200);
    return (response.body.notifications as any[])
      .map(n => ({
        title: n.payload.title,
        topic: n.payload.topic,
        link: n.payload.link,
        severity: n.payload.severity,
        description: n.payload.description,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  };
  return { backend, runScorecards, notificationsOf };
}

describe('scorecard notifications in the notifications backend', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'tells the owning group once per change, not the owners of compliant agents, %p',
    async databaseId => {
      const webhook = await startWebhookReceiver();
      // Committed before governance existed: an L4 agent without an eval suite.
      const refundBot = agent('refund-bot', 'support', {
        autonomyLevel: 'L4',
        humanInTheLoop: true,
        budget: { monthlyUsd: 500 },
        slo: { ttftP95Ms: 1500 },
      });
      const triage = agent('support-triage', 'group:default/platform', {
        autonomyLevel: 'L3',
        evals: [{ suite: 'triage-golden', minScore: 0.8 }],
        budget: { monthlyUsd: 500 },
        slo: { errorRatePercent: 2 },
      });
      // Three requirements unmet at once: one notification for them.
      const flakyFixer = agent('flaky-test-fixer', 'group:default/platform', {
        autonomyLevel: 'L5',
        budget: { monthlyUsd: 300 },
      });
      const { backend, runScorecards, notificationsOf } =
        await startNotifyingBackend(
          databases,
          databaseId,
          [
            user('alice'),
            user('bob'),
            user('carol'),
            group('support', ['alice', 'bob']),
            group('platform', ['carol']),
            refundBot,
            triage,
            flakyFixer,
          ],
          {
            notifications: {
              webhooks: [
                { name: 'slack-ai-alerts', url: webhook.url, format: 'slack' },
              ],
            },
          },
        );
      try {
        await runScorecards();
        const failure = {
          title: 'agent:default/refund-bot: governance:eval-suite failed',
          topic: 'AI Platform: governance requirement',
          link: '/catalog/default/agent/refund-bot/scorecard',
          severity: 'high',
          description: expect.stringMatching(
            /^L4 agent without an eval suite .*How to satisfy: Add spec\.evals/,
          ),
        };
        expect(await notificationsOf('alice')).toEqual([failure]);
        expect(await notificationsOf('bob')).toEqual([failure]);
        const platformNotifications = [
          {
            title:
              'agent:default/flaky-test-fixer: governance:eval-suite, governance:human-in-the-loop, governance:slo failed',
            topic: 'AI Platform: governance requirement',
            link: '/catalog/default/agent/flaky-test-fixer/scorecard',
            severity: 'high',
            description: expect.stringMatching(
              /^L5 agent without an eval suite .*\nL5 agent without a human in the loop .*\nL5 agent without an SLO /,
            ),
          },
        ];
        expect(await notificationsOf('carol')).toEqual(platformNotifications);

        // Still failing: nothing new.
        await runScorecards();
        await runScorecards();
        expect(await notificationsOf('alice')).toEqual([failure]);

        // The owners add an eval suite: one recovery notification.
        (refundBot.spec as any).evals = [{ suite: 'refunds', minScore: 0.9 }];
        await runScorecards();
        await runScorecards();
        const recovery = {
          title: 'agent:default/refund-bot: governance:eval-suite recovered',
          topic: 'AI Platform: governance requirement',
          link: '/catalog/default/agent/refund-bot/scorecard',
          severity: 'normal',
          description: expect.stringMatching(/^L4 agent has an eval suite/),
        };
        expect(await notificationsOf('alice')).toEqual([failure, recovery]);

        // Removed again within the cooldown (60 minutes by default): held back.
        delete (refundBot.spec as any).evals;
        await runScorecards();
        expect(await notificationsOf('alice')).toEqual([failure, recovery]);
        expect(await notificationsOf('carol')).toEqual(platformNotifications);

        // The webhook got the same two changes, Slack-formatted, with absolute links.
        expect(
          webhook.bodies.filter(body => body.text.includes('refund-bot')),
        ).toEqual([
          {
            text: expect.stringMatching(
              /^\*agent:default\/refund-bot: governance:eval-suite failed\*\nL4 agent without an eval suite[^]*<http:\/\/portal\.example\.com\/catalog\/default\/agent\/refund-bot\/scorecard\|Open in the portal>$/,
            ),
          },
          {
            text: expect.stringMatching(
              /^\*agent:default\/refund-bot: governance:eval-suite recovered\*/,
            ),
          },
        ]);
      } finally {
        await backend.stop();
        webhook.server.close();
      }
    },
  );
  it.each(databases.eachSupportedId())(
    'notifies the change an on-demand evaluation finds, once, and the scheduled run does not repeat it, %p',
    async databaseId => {
      const refundBot = agent('refund-bot', 'support', {
        autonomyLevel: 'L4',
        humanInTheLoop: true,
        budget: { monthlyUsd: 500 },
        slo: { ttftP95Ms: 1500 },
      });
      const { backend, runScorecards, notificationsOf } =
        await startNotifyingBackend(databases, databaseId, [
          user('alice'),
          group('support', ['alice']),
          refundBot,
        ]);
      try {
        const evaluate = () =>
          request(backend.server)
            .post(
              '/api/ai-platform/scorecards/by-entity/agent/default/refund-bot/evaluate',
            )
            .set(
              'Authorization',
              mockCredentials.user.header('user:default/alice'),
            );
        expect(await notificationsOf('alice')).toEqual([]);
        expect((await evaluate()).status).toBe(200);
        const failure = expect.objectContaining({
          title: 'agent:default/refund-bot: governance:eval-suite failed',
          link: '/catalog/default/agent/refund-bot/scorecard',
        });
        expect(await notificationsOf('alice')).toEqual([failure]);
        expect((await evaluate()).status).toBe(200);
        await runScorecards();
        expect(await notificationsOf('alice')).toEqual([failure]);
      } finally {
        await backend.stop();
      }
    },
  );
});
