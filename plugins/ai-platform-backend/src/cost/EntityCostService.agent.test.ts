import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { TEST_DATABASE_IDS } from '../__testUtils__/ingestTestBackend';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import { GpuFleetTelemetry } from '../domain/gpuTelemetry';
import {
  COST_TEST_PLATFORM,
  GivenGpuTelemetry,
  selfHosted,
} from './__testUtils__/costFixtures';
import { EntityCostService } from './EntityCostService';

jest.setTimeout(60_000);

const NOW = new Date('2026-12-04T00:00:00.000Z');
const LLAMA = 'modelendpoint:default/llama-chat';
const MINI = 'modelendpoint:default/gpt-4o-mini';

const MANAGED: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'gpt-4o-mini', namespace: 'default' },
  spec: {
    type: 'chat',
    owner: 'group:default/support',
    model: { name: 'gpt-4o-mini' },
    serving: { mode: 'managed', provider: 'openai' },
  },
};

function agent(name: string): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name, namespace: 'default' },
    spec: { owner: 'group:default/support' },
  };
}

/** One call, made for `agentName` when given (`null`: no agent). */
function call(options: {
  id: string;
  endpointRef: string;
  agentName: string | null;
  at: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: options.id,
    occurredAt: new Date(options.at),
    entityRef: options.endpointRef,
    joinKey: options.endpointRef.split('/')[1],
    agentJoinKey: options.agentName,
    agentEntityRef: options.agentName
      ? `agent:default/${options.agentName}`
      : null,
    operation: 'chat',
    model: 'm',
    provider: 'p',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: options.inputTokens,
    outputTokens: options.outputTokens,
    costUsd: options.costUsd,
    ttftMs: null,
    latencyMs: 100,
  };
}

/**
 * Two agents share llama-chat in the hour 2026-12-02 10:00 (300 + 100 of
 * its 400 tokens); in the hour 2026-12-03 10:00 agent-a sends 100 of its
 * 400 tokens, the other 300 come from a call without an agent. agent-a
 * also calls the managed gpt-4o-mini (0.60 USD at the gateway).
 */
const EVENTS: TelemetryEvent[] = [
  call({
    id: 'a1',
    endpointRef: LLAMA,
    agentName: 'agent-a',
    at: '2026-12-02T10:05:00Z',
    inputTokens: 100,
    outputTokens: 200,
    costUsd: 0.001,
  }),
  call({
    id: 'b1',
    endpointRef: LLAMA,
    agentName: 'agent-b',
    at: '2026-12-02T10:40:00Z',
    inputTokens: 50,
    outputTokens: 50,
    costUsd: 0.0005,
  }),
  call({
    id: 'a2',
    endpointRef: LLAMA,
    agentName: 'agent-a',
    at: '2026-12-03T10:10:00Z',
    inputTokens: 40,
    outputTokens: 60,
    costUsd: 0.0004,
  }),
  call({
    id: 'n1',
    endpointRef: LLAMA,
    agentName: null,
    at: '2026-12-03T10:20:00Z',
    inputTokens: 100,
    outputTokens: 200,
    costUsd: 0.001,
  }),
  call({
    id: 'a3',
    endpointRef: MINI,
    agentName: 'agent-a',
    at: '2026-12-03T11:00:00Z',
    inputTokens: 1000,
    outputTokens: 1000,
    costUsd: 0.6,
  }),
];

describe('EntityCostService, agents', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  async function serviceOn(
    databaseId: (typeof TEST_DATABASE_IDS)[number],
    options: {
      gpuTelemetry?: GpuFleetTelemetry;
      catalog?: Entity[];
    } = {},
  ) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    await store.insertEvents(EVENTS);
    const loaded: string[][] = [];
    return {
      knex,
      loaded,
      service: new EntityCostService({
        telemetryStore: store,
        platform: COST_TEST_PLATFORM,
        gpuTelemetry: options.gpuTelemetry,
        loadEndpoints: async refs => {
          loaded.push(refs);
          return (options.catalog ?? []).filter(entity =>
            refs.includes(
              `${entity.kind}:default/${entity.metadata.name}`.toLowerCase(),
            ),
          );
        },
      }),
    };
  }

  const llamaEstimated = selfHosted('llama-chat', {
    gpuProfile: 'h100-80gb',
    replicas: { min: 1 },
  });

  it.each(databases.eachSupportedId())(
    'gives each agent its share of a spec-estimated endpoint by tokens per hour; the shares of one hour add up to its GPU cost, %p',
    async databaseId => {
      const { service, knex, loaded } = await serviceOn(databaseId, {
        catalog: [llamaEstimated, MANAGED],
      });

      // Both databases store the same per agent, endpoint and hour rows.
      const rows = await knex('ai_platform_agent_endpoint_hourly')
        .orderBy(['agent_entity_ref', 'endpoint_ref', 'hour_start'])
        .select();
      expect(
        rows.map(row => ({
          ...row,
          hour_start: Number(row.hour_start),
          requests: Number(row.requests),
          input_tokens: Number(row.input_tokens),
          output_tokens: Number(row.output_tokens),
        })),
      ).toEqual([
        {
          agent_entity_ref: 'agent:default/agent-a',
          endpoint_ref: MINI,
          hour_start: Date.parse('2026-12-03T11:00:00Z'),
          requests: 1,
          input_tokens: 1000,
          output_tokens: 1000,
          cost_usd: 0.6,
        },
        {
          agent_entity_ref: 'agent:default/agent-a',
          endpoint_ref: LLAMA,
          hour_start: Date.parse('2026-12-02T10:00:00Z'),
          requests: 1,
          input_tokens: 100,
          output_tokens: 200,
          cost_usd: 0.001,
        },
        {
          agent_entity_ref: 'agent:default/agent-a',
          endpoint_ref: LLAMA,
          hour_start: Date.parse('2026-12-03T10:00:00Z'),
          requests: 1,
          input_tokens: 40,
          output_tokens: 60,
          cost_usd: 0.0004,
        },
        {
          agent_entity_ref: 'agent:default/agent-b',
          endpoint_ref: LLAMA,
          hour_start: Date.parse('2026-12-02T10:00:00Z'),
          requests: 1,
          input_tokens: 50,
          output_tokens: 50,
          cost_usd: 0.0005,
        },
      ]);

      const costs = await service.costOf([agent('agent-a'), agent('agent-b')], {
        now: NOW,
      });
      // The endpoints came from the catalog, in one call.
      expect(loaded).toEqual([[MINI, LLAMA]]);

      // One H100 at 3.20 USD per hour (replicas.min 1, spec estimate).
      // 2 Dec 10:00: agent-a 300 of 400 tokens → 2.40; agent-b 100 → 0.80.
      // 3 Dec 10:00: agent-a 100 of 400 tokens → 0.80.
      // agent-a's gateway cost of gpt-4o-mini stays: 0.60.
      const a = costs.get('agent:default/agent-a')!.cost;
      const b = costs.get('agent:default/agent-b')!.cost;
      expect(a).toMatchObject({
        basis: 'gateway-and-gpu-share-estimate',
        costUsd: 3.8,
        unavailableReason: null,
        gpuShare: {
          gatewayCostUsd: 0.6,
          gpuShareCostUsd: 3.2,
          replacedGatewayCostUsd: 0.0014,
          estimated: true,
          endpoints: [
            {
              endpointRef: LLAMA,
              gpuHoursSource: 'spec-estimate',
              hours: 2,
              agentTokens: 400,
              endpointTokens: 800,
              shareCostUsd: 3.2,
            },
          ],
        },
      });
      expect(a.unitCost).toMatchObject({ costUsd: 3.8, requests: 3 });
      expect(a.gpuShare!.basis).toBe(
        "Gateway cost 0.6 USD (calls to managed endpoints and unattributed models) + share of self-hosted GPU cost by tokens per hour 3.20 USD: modelendpoint:default/llama-chat 3.20 USD (400 of 800 tokens in 2 hours, GPU-hours estimated from the spec). The gateway's 0.0014 USD for the self-hosted calls is replaced, not added",
      );
      expect(b).toMatchObject({
        basis: 'gateway-and-gpu-share-estimate',
        costUsd: 0.8,
        gpuShare: { gatewayCostUsd: 0, gpuShareCostUsd: 0.8 },
      });
      // The two agents' shares of the hour they shared (agent-a's total
      // less its 0.80 of 3 Dec) are that hour's GPU cost, 1 × 1 × 3.20.
      expect(
        a.gpuShare!.gpuShareCostUsd - 0.8 + b.gpuShare!.gpuShareCostUsd,
      ).toBeCloseTo(3.2, 10);
    },
  );

  it.each(databases.eachSupportedId())(
    'prices an hour from the GPU-hours Prometheus measured in it, %p',
    async databaseId => {
      const onCluster = selfHosted('llama-chat', {
        cluster: 'gpu-eu-west-1',
        gpuProfile: 'h100-80gb',
        replicas: { min: 1 },
      });
      const telemetry = new GivenGpuTelemetry(
        {
          [LLAMA]: {
            gpuHours: {
              value: 100,
              metric: 'kube_pod_container_resource_requests',
            },
          },
        },
        'gpu-eu-west-1',
        // Two replicas in the first hour, one in the second.
        {
          [LLAMA]: {
            '2026-12-02T10:00:00Z': 2,
            '2026-12-03T10:00:00Z': 1,
          },
        },
      );
      const { service } = await serviceOn(databaseId, {
        gpuTelemetry: telemetry,
      });
      // The endpoints in the batch are not loaded again.
      const costs = await service.costOf(
        [agent('agent-a'), agent('agent-b'), onCluster, MANAGED],
        { now: NOW },
      );
      expect(telemetry.hourlyCalls).toEqual([
        {
          refs: [LLAMA],
          window: { from: new Date('2026-12-01T00:00:00Z'), to: NOW },
        },
      ]);
      // 2 Dec 10:00: 2 GPU-hours × 3.20 = 6.40; agent-a 3/4 → 4.80, agent-b 1/4 → 1.60.
      // 3 Dec 10:00: 1 GPU-hour × 3.20; agent-a 1/4 → 0.80.
      expect(costs.get('agent:default/agent-a')!.cost).toMatchObject({
        basis: 'gateway-and-gpu-share',
        costUsd: 6.2,
        gpuShare: {
          estimated: false,
          endpoints: [{ gpuHoursSource: 'prometheus', shareCostUsd: 5.6 }],
        },
      });
      expect(costs.get('agent:default/agent-b')!.cost).toMatchObject({
        basis: 'gateway-and-gpu-share',
        costUsd: 1.6,
      });
      // The endpoint's own cost is its month's GPU-hours, unchanged.
      expect(costs.get(LLAMA)!.cost.costUsd).toBe(320);
    },
  );

  it('says why an agent has no cost when the share cannot be computed', async () => {
    const telemetry = new GivenGpuTelemetry({}, 'gpu-eu-west-1', {
      [LLAMA]: {
        unavailable:
          'Prometheus at http://prom:9090 did not answer within 2000 ms',
      },
    });
    const { service } = await serviceOn('SQLITE_3', {
      gpuTelemetry: telemetry,
      catalog: [
        selfHosted('llama-chat', {
          cluster: 'gpu-eu-west-1',
          gpuProfile: 'h100-80gb',
          replicas: { min: 1 },
        }),
      ],
    });
    const costs = await service.costOf([agent('agent-b')], { now: NOW });
    expect(costs.get('agent:default/agent-b')).toMatchObject({
      sourceFailed: true,
      cost: {
        basis: 'unavailable',
        costUsd: null,
        unavailableReason:
          "The share of modelendpoint:default/llama-chat's GPU cost is not known: Prometheus at http://prom:9090 did not answer within 2000 ms",
      },
    });
  });

  it('keeps the gateway cost of calls to endpoints the catalog does not know as self-hosted', async () => {
    // No loader answer: llama-chat is not known, so its calls stay at the gateway's price.
    const { service } = await serviceOn('SQLITE_3');
    const costs = await service.costOf([agent('agent-a')], { now: NOW });
    expect(costs.get('agent:default/agent-a')!.cost).toMatchObject({
      basis: 'gateway',
      costUsd: 0.6014,
      gpuShare: null,
    });
  });
});
