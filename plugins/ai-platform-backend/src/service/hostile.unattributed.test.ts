import {
  mockCredentials,
  mockServices,
  startTestBackend,
  type TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(120_000);

const USER = mockCredentials.user.header();
const KEYS = 120;

/**
 * 120 join keys nobody claims (every 10th an agent id), with 1 to 7
 * requests each and per-call costs that make the cost order differ from the
 * request order; ties on both are broken by kind and key.
 */
function strayTraffic(occurredAt: Date) {
  const events: TelemetryEvent[] = [];
  const expected: Array<{
    joinKey: string;
    joinKeyKind: 'model' | 'agent';
    requests: number;
    costUsd: number;
    subject: string;
  }> = [];
  for (let i = 0; i < KEYS; i++) {
    const isAgent = i % 10 === 0;
    const joinKey = `${isAgent ? 'agt' : 'alias'}-${String(i).padStart(
      3,
      '0',
    )}`;
    const requests = (i % 7) + 1;
    const costPerCall = (i % 13) * 0.25;
    for (let n = 0; n < requests; n++) {
      events.push({
        source: 'litellm',
        sourceEventId: `${joinKey}-${n}`,
        occurredAt,
        entityRef: isAgent ? 'modelendpoint:default/known' : null,
        joinKey: isAgent ? 'known' : joinKey,
        ...(isAgent ? { agentJoinKey: joinKey, agentEntityRef: null } : {}),
        operation: 'chat',
        model: 'gpt-4o-mini',
        provider: 'openai',
        streamed: false,
        status: 'ok',
        errorType: null,
        inputTokens: 10,
        outputTokens: 1,
        costUsd: costPerCall,
        ttftMs: null,
        latencyMs: 100,
      });
    }
    expected.push({
      joinKey,
      joinKeyKind: isAgent ? 'agent' : 'model',
      requests,
      costUsd: costPerCall * requests,
      subject: `${isAgent ? 'unattributed-agent:' : 'unattributed:'}${joinKey}`,
    });
  }
  const bySubject = (a: { subject: string }, b: { subject: string }) =>
    a.subject < b.subject ? -1 : 1;
  const byRequests = [...expected].sort(
    (a, b) =>
      b.requests - a.requests || b.costUsd - a.costUsd || bySubject(a, b),
  );
  const byCost = [...expected].sort(
    (a, b) =>
      b.costUsd - a.costUsd || b.requests - a.requests || bySubject(a, b),
  );
  return {
    events,
    byRequests: byRequests.map(e => e.joinKey),
    byCost: byCost.map(e => e.joinKey),
  };
}

describe('unattributed telemetry, limited and paged worst first', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function startBackend(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      ) as any,
      authorizeConditional: jest.fn(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      ) as any,
    });
    const { server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: {} }),
        permissions.factory,
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const traffic = strayTraffic(new Date(Date.now() - 2 * 60 * 60 * 1000));
    await store.insertEvents(traffic.events);
    return { server, traffic };
  }

  const get = (
    server: Awaited<ReturnType<typeof startBackend>>['server'],
    path: string,
    query: Record<string, string> = {},
  ) =>
    request(server)
      .get(`/api/ai-platform${path}`)
      .query(query)
      .set('Authorization', USER);

  it.each(databases.eachSupportedId())(
    'pages /usage/unattributed by limit and offset, most requests or cost first, with the total, %p',
    async databaseId => {
      const { server, traffic } = await startBackend(databaseId);

      const first = await get(server, '/usage/unattributed');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        total: KEYS,
        limit: 50,
        offset: 0,
        order: 'requests',
        nextOffset: 50,
      });
      expect(first.body.items.map((i: any) => i.joinKey)).toEqual(
        traffic.byRequests.slice(0, 50),
      );
      // Fields kept as they were.
      expect(Object.keys(first.body.items[0]).sort()).toEqual([
        'costUsd',
        'errors',
        'inputTokens',
        'joinKey',
        'joinKeyKind',
        'lastSeenHourStart',
        'outputTokens',
        'requests',
      ]);

      const page = await get(server, '/usage/unattributed', {
        limit: '7',
        offset: '21',
      });
      expect(page.status).toBe(200);
      expect(page.body.items.map((i: any) => i.joinKey)).toEqual(
        traffic.byRequests.slice(21, 28),
      );
      expect(page.body).toMatchObject({ total: KEYS, nextOffset: 28 });

      const last = await get(server, '/usage/unattributed', {
        limit: '500',
        offset: '100',
      });
      expect(last.body.items.map((i: any) => i.joinKey)).toEqual(
        traffic.byRequests.slice(100),
      );
      expect(last.body.nextOffset).toBeNull();

      const byCost = await get(server, '/usage/unattributed', {
        order: 'cost',
        limit: '30',
      });
      expect(byCost.status).toBe(200);
      expect(byCost.body.items.map((i: any) => i.joinKey)).toEqual(
        traffic.byCost.slice(0, 30),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the fleet summary to one page of unattributed telemetry with the total, %p',
    async databaseId => {
      const { server, traffic } = await startBackend(databaseId);

      const summary = await get(server, '/fleet/summary');
      expect(summary.status).toBe(200);
      expect(summary.body.unattributed).toMatchObject({
        allowed: true,
        total: KEYS,
        limit: 50,
        offset: 0,
        order: 'requests',
      });
      expect(
        summary.body.unattributed.items.map((i: any) => i.joinKey),
      ).toEqual(traffic.byRequests.slice(0, 50));
      expect(summary.body.unattributed.items[0].fixHint).toEqual(
        expect.any(String),
      );

      const small = await get(server, '/fleet/summary', {
        unattributedLimit: '5',
        unattributedOffset: '5',
        unattributedOrder: 'cost',
      });
      expect(small.status).toBe(200);
      expect(small.body.unattributed.items.map((i: any) => i.joinKey)).toEqual(
        traffic.byCost.slice(5, 10),
      );
    },
  );

  describe('bad page parameters', () => {
    let server: Awaited<ReturnType<typeof startBackend>>['server'];
    beforeAll(async () => {
      ({ server } = await startBackend('SQLITE_3'));
    });

    it.each([
      ['/usage/unattributed', 'limit', '0', 'a whole number from 1 to 500'],
      ['/usage/unattributed', 'limit', '501', 'a whole number from 1 to 500'],
      ['/usage/unattributed', 'limit', 'ten', 'a whole number from 1 to 500'],
      ['/usage/unattributed', 'offset', '-1', 'a whole number from 0 to'],
      ['/usage/unattributed', 'order', 'name', 'one of requests, cost'],
      [
        '/fleet/summary',
        'unattributedLimit',
        '100000',
        'a whole number from 1 to 500',
      ],
    ])(
      'answers 400 on %s?%s=%s naming the parameter and what is expected',
      async (path, param, value, expected) => {
        const res = await get(server, path, { [param]: value });
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toContain(
          `Invalid query parameter '${param}': expected ${expected}`,
        );
      },
    );
  });
});
