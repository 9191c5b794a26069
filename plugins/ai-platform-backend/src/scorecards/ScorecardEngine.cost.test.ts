import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { TEST_DATABASE_IDS } from '../__testUtils__/ingestTestBackend';
import {
  COST_TEST_PLATFORM,
  GivenGpuTelemetry,
  selfHosted,
} from '../cost/__testUtils__/costFixtures';
import { EntityCostService } from '../cost/EntityCostService';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import {
  DEFAULT_SCORECARD_CONFIG,
  readScorecardConfig,
} from './scorecardConfig';
import { ScorecardEngine } from './ScorecardEngine';
import { ScorecardCheckResult } from './types';

jest.setTimeout(60_000);

/** 3 of December's 31 days have passed. */
const NOW = new Date('2026-12-04T00:00:00.000Z');
const CREATED_LAST_MONTH = {
  'aiplatform.io/gitops-created-time': '2026-11-20T08:00:00Z',
};
const ON_PROMETHEUS = {
  cluster: 'gpu-eu-west-1',
  gpuProfile: 'h100-80gb',
  replicas: { min: 1, max: 2 },
};
const WITHOUT_PROMETHEUS = { ...ON_PROMETHEUS, cluster: 'gpu-us-east-1' };

function byId(checks: ScorecardCheckResult[]) {
  return Object.fromEntries(checks.map(check => [check.checkId, check]));
}

describe('ScorecardEngine on GPU cost', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  async function setup(
    databaseId: (typeof TEST_DATABASE_IDS)[number],
    telemetry = new GivenGpuTelemetry({}),
  ) {
    const knex = await databases.init(databaseId);
    const telemetryStore = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const scorecardStore = new DatabaseScorecardStore(knex, () => NOW);
    const engine = new ScorecardEngine({
      telemetryStore,
      evalRunStore: scorecardStore,
      resultStore: scorecardStore,
      config: DEFAULT_SCORECARD_CONFIG,
      costService: new EntityCostService({
        telemetryStore,
        platform: COST_TEST_PLATFORM,
        gpuTelemetry: telemetry,
      }),
      now: () => NOW,
    });
    return { engine, scorecardStore, telemetryStore, telemetry };
  }

  it.each(databases.eachSupportedId())(
    'judges the budget of a self-hosted endpoint without Prometheus on the spec estimate, with no traffic, %p',
    async databaseId => {
      const { engine, scorecardStore } = await setup(databaseId);
      const endpoint = (monthlyUsd: number) =>
        selfHosted('llama-chat', WITHOUT_PROMETHEUS, {
          annotations: CREATED_LAST_MONTH,
          spec: { budget: { monthlyUsd } },
        });

      // 72 h × 3.20 USD = 230.40 USD this month; 2,380.80 USD held to the month's end.
      const over = byId((await engine.evaluate(endpoint(200))).checks);
      expect(over['budget-mtd']).toMatchObject({
        status: 'fail',
        value: 230.4,
        threshold: 200,
        source: 'spec-estimate',
      });
      expect(over['budget-mtd'].message).toContain(
        'GPU cost (estimated from the spec): 230.40 USD this month (UTC) of a 200 USD budget: over budget',
      );
      expect(over['budget-forecast']).toMatchObject({
        status: 'fail',
        value: 2380.8,
        source: 'spec-estimate',
      });

      const forecastOver = byId((await engine.evaluate(endpoint(1000))).checks);
      expect(forecastOver['budget-mtd'].status).toBe('pass');
      // No request this month, and still judged: a GPU costs money idle.
      expect(forecastOver['budget-forecast']).toMatchObject({
        status: 'warn',
        value: 2380.8,
      });

      const within = byId((await engine.evaluate(endpoint(3000))).checks);
      expect(within['budget-forecast'].status).toBe('pass');
      // Efficiency needs Prometheus: the check says what to configure.
      expect(within['gpu-idle']).toMatchObject({
        category: 'efficiency',
        status: 'not-enough-data',
        threshold: 20,
        window: '7d',
      });
      expect(within['gpu-idle'].message).toContain(
        'configure aiPlatform.telemetry.prometheus',
      );
      expect(within.saturation.status).toBe('not-enough-data');

      // The source and the category survive the store.
      const [stored] = await scorecardStore.listEvaluations({
        entityRef: 'modelendpoint:default/llama-chat',
        limit: 1,
      });
      const storedById = byId(stored.checks);
      expect(storedById['budget-mtd'].source).toBe('spec-estimate');
      expect(storedById['gpu-idle'].category).toBe('efficiency');
      expect(storedById.saturation.category).toBe('efficiency');
    },
  );

  it.each(databases.eachSupportedId())(
    'scores GPU budget, idle GPUs and saturation from Prometheus readings in one batch, %p',
    async databaseId => {
      const telemetry = new GivenGpuTelemetry({
        'modelendpoint:default/idle': {
          gpuHours: {
            value: 100,
            metric: 'kube_pod_container_resource_requests',
          },
          utilisationPercent: { value: 12, metric: 'DCGM_FI_DEV_GPU_UTIL' },
          kvCacheUsagePercent: {
            value: 95,
            metric: 'vllm:kv_cache_usage_perc',
          },
          waitingRequests: { value: 1, metric: 'vllm:num_requests_waiting' },
        },
        'modelendpoint:default/queued': {
          gpuHours: {
            value: 10,
            metric: 'kube_pod_container_resource_requests',
          },
          utilisationPercent: { value: 60, metric: 'DCGM_FI_DEV_GPU_UTIL' },
          kvCacheUsagePercent: {
            value: 40,
            metric: 'vllm:kv_cache_usage_perc',
          },
          waitingRequests: { value: 8, metric: 'vllm:num_requests_waiting' },
        },
        'modelendpoint:default/calm': {
          gpuHours: {
            value: 10,
            metric: 'kube_pod_container_resource_requests',
          },
          utilisationPercent: { value: 60, metric: 'DCGM_FI_DEV_GPU_UTIL' },
        },
        'modelendpoint:default/down': Object.fromEntries(
          [
            'gpuHours',
            'utilisationPercent',
            'kvCacheUsagePercent',
            'waitingRequests',
            'peakRunningRequests',
          ].map(key => [
            key,
            {
              unavailable:
                'Prometheus at http://prom:9090 did not answer within 2000 ms',
              metric: key,
            },
          ]),
        ),
      });
      const { engine, scorecardStore } = await setup(databaseId, telemetry);
      const budget = { spec: { budget: { monthlyUsd: 500 } } };
      const entities = ['idle', 'queued', 'calm', 'down'].map(name =>
        selfHosted(name, ON_PROMETHEUS, budget),
      );
      const result = await engine.evaluateAll(entities);
      expect(result).toEqual({ evaluated: 4, failed: [] });
      // One GPU telemetry call for the whole fleet.
      expect(telemetry.calls).toHaveLength(1);
      expect(telemetry.calls[0].refs).toHaveLength(4);

      const latest = await scorecardStore.getLatestEvaluations(
        entities.map(e => `modelendpoint:default/${e.metadata.name}`),
      );
      const checksOf = (name: string) =>
        byId(latest.get(`modelendpoint:default/${name}`)!.checks);

      const idle = checksOf('idle');
      // 100 GPU-hours × 3.20 = 320 USD; 320 / (3/31) = 3,306.67 USD by the month's end.
      expect(idle['budget-mtd']).toMatchObject({
        status: 'pass',
        value: 320,
        source: 'prometheus',
      });
      expect(idle['budget-forecast']).toMatchObject({
        status: 'warn',
        value: 3306.6667,
        source: 'prometheus',
      });
      expect(idle['gpu-idle']).toMatchObject({
        status: 'warn',
        value: 12,
        threshold: 20,
        window: '7d',
        source: 'prometheus',
      });
      // Idle: 100 × (1 − 0.12) × 3.20 = 281.60 USD.
      expect(idle['gpu-idle'].message).toContain(
        "281.60 USD of this month's GPU cost was idle",
      );
      expect(idle.saturation).toMatchObject({
        status: 'warn',
        value: 95,
        threshold: 90,
        window: '1h',
      });

      const queued = checksOf('queued');
      expect(queued['gpu-idle'].status).toBe('pass');
      // KV cache fine, queue above 5: saturated, and the message names both.
      expect(queued.saturation).toMatchObject({ status: 'warn', value: 40 });
      expect(queued.saturation.message).toContain('KV-cache usage 40%');
      expect(queued.saturation.message).toContain('8 requests waiting');

      const calm = checksOf('calm');
      expect(calm.saturation).toMatchObject({
        status: 'not-enough-data',
        value: null,
      });

      const down = checksOf('down');
      for (const checkId of [
        'budget-mtd',
        'budget-forecast',
        'gpu-idle',
        'saturation',
      ]) {
        expect(down[checkId]).toMatchObject({
          status: 'source-unavailable',
          value: null,
          source: 'prometheus',
          message:
            'Prometheus at http://prom:9090 did not answer within 2000 ms',
        });
      }
    },
  );
});

describe('readScorecardConfig efficiency', () => {
  it('reads the thresholds and accepts the efficiency category in levels', () => {
    const config = readScorecardConfig(
      mockServices.rootConfig({
        data: {
          aiPlatform: {
            scorecards: {
              efficiency: { gpuIdleBelowPercent: 35, waitingRequestsAbove: 2 },
              levels: [
                {
                  name: 'lean',
                  categories: ['budget', 'efficiency'],
                  requirement: 'pass',
                },
              ],
            },
          },
        },
      }),
    );
    expect(config.efficiency).toEqual({
      gpuIdleBelowPercent: 35,
      kvCacheAbovePercent: 90,
      waitingRequestsAbove: 2,
    });
    expect(config.levels[0].categories).toEqual(['budget', 'efficiency']);
  });

  it('names the key of a threshold out of range', () => {
    expect(() =>
      readScorecardConfig(
        mockServices.rootConfig({
          data: {
            aiPlatform: {
              scorecards: { efficiency: { kvCacheAbovePercent: 150 } },
            },
          },
        }),
      ),
    ).toThrow(
      "Invalid config 'aiPlatform.scorecards.efficiency.kvCacheAbovePercent': expected a percent between 0 and 100, got 150",
    );
  });
});
