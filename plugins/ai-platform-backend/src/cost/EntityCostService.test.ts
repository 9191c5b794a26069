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

function call(
  id: string,
  entityRef: string,
  occurredAt: Date,
  outputTokens: number,
  costUsd: number,
): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    occurredAt,
    entityRef,
    joinKey: entityRef.split('/')[1],
    operation: 'chat',
    model: 'm',
    provider: 'p',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 10,
    outputTokens,
    costUsd,
    ttftMs: null,
    latencyMs: 100,
  };
}

const NOW = new Date('2026-12-04T00:00:00.000Z');

describe('EntityCostService', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  async function serviceOn(
    databaseId: (typeof TEST_DATABASE_IDS)[number],
    gpuTelemetry?: GpuFleetTelemetry,
  ) {
    const knex = await databases.init(databaseId);
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return {
      store,
      service: new EntityCostService({
        telemetryStore: store,
        platform: COST_TEST_PLATFORM,
        gpuTelemetry,
      }),
    };
  }

  it.each(databases.eachSupportedId())(
    'estimates GPU cost from the spec for endpoints created before and during the month, %p',
    async databaseId => {
      const { service } = await serviceOn(databaseId);
      const before = selfHosted(
        'llama-chat',
        { gpuProfile: 'h100-80gb', replicas: { min: 1, max: 2 } },
        {
          annotations: {
            'aiplatform.io/gitops-created-time': '2026-11-20T08:00:00Z',
          },
        },
      );
      const during = selfHosted(
        'qwen-tp2',
        { gpuProfile: 'h100-tp2', replicas: { min: 2, max: 3 } },
        {
          // No created time: the latest commit time stands in.
          annotations: {
            'aiplatform.io/gitops-commit-time': '2026-12-02T12:00:00Z',
          },
          spec: { pricing: { gpuHourUsd: 3 } },
        },
      );
      const future = selfHosted(
        'not-yet',
        { gpuProfile: 'h100-80gb', replicas: { min: 1 } },
        {
          annotations: {
            'aiplatform.io/gitops-created-time': '2026-12-05T00:00:00Z',
          },
        },
      );
      const costs = await service.costOf([before, during, future], {
        now: NOW,
      });

      // 3 days × 24 h × 1 replica × 1 GPU × 3.20 USD.
      const llama = costs.get('modelendpoint:default/llama-chat')!.cost;
      expect(llama).toMatchObject({
        servingMode: 'self-hosted',
        basis: 'gpu-hours-spec-estimate',
        costUsd: 230.4,
        unavailableReason: null,
      });
      expect(llama.gpu).toMatchObject({
        gpuHourUsd: 3.2,
        priceSource: 'gpu-profile',
        gpuProfile: 'h100-80gb',
        gpusPerReplica: 1,
        gpuHours: 72,
        gpuHoursSource: 'spec-estimate',
        // Held to the month's end: 31 days × 24 h × 3.20 USD.
        forecastMonthUsd: 2380.8,
        window: { from: '2026-12-01T00:00:00.000Z', to: NOW.toISOString() },
        utilisationPercent: null,
        idleCostUsd: null,
      });
      expect(llama.gpu!.basis).toBe(
        'Estimated from the spec: 1 replica (replicas.min) × 1 GPU × 72.0 h since 2026-12-01 00:00 UTC (month start) × 3.20 USD per GPU-hour (GPU profile h100-80gb) = 230.40 USD',
      );
      // No traffic: no unit cost per token or request, but the cost stands.
      expect(llama.unitCost).toEqual({
        perMillionOutputTokensUsd: null,
        perThousandRequestsUsd: null,
        costUsd: 230.4,
        outputTokens: 0,
        requests: 0,
        basis: 'gpu-hours-spec-estimate',
      });

      // 36 h since the commit × 2 replicas × 2 GPUs × 3.00 USD (entity price).
      const qwen = costs.get('modelendpoint:default/qwen-tp2')!.cost;
      expect(qwen.costUsd).toBe(432);
      expect(qwen.gpu).toMatchObject({
        priceSource: 'entity-pricing',
        gpusPerReplica: 2,
        gpuHours: 144,
        // 29.5 days to the month's end × 24 h × 4 GPUs × 3.00 USD.
        forecastMonthUsd: 8496,
        window: { from: '2026-12-02T12:00:00.000Z', to: NOW.toISOString() },
      });
      expect(qwen.gpu!.basis).toContain(
        '(aiplatform.io/gitops-commit-time) × 3.00 USD per GPU-hour (spec.pricing.gpuHourUsd)',
      );

      const notYet = costs.get('modelendpoint:default/not-yet')!.cost;
      expect(notYet.costUsd).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'prices measured GPU-hours, idle cost and unit cost in one telemetry call, %p',
    async databaseId => {
      const telemetry = new GivenGpuTelemetry({
        'modelendpoint:default/llama-chat': {
          gpuHours: {
            value: 100,
            metric: 'kube_pod_container_resource_requests',
          },
          utilisationPercent: { value: 25, metric: 'DCGM_FI_DEV_GPU_UTIL' },
          kvCacheUsagePercent: {
            value: 42.5,
            metric: 'vllm:kv_cache_usage_perc',
          },
          waitingRequests: { value: 0, metric: 'vllm:num_requests_waiting' },
        },
        'modelendpoint:default/no-series': {},
        'modelendpoint:default/down': {
          gpuHours: {
            unavailable:
              'Prometheus at http://prom:9090 did not answer within 2000 ms',
            metric: 'kube_pod_container_resource_requests',
          },
        },
      });
      const { service, store } = await serviceOn(databaseId, telemetry);
      await store.insertEvents([
        call(
          'a',
          'modelendpoint:default/llama-chat',
          new Date('2026-12-02T10:00:00Z'),
          1_500_000,
          0.001,
        ),
        call(
          'b',
          'modelendpoint:default/llama-chat',
          new Date('2026-12-03T10:00:00Z'),
          500_000,
          0.001,
        ),
        call(
          'c',
          'modelendpoint:default/gpt-4o-mini',
          new Date('2026-12-03T11:00:00Z'),
          1_000_000,
          0.6,
        ),
        // Last month: not in the month to date.
        call(
          'd',
          'modelendpoint:default/gpt-4o-mini',
          new Date('2026-11-30T11:00:00Z'),
          1_000_000,
          9,
        ),
      ]);
      const onCluster = {
        cluster: 'gpu-eu-west-1',
        gpuProfile: 'h100-80gb',
        replicas: { min: 1 },
      };
      const costs = await service.costOf(
        [
          selfHosted('llama-chat', onCluster),
          selfHosted('no-series', onCluster),
          selfHosted('down', onCluster),
          selfHosted('elsewhere', { ...onCluster, cluster: 'other' }),
          MANAGED,
        ],
        { now: NOW },
      );

      // One call for every endpoint the telemetry applies to.
      expect(telemetry.calls).toHaveLength(1);
      expect(telemetry.calls[0].refs).toEqual([
        'modelendpoint:default/llama-chat',
        'modelendpoint:default/no-series',
        'modelendpoint:default/down',
      ]);
      expect(
        telemetry.calls[0].request.allocationWindow.from.toISOString(),
      ).toBe('2026-12-01T00:00:00.000Z');

      const llama = costs.get('modelendpoint:default/llama-chat')!.cost;
      expect(llama.basis).toBe('gpu-hours-prometheus');
      // 100 GPU-hours × 3.20; idle 100 × (1 − 0.25) × 3.20.
      expect(llama.costUsd).toBe(320);
      expect(llama.gpu).toMatchObject({
        gpuHoursSource: 'prometheus',
        idleCostUsd: 240,
        utilisationPercent: {
          value: 25,
          window: '7d',
          metric: 'DCGM_FI_DEV_GPU_UTIL',
          source: 'prometheus',
        },
        // 3 of December's 31 days elapsed.
        forecastMonthUsd: Number(((320 * 31) / 3).toFixed(4)),
      });
      expect(llama.saturation).toEqual({
        kvCacheUsagePercent: {
          value: 42.5,
          window: '1h',
          metric: 'vllm:kv_cache_usage_perc',
          source: 'prometheus',
        },
        waitingRequests: {
          value: 0,
          window: '1h',
          metric: 'vllm:num_requests_waiting',
          source: 'prometheus',
        },
      });
      // 320 USD over 2 M output tokens and 2 requests: the token price is not the cost.
      expect(llama.unitCost).toMatchObject({
        perMillionOutputTokensUsd: 160,
        perThousandRequestsUsd: 160000,
        outputTokens: 2_000_000,
        requests: 2,
      });

      expect(costs.get('modelendpoint:default/no-series')!.cost).toMatchObject({
        basis: 'unavailable',
        costUsd: null,
        gpu: null,
        unitCost: null,
        unavailableReason:
          "Prometheus has no kube_pod_container_resource_requests series for this endpoint's pods",
      });
      expect(costs.get('modelendpoint:default/down')).toMatchObject({
        sourceFailed: true,
        cost: {
          basis: 'unavailable',
          unavailableReason:
            'Prometheus at http://prom:9090 did not answer within 2000 ms',
        },
      });
      // A cluster without Prometheus falls back to the spec estimate.
      expect(costs.get('modelendpoint:default/elsewhere')!.cost).toMatchObject({
        basis: 'gpu-hours-spec-estimate',
        costUsd: 230.4,
      });

      const managed = costs.get('modelendpoint:default/gpt-4o-mini')!.cost;
      expect(managed).toMatchObject({
        servingMode: 'managed',
        basis: 'gateway',
        costUsd: 0.6,
        gpu: null,
        unitCost: {
          perMillionOutputTokensUsd: 0.6,
          perThousandRequestsUsd: 600,
          basis: 'gateway',
        },
      });
    },
  );

  it('says which field is missing when an endpoint has no price or no replicas.min', async () => {
    const { service } = await serviceOn('SQLITE_3');
    const costs = await service.costOf(
      [
        selfHosted('unknown-profile', {
          gpuProfile: 'b200',
          replicas: { min: 1 },
        }),
        selfHosted('no-profile', { replicas: { min: 1 } }),
        selfHosted('no-min', { gpuProfile: 'h100-80gb' }),
      ],
      { now: NOW },
    );
    expect(
      costs.get('modelendpoint:default/unknown-profile')!.cost
        .unavailableReason,
    ).toBe(
      "No GPU-hour price: GPU profile 'b200' (spec.serving.gpuProfile) is not in aiPlatform.gpuProfiles and spec.pricing.gpuHourUsd is not set",
    );
    expect(
      costs.get('modelendpoint:default/no-profile')!.cost.unavailableReason,
    ).toBe(
      'No GPU-hour price: neither spec.pricing.gpuHourUsd nor spec.serving.gpuProfile is set',
    );
    expect(costs.get('modelendpoint:default/no-min')!.cost).toMatchObject({
      basis: 'unavailable',
      costUsd: null,
      unavailableReason:
        'No spec estimate: spec.serving.replicas.min is not set to a number of replicas >= 0',
    });
  });
});
