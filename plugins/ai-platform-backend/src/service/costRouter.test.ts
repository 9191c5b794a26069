import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import { TelemetryEvent } from '../database/TelemetryStore';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header();
const HOUR_MS = 60 * 60 * 1000;

function endpoint(
  name: string,
  type: string,
  serving: Record<string, unknown>,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type,
      owner: 'group:default/ml-platform',
      model: { name: `vendor/${name}` },
      serving,
      gateway: { model: name },
      budget: { monthlyUsd: 100_000 },
    } as Entity['spec'],
    relations: [{ type: 'ownedBy', targetRef: 'group:default/ml-platform' }],
  };
}

const CONFIG = {
  aiPlatform: {
    gpuProfiles: [
      {
        id: 'h100-80gb',
        resourceName: 'nvidia.com/gpu',
        usableMemoryGiB: 79.1,
        hourlyCostUsd: 3.2,
      },
    ],
  },
};

function entities(createdAt: Date): Entity[] {
  return [
    endpoint(
      'llama-chat',
      'chat',
      {
        mode: 'self-hosted',
        runtime: 'vllm',
        cluster: 'gpu-eu-west-1',
        gpuProfile: 'h100-80gb',
        replicas: { min: 1, max: 2 },
      },
      { 'aiplatform.io/gitops-created-time': createdAt.toISOString() },
    ),
    endpoint('gpt-4o-mini', 'chat', { mode: 'managed', provider: 'openai' }),
    endpoint('bge-m3', 'embedding', { mode: 'managed', provider: 'openai' }),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'web', namespace: 'default' },
      spec: { owner: 'group:default/ml-platform' },
    },
  ];
}

function call(id: string, joinKey: string, costUsd: number): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    occurredAt: new Date(),
    entityRef: `modelendpoint:default/${joinKey}`,
    joinKey,
    operation: 'chat',
    model: joinKey,
    provider: 'p',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 500_000,
    costUsd,
    ttftMs: null,
    latencyMs: 100,
  };
}

describe('GET /cost/by-entity and the scorecard cost', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });
  // Two hours ago, or the month start when that was in the last month.
  const createdAt = new Date(Date.now() - 2 * HOUR_MS);

  const start = (
    databaseId: TestDatabaseId,
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) =>
    startIngestTestBackend(databases, databaseId, {
      entities: entities(createdAt),
      permission,
      config: CONFIG,
    });

  it.each(databases.eachSupportedId())(
    'answers the GPU cost of a self-hosted endpoint with managed ones of its type to compare, %p',
    async databaseId => {
      const { server, store } = await start(databaseId, AuthorizeResult.ALLOW);
      await store.insertEvents([
        call('a', 'llama-chat', 0.0002),
        call('b', 'gpt-4o-mini', 0.3),
        call('c', 'gpt-4o-mini', 0.3),
      ]);
      const response = await request(server)
        .get('/api/ai-platform/cost/by-entity/modelendpoint/default/llama-chat')
        .set('Authorization', USER);
      expect(response.status).toBe(200);
      const { cost, comparisons, window } = response.body;
      expect(cost).toMatchObject({
        entityRef: 'modelendpoint:default/llama-chat',
        type: 'chat',
        servingMode: 'self-hosted',
        basis: 'gpu-hours-spec-estimate',
        unavailableReason: null,
      });
      const monthStart = new Date(window.from).getTime();
      const from = Math.max(monthStart, createdAt.getTime());
      expect(cost.gpu.window.from).toBe(new Date(from).toISOString());
      const hours = (new Date(cost.gpu.window.to).getTime() - from) / HOUR_MS;
      // 1 replica × 1 GPU × hours × 3.20 USD; not the calls' 0.0002 USD.
      expect(cost.gpu.gpuHours).toBeCloseTo(hours, 4);
      expect(cost.costUsd).toBeCloseTo(hours * 3.2, 4);
      expect(cost.gpu.basis).toMatch(/^Estimated from the spec: 1 replica/);
      expect(cost.unitCost).toMatchObject({
        outputTokens: 500_000,
        requests: 1,
      });
      expect(cost.unitCost.perMillionOutputTokensUsd).toBeCloseTo(
        cost.costUsd * 2,
        3,
      );
      // Same type only (not the embedding endpoint); the gateway's cost.
      expect(comparisons).toEqual([
        {
          entityRef: 'modelendpoint:default/gpt-4o-mini',
          title: 'gpt-4o-mini',
          servingMode: 'managed',
          model: 'vendor/gpt-4o-mini',
          unitCost: {
            perMillionOutputTokensUsd: 0.6,
            perThousandRequestsUsd: 300,
            costUsd: 0.6,
            outputTokens: 1_000_000,
            requests: 2,
            basis: 'gateway',
          },
        },
      ]);

      // The scorecard carries the same cost, and its budget uses it.
      const scorecard = await request(server)
        .post(
          '/api/ai-platform/scorecards/by-entity/modelendpoint/default/llama-chat/evaluate',
        )
        .set('Authorization', USER);
      expect(scorecard.status).toBe(200);
      expect(scorecard.body.cost).toMatchObject({
        basis: 'gpu-hours-spec-estimate',
        servingMode: 'self-hosted',
      });
      const budgetMtd = scorecard.body.checks.find(
        (c: { checkId: string }) => c.checkId === 'budget-mtd',
      );
      expect(budgetMtd).toMatchObject({
        source: 'spec-estimate',
        status: 'pass',
      });
      expect(budgetMtd.value).toBeCloseTo(scorecard.body.cost.costUsd, 2);
      const stored = await request(server)
        .get(
          '/api/ai-platform/scorecards/by-entity/modelendpoint/default/llama-chat',
        )
        .set('Authorization', USER);
      expect(stored.body.cost.basis).toBe('gpu-hours-spec-estimate');
      expect(
        stored.body.checks.map((c: { checkId: string }) => c.checkId),
      ).toEqual(
        expect.arrayContaining(['budget-mtd', 'gpu-idle', 'saturation']),
      );
    },
  );

  it('answers 403 without ai-platform.telemetry.read on the entity', async () => {
    const { server } = await start('SQLITE_3', AuthorizeResult.DENY);
    const response = await request(server)
      .get('/api/ai-platform/cost/by-entity/modelendpoint/default/llama-chat')
      .set('Authorization', USER);
    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe(
      'Not allowed to read the telemetry of modelendpoint:default/llama-chat',
    );
  });

  it('answers 404 for an entity the catalog does not have and 400 for other kinds', async () => {
    const { server } = await start('SQLITE_3', AuthorizeResult.ALLOW);
    const missing = await request(server)
      .get('/api/ai-platform/cost/by-entity/modelendpoint/default/nope')
      .set('Authorization', USER);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'No entity modelendpoint:default/nope in the catalog',
    );
    const component = await request(server)
      .get('/api/ai-platform/cost/by-entity/component/default/web')
      .set('Authorization', USER);
    expect(component.status).toBe(400);
    expect(component.body.error.message).toBe(
      'Cost is computed for ModelEndpoint and Agent entities; component:default/web is a Component',
    );
  });
});
