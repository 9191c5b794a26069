import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import { createFleetRouter } from './fleetRouter';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header();
const NOW = new Date('2026-11-15T12:00:00.000Z');
const MINUTE_MS = 60 * 1000;

function entity(kind: string, name: string): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'group:default/ml-platform',
      serving: { mode: 'managed', provider: 'openai' },
    },
  };
}

const IN_CATALOG = [
  entity('ModelEndpoint', 'llama-chat'),
  entity('Agent', 'checkout-agent'),
];
// In the catalog, but the user may not see it (catalog permissions): it is
// hidden, not retired.
const HIDDEN_FROM_USER = entity('ModelEndpoint', 'secret-endpoint');

function call(
  id: string,
  occurredAt: Date,
  overrides: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    occurredAt,
    entityRef: 'modelendpoint:default/llama-chat',
    joinKey: 'llama-chat',
    operation: 'chat',
    model: 'llama',
    provider: 'vllm',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 1.5,
    ttftMs: null,
    latencyMs: 900,
    ...overrides,
  };
}

/** A catalog where `HIDDEN_FROM_USER` only shows to the plugin itself. */
function catalogHidingFromUsers(): CatalogService {
  const userView = catalogServiceMock({ entities: IN_CATALOG });
  const pluginView = catalogServiceMock({
    entities: [...IN_CATALOG, HIDDEN_FROM_USER],
  });
  const viewOf = (options: { credentials: { principal: unknown } }) =>
    (options.credentials.principal as { type?: string }).type === 'user'
      ? userView
      : pluginView;
  return {
    ...userView,
    getEntities: (req, options) => viewOf(options).getEntities(req, options),
    getEntitiesByRefs: (req, options) =>
      viewOf(options).getEntitiesByRefs(req, options),
  } as CatalogService;
}

const CONDITIONAL: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    rule: 'IS_ENTITY_OWNER',
    resourceType: 'catalog-entity',
    params: { claims: ['group:default/ml-platform'] },
  },
};

describe('GET /fleet/summary, retired entities', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function startBackend(
    databaseId: TestDatabaseId,
    unconditional: PolicyDecision,
  ) {
    const knex = await databases.init(databaseId);
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      ) as any,
      authorizeConditional: jest.fn(async requests =>
        requests.map(() => unconditional),
      ) as any,
    });
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const router = createFleetRouter({
      httpAuth: mockServices.httpAuth(),
      auth: mockServices.auth(),
      permissions,
      catalog: catalogHidingFromUsers(),
      config: mockServices.rootConfig({ data: {} }),
      telemetryStore: store,
      resultStore: new DatabaseScorecardStore(knex),
      now: () => NOW,
    });
    const server = express()
      .use('/api/ai-platform', router)
      .use(mockErrorHandler());
    return { server, store };
  }

  /**
   * llama-chat and checkout-agent are in the catalog; old-llama was
   * decommissioned this month (its last call made for old-agent, also gone,
   * and one more without an agent); legacy-embed last served in October and
   * retention has since deleted its raw events; secret-endpoint is only
   * hidden from the user.
   */
  async function storeHistory(store: DatabaseTelemetryStore) {
    await store.insertEvents([
      call('legacy-1', new Date('2026-10-20T09:42:00.000Z'), {
        entityRef: 'modelendpoint:default/legacy-embed',
        joinKey: 'legacy-embed',
      }),
    ]);
    await store.deleteEventsBefore(new Date('2026-11-01T00:00:00.000Z'));
    await store.insertEvents([
      call('live-1', new Date(NOW.getTime() - 5 * MINUTE_MS), {
        agentJoinKey: 'checkout',
        agentEntityRef: 'agent:default/checkout-agent',
      }),
      call('old-1', new Date('2026-11-03T08:10:00.000Z'), {
        entityRef: 'modelendpoint:default/old-llama',
        joinKey: 'old-llama',
        agentJoinKey: 'old-agent',
        agentEntityRef: 'agent:default/old-agent',
        inputTokens: 400,
        outputTokens: 40,
      }),
      call('old-2', new Date('2026-11-04T16:25:30.000Z'), {
        entityRef: 'modelendpoint:default/old-llama',
        joinKey: 'old-llama',
        costUsd: 2.25,
      }),
      call('secret-1', new Date('2026-11-10T10:00:00.000Z'), {
        entityRef: 'modelendpoint:default/secret-endpoint',
        joinKey: 'secret',
      }),
    ]);
  }

  it.each(databases.eachSupportedId())(
    'lists entities with stored telemetry that left the catalog, %p',
    async databaseId => {
      const { server, store } = await startBackend(databaseId, {
        result: AuthorizeResult.ALLOW,
      });
      await storeHistory(store);

      const response = await request(server)
        .get('/api/ai-platform/fleet/summary')
        .set('Authorization', USER);
      expect(response.status).toBe(200);
      const { retired } = response.body;
      expect(retired).toMatchObject({
        allowed: true,
        modelEndpointCount: 2,
        agentCount: 1,
        limit: 50,
      });
      expect(retired.costBasis).toMatch(/not GPU cost/);
      expect(retired.items).toEqual([
        {
          entityRef: 'modelendpoint:default/old-llama',
          kind: 'ModelEndpoint',
          lastCallAt: '2026-11-04T16:25:30.000Z',
          lastCallPrecision: 'event',
          requestsMtd: 2,
          inputTokensMtd: 500,
          outputTokensMtd: 50,
          gatewayPriceMtdUsd: 3.75,
        },
        {
          entityRef: 'agent:default/old-agent',
          kind: 'Agent',
          lastCallAt: '2026-11-03T08:10:00.000Z',
          lastCallPrecision: 'event',
          requestsMtd: 1,
          inputTokensMtd: 400,
          outputTokensMtd: 40,
          gatewayPriceMtdUsd: 1.5,
        },
        {
          // Only the rollup hour is left after retention; no calls this month.
          entityRef: 'modelendpoint:default/legacy-embed',
          kind: 'ModelEndpoint',
          lastCallAt: '2026-10-20T09:00:00.000Z',
          lastCallPrecision: 'hour',
          requestsMtd: 0,
          inputTokensMtd: 0,
          outputTokensMtd: 0,
          gatewayPriceMtdUsd: 0,
        },
      ]);
      // The entities still in the catalog stay in the fleet table.
      expect(
        response.body.fleet.map((row: { entityRef: string }) => row.entityRef),
      ).toEqual([
        'agent:default/checkout-agent',
        'modelendpoint:default/llama-chat',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the same retired rows from the store on both databases, %p',
    async databaseId => {
      const { store } = await startBackend(databaseId, {
        result: AuthorizeResult.ALLOW,
      });
      await storeHistory(store);
      const rows = await store.listEntityTelemetryLastSeen({
        kinds: ['ModelEndpoint', 'Agent'],
      });
      expect(
        rows.map(row => [row.entityRef, row.lastHourStart.toISOString()]),
      ).toEqual([
        ['agent:default/checkout-agent', '2026-11-15T11:00:00.000Z'],
        ['agent:default/old-agent', '2026-11-03T08:00:00.000Z'],
        ['modelendpoint:default/legacy-embed', '2026-10-20T09:00:00.000Z'],
        ['modelendpoint:default/llama-chat', '2026-11-15T11:00:00.000Z'],
        ['modelendpoint:default/old-llama', '2026-11-04T16:00:00.000Z'],
        ['modelendpoint:default/secret-endpoint', '2026-11-10T10:00:00.000Z'],
      ]);
      expect(
        await store.listEntityTelemetryLastSeen({ kinds: ['Agent'] }),
      ).toHaveLength(2);
    },
  );

  it.each(
    databases
      .eachSupportedId()
      .flatMap(([databaseId]) => [
        [databaseId, 'a conditional decision', CONDITIONAL] as const,
        [
          databaseId,
          'a denial',
          { result: AuthorizeResult.DENY } as PolicyDecision,
        ] as const,
      ]),
  )(
    'lists no retired entity on %p for %s',
    async (databaseId, _decision, decision) => {
      const { server, store } = await startBackend(databaseId, decision);
      await storeHistory(store);

      const response = await request(server)
        .get('/api/ai-platform/fleet/summary')
        .set('Authorization', USER);
      expect(response.status).toBe(200);
      expect(response.body.retired).toMatchObject({
        allowed: false,
        modelEndpointCount: 0,
        agentCount: 0,
        items: [],
      });
      // The catalog entities' own numbers are still read per entity.
      const llama = response.body.fleet.find(
        (row: { entityRef: string }) =>
          row.entityRef === 'modelendpoint:default/llama-chat',
      );
      expect(llama.requestsMtd).toBe(1);
    },
  );
});
