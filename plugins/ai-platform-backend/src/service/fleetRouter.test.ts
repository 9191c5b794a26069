import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import { createFleetRouter, isoWeekStart } from './fleetRouter';

jest.setTimeout(60_000);

const USER = mockCredentials.user.header();

function entity(
  kind: string,
  name: string,
  owner: string,
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion:
      kind === 'Component' ? 'backstage.io/v1alpha1' : 'aiplatform.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { owner, ...spec },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

// The router's clock is set, never read from the system: half an hour into a
// month (every event of the month must fit in those 30 minutes; the test
// failed in the first hours of each month while it used the real time) and
// mid-month. Events lie between the start of the clock's month and the clock.
const CLOCKS = [
  ['half an hour into a month', new Date('2026-12-01T00:30:00.000Z')],
  ['mid-month', new Date('2026-11-15T12:00:00.000Z')],
] as const;

function scenario(now: Date) {
  const monthStart = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
  );
  const at = (ms: number) => new Date(monthStart.getTime() + ms);
  const templateRun = at(1000);
  return {
    now,
    at,
    templateRun,
    firstCall: at(1000 + 10 * MINUTE_MS + 500),
    qwenCommit: at(2 * MINUTE_MS),
    entities: entitiesOf(templateRun, at(5 * MINUTE_MS), at(2 * MINUTE_MS)),
  };
}

const ENTITY_REFS = [
  'modelendpoint:default/llama-chat',
  'modelendpoint:default/qwen-tp2',
  'modelendpoint:default/no-cluster',
  'modelendpoint:default/gpt-4o',
  'agent:default/checkout-agent',
  'agent:default/secret-agent',
  'component:default/hand-registered',
];

function entitiesOf(
  templateRun: Date,
  llamaCommit: Date,
  qwenCommit: Date,
): Entity[] {
  return [
    entity(
      'ModelEndpoint',
      'llama-chat',
      'group:default/ml-platform',
      {
        serving: {
          mode: 'self-hosted',
          cluster: 'gpu-eu-west-1',
          gpuProfile: 'h100-80gb',
          replicas: { min: 1, max: 4 },
        },
        gateway: { model: 'llama-chat' },
      },
      {
        'backstage.io/source-template': 'template:default/self-hosted-endpoint',
        'aiplatform.io/gitops-created-time': templateRun.toISOString(),
        'aiplatform.io/gitops-commit-time': llamaCommit.toISOString(),
      },
    ),
    entity(
      'ModelEndpoint',
      'qwen-tp2',
      'group:default/ml-platform',
      {
        serving: {
          mode: 'self-hosted',
          cluster: 'gpu-eu-west-1',
          gpuProfile: 'h100-tp2',
          replicas: { min: 0, max: 3 },
        },
      },
      {
        'backstage.io/source-template': 'template:default/self-hosted-endpoint',
        'aiplatform.io/gitops-commit-time': qwenCommit.toISOString(),
      },
    ),
    entity('ModelEndpoint', 'no-cluster', 'group:default/support', {
      serving: { mode: 'self-hosted', gpuProfile: 'l4-24gb' },
    }),
    entity('ModelEndpoint', 'gpt-4o', 'group:default/support', {
      serving: { mode: 'managed', provider: 'openai' },
    }),
    entity('Agent', 'checkout-agent', 'group:default/support'),
    entity('Agent', 'secret-agent', 'group:default/security'),
    // Created by a template but registered by hand: no GitOps time.
    entity(
      'Component',
      'hand-registered',
      'group:default/support',
      {},
      { 'backstage.io/source-template': 'template:default/agent-service' },
    ),
  ];
}

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
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 1.5,
    ttftMs: 200,
    latencyMs: 900,
    ...overrides,
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
      {
        id: 'h100-tp2',
        resourceName: 'nvidia.com/gpu',
        usableMemoryGiB: 79.1,
        hourlyCostUsd: 6.4,
        gpusPerReplica: 2,
      },
      {
        id: 'l4-24gb',
        resourceName: 'nvidia.com/gpu',
        usableMemoryGiB: 22.49,
        hourlyCostUsd: 0.8,
      },
    ],
    teams: [
      {
        group: 'group:default/ml-platform',
        namespace: 'llm-shared',
        monthlyBudgetUsd: 30000,
        gpuQuota: { 'h100-80gb': 8, 'l4-24gb': 4 },
      },
    ],
  },
};

describe('GET /fleet/summary', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const cases = databases
    .eachSupportedId()
    .flatMap(([databaseId]) =>
      CLOCKS.map(([when, now]) => [databaseId, when, now] as const),
    );

  async function startBackend(options: {
    databaseId: (typeof cases)[number][0];
    now: Date;
    deniedRefs?: string[];
    unattributed?: AuthorizeResult;
  }) {
    const knex = await databases.init(options.databaseId);
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async requests =>
        requests.map((req: { resourceRef?: string }) => ({
          result: options.deniedRefs?.includes(req.resourceRef ?? '')
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        })),
      ) as any,
      authorizeConditional: jest.fn(async requests =>
        requests.map(() => ({
          result: options.unattributed ?? AuthorizeResult.ALLOW,
        })),
      ) as any,
    });
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const router = createFleetRouter({
      httpAuth: mockServices.httpAuth(),
      permissions,
      catalog: catalogServiceMock({
        entities: scenario(options.now).entities,
      }),
      config: mockServices.rootConfig({ data: CONFIG }),
      telemetryStore: store,
      resultStore: new DatabaseScorecardStore(knex),
      now: () => options.now,
    });
    const server = express()
      .use('/api/ai-platform', router)
      .use(mockErrorHandler());
    return { server, store, knex, permissions };
  }

  it('answers 401 without user credentials', async () => {
    const { server } = await startBackend({
      databaseId: 'SQLITE_3',
      now: CLOCKS[0][1],
    });
    const response = await request(server)
      .get('/api/ai-platform/fleet/summary')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });

  it.each(cases)(
    'summarizes spend, golden paths, time to first inference, GPUs and unattributed telemetry, %s, %s',
    async (databaseId, _when, now) => {
      const { at, templateRun, firstCall, qwenCommit } = scenario(now);
      const { server, store, knex, permissions } = await startBackend({
        databaseId,
        now,
        deniedRefs: ['agent:default/secret-agent'],
      });
      await store.insertEvents([
        call('first', firstCall),
        call('second', at(20 * MINUTE_MS), {
          agentJoinKey: 'checkout',
          agentEntityRef: 'agent:default/checkout-agent',
          costUsd: 2,
        }),
        call('secret', at(15 * MINUTE_MS), {
          entityRef: 'modelendpoint:default/gpt-4o',
          joinKey: 'gpt-4o',
          agentJoinKey: 'secret',
          agentEntityRef: 'agent:default/secret-agent',
          costUsd: 4,
        }),
        call('stray', new Date(now.getTime() - 60 * MINUTE_MS), {
          entityRef: null,
          joinKey: 'gpt-4o-mini',
          costUsd: 0.25,
        }),
        call('stray-agent', new Date(now.getTime() - 60 * MINUTE_MS), {
          entityRef: null,
          joinKey: 'gpt-4o-mini',
          agentJoinKey: 'agt_01',
          agentEntityRef: null,
          costUsd: 0.25,
        }),
      ]);
      // A stored scorecard evaluation supplies grade, TTFT and eval columns.
      await new DatabaseScorecardStore(knex).insertEvaluation({
        evaluationId: '7b0c2a54-4a0b-4c55-9f55-0d2b1f1f1a01',
        entityRef: 'modelendpoint:default/llama-chat',
        evaluatedAt: now,
        level: 'silver',
        checks: [
          {
            checkId: 'ttft-p95',
            category: 'slo',
            status: 'pass',
            value: 210,
            threshold: 400,
            window: '24h',
            message: 'ok',
            source: 'telemetry-store',
          },
          {
            checkId: 'eval:safety',
            category: 'eval',
            status: 'fail',
            value: 0.6,
            threshold: 0.7,
            window: 'latest-run',
            message: 'low',
            source: 'telemetry-store',
          },
          {
            checkId: 'eval:helpfulness',
            category: 'eval',
            status: 'pass',
            value: 0.9,
            threshold: 0.7,
            window: 'latest-run',
            message: 'ok',
            source: 'telemetry-store',
          },
        ],
      });

      const response = await request(server)
        .get('/api/ai-platform/fleet/summary')
        .set('Authorization', USER);
      expect(response.status).toBe(200);
      const body = response.body;
      expect(body.generatedAt).toBe(now.toISOString());

      // One batch authorization for every entity on the page.
      expect(permissions.authorize).toHaveBeenCalledTimes(1);
      expect(body.telemetryAccess).toEqual({
        readableEntityCount: 6,
        deniedEntityCount: 1,
      });

      const byRef = Object.fromEntries(
        body.fleet.map((row: { entityRef: string }) => [row.entityRef, row]),
      );
      expect(Object.keys(byRef)).toHaveLength(6);
      // Self-hosted, no Prometheus: GPU cost estimated from the spec, 1
      // replica × 1 GPU × hours since the template ran × 3.20 USD (was the
      // calls' token cost, 3.5 USD, before GPU cost existed).
      const llamaGpuUsd =
        Math.round(
          ((3.2 * (now.getTime() - templateRun.getTime())) / HOUR_MS) * 1e4,
        ) / 1e4;
      expect(byRef['modelendpoint:default/llama-chat']).toMatchObject({
        kind: 'ModelEndpoint',
        owner: 'group:default/ml-platform',
        telemetryReadable: true,
        level: 'silver',
        servingMode: 'self-hosted',
        spendMtdUsd: llamaGpuUsd,
        costBasis: 'gpu-hours-spec-estimate',
        costUnavailableReason: null,
        idleCostUsd: null,
        utilisationPercent: null,
        requestsMtd: 2,
        ttftP95Ms: 210,
        ttftStatus: 'pass',
        evalScore: 0.6,
        evalSuite: 'safety',
        evalStatus: 'fail',
      });
      expect(byRef['modelendpoint:default/llama-chat'].unitCost).toMatchObject({
        outputTokens: 20,
        requests: 2,
        basis: 'gpu-hours-spec-estimate',
      });
      // min 0 replicas: nothing held by the spec.
      expect(byRef['modelendpoint:default/qwen-tp2']).toMatchObject({
        spendMtdUsd: 0,
        costBasis: 'gpu-hours-spec-estimate',
      });
      expect(byRef['modelendpoint:default/no-cluster']).toMatchObject({
        spendMtdUsd: null,
        costBasis: 'unavailable',
        costUnavailableReason:
          'No spec estimate: spec.serving.replicas.min is not set to a number of replicas >= 0',
      });
      expect(byRef['modelendpoint:default/gpt-4o']).toMatchObject({
        servingMode: 'managed',
        spendMtdUsd: 4,
        costBasis: 'gateway',
      });
      // The agent's one call went to llama-chat (self-hosted): its cost is
      // not the call's token price (2 USD) but its share of llama-chat's GPU
      // cost in that hour, by tokens (one of the hour's two equal calls):
      // half of 3.20 USD × the part of the month's first hour the
      // allocation was held (from the template run to the clock or the
      // hour's end).
      const agentGpuShareUsd =
        (3.2 *
          (Math.min(at(HOUR_MS).getTime(), now.getTime()) -
            templateRun.getTime())) /
        HOUR_MS /
        2;
      expect(byRef['agent:default/checkout-agent']).toMatchObject({
        servingMode: null,
        costBasis: 'gateway-and-gpu-share-estimate',
        level: null,
      });
      expect(byRef['agent:default/checkout-agent'].spendMtdUsd).toBeCloseTo(
        agentGpuShareUsd,
        5,
      );
      // Listed (the catalog lets the user see it) but without telemetry numbers.
      expect(byRef['agent:default/secret-agent']).toMatchObject({
        telemetryReadable: false,
        spendMtdUsd: null,
        costBasis: null,
        unitCost: null,
        requestsMtd: null,
      });

      // Spend per owning group; the denied agent's $4 is not in security's
      // row. ml-platform's endpoints cost GPU-hours (estimated), not tokens.
      const supportTeam = {
        owner: 'group:default/support',
        modelEndpointSpendMtdUsd: 4,
        agentSpendMtdUsd: expect.closeTo(agentGpuShareUsd, 4),
        modelEndpointCount: 2,
        agentCount: 1,
        selfHostedGpuSpendMtdUsd: 0,
        estimatedSpendMtdUsd: 0,
        idleCostMtdUsd: 0,
      };
      const mlPlatformTeam = {
        owner: 'group:default/ml-platform',
        modelEndpointSpendMtdUsd: llamaGpuUsd,
        agentSpendMtdUsd: 0,
        modelEndpointCount: 2,
        agentCount: 0,
        selfHostedGpuSpendMtdUsd: llamaGpuUsd,
        estimatedSpendMtdUsd: llamaGpuUsd,
        idleCostMtdUsd: 0,
      };
      expect(body.spendByTeam).toEqual(
        llamaGpuUsd > 4 + agentGpuShareUsd
          ? [mlPlatformTeam, supportTeam]
          : [supportTeam, mlPlatformTeam],
      );
      expect(body.gpuCost).toEqual({
        totalMtdUsd: llamaGpuUsd,
        idleMtdUsd: 0,
        measuredEndpointCount: 0,
        estimatedEndpointCount: 2,
        unavailableEndpointCount: 1,
        recommendations: expect.any(Array),
      });

      // Golden paths: per template, per week of the GitOps commit.
      expect(body.goldenPaths.templates).toEqual([
        {
          templateRef: 'template:default/self-hosted-endpoint',
          entityCount: 2,
          undatedEntityCount: 0,
        },
        {
          templateRef: 'template:default/agent-service',
          entityCount: 1,
          undatedEntityCount: 1,
        },
      ]);
      const weeks = [isoWeekStart(templateRun), isoWeekStart(qwenCommit)];
      expect(body.goldenPaths.adoptionByWeek).toEqual(
        weeks[0] === weeks[1]
          ? [
              {
                weekStart: weeks[0],
                templateRef: 'template:default/self-hosted-endpoint',
                entityCount: 2,
              },
            ]
          : weeks.map(weekStart => ({
              weekStart,
              templateRef: 'template:default/self-hosted-endpoint',
              entityCount: 1,
            })),
      );
      const goldenByRef = Object.fromEntries(
        body.goldenPaths.entities.map((row: { entityRef: string }) => [
          row.entityRef,
          row,
        ]),
      );
      expect(goldenByRef['modelendpoint:default/llama-chat']).toEqual({
        entityRef: 'modelendpoint:default/llama-chat',
        kind: 'ModelEndpoint',
        title: 'llama-chat',
        owner: 'group:default/ml-platform',
        templateRef: 'template:default/self-hosted-endpoint',
        createdAt: templateRun.toISOString(),
        createdAtSource: 'gitops-created-time',
        telemetryReadable: true,
        firstTelemetryAt: firstCall.toISOString(),
        firstTelemetryPrecision: 'event',
        timeToFirstInferenceMs: 10 * MINUTE_MS + 500,
      });
      expect(goldenByRef['modelendpoint:default/qwen-tp2']).toMatchObject({
        createdAt: qwenCommit.toISOString(),
        createdAtSource: 'gitops-commit-time',
        firstTelemetryAt: null,
        timeToFirstInferenceMs: null,
      });
      expect(goldenByRef['component:default/hand-registered']).toMatchObject({
        createdAt: null,
        createdAtSource: null,
      });
      expect(body.goldenPaths.timeToFirstInference).toEqual({
        medianMs: 10 * MINUTE_MS + 500,
        withTrafficCount: 1,
        withoutTrafficCount: 1,
        undatedCount: 1,
      });

      // GPUs: replicas x gpusPerReplica of the profile, against team quotas.
      expect(body.gpuAllocation.byClusterAndProfile).toEqual([
        {
          cluster: 'gpu-eu-west-1',
          gpuProfile: 'h100-80gb',
          endpointCount: 1,
          gpusAtMinReplicas: 1,
          gpusAtMaxReplicas: 4,
        },
        {
          cluster: 'gpu-eu-west-1',
          gpuProfile: 'h100-tp2',
          endpointCount: 1,
          gpusAtMinReplicas: 0,
          gpusAtMaxReplicas: 6,
        },
      ]);
      expect(body.gpuAllocation.byTeamAndProfile).toEqual([
        {
          team: 'group:default/ml-platform',
          gpuProfile: 'h100-80gb',
          gpusAtMaxReplicas: 4,
          quotaGpus: 8,
        },
        {
          team: 'group:default/ml-platform',
          gpuProfile: 'h100-tp2',
          gpusAtMaxReplicas: 6,
          quotaGpus: null,
        },
        {
          team: 'group:default/ml-platform',
          gpuProfile: 'l4-24gb',
          gpusAtMaxReplicas: 0,
          quotaGpus: 4,
        },
      ]);
      expect(body.gpuAllocation.incompleteEndpoints).toEqual([
        {
          entityRef: 'modelendpoint:default/no-cluster',
          missing: ['spec.serving.cluster', 'spec.serving.replicas.max'],
        },
      ]);

      // Unattributed telemetry with the spec field that would claim it.
      expect(body.unattributed.allowed).toBe(true);
      expect(
        body.unattributed.items.map((item: Record<string, unknown>) => [
          item.joinKey,
          item.joinKeyKind,
          item.requests,
          item.fixHint,
        ]),
      ).toEqual([
        [
          'gpt-4o-mini',
          'model',
          2,
          'Set spec.gateway.model: gpt-4o-mini on the ModelEndpoint entity that serves this alias',
        ],
        [
          'agt_01',
          'agent',
          1,
          'Set spec.gateway.agentId: agt_01 on the Agent entity that makes these calls',
        ],
      ]);
      expect(body.unattributed.items[0].lastSeenHourStart).toEqual(
        expect.any(String),
      );
    },
  );

  it('leaves out every telemetry number when the user may read none', async () => {
    const now = CLOCKS[1][1];
    const { server, store } = await startBackend({
      databaseId: 'SQLITE_3',
      now,
      deniedRefs: ENTITY_REFS,
      unattributed: AuthorizeResult.DENY,
    });
    await store.insertEvents([call('first', scenario(now).firstCall)]);

    const response = await request(server)
      .get('/api/ai-platform/fleet/summary')
      .set('Authorization', USER);
    expect(response.status).toBe(200);
    expect(response.body.telemetryAccess).toEqual({
      readableEntityCount: 0,
      deniedEntityCount: 7,
    });
    expect(response.body.spendByTeam).toEqual([]);
    expect(
      response.body.fleet.every(
        (row: { spendMtdUsd: unknown }) => row.spendMtdUsd === null,
      ),
    ).toBe(true);
    expect(response.body.goldenPaths.timeToFirstInference).toMatchObject({
      medianMs: null,
      withTrafficCount: 0,
    });
    expect(response.body.unattributed).toMatchObject({
      allowed: false,
      items: [],
    });
    // Catalog data is not telemetry: GPU allocation is still shown.
    expect(response.body.gpuAllocation.byClusterAndProfile).toHaveLength(2);
  });
});

describe('isoWeekStart', () => {
  it.each([
    ['2026-11-23T10:00:00Z', '2026-11-23'], // Monday
    ['2026-11-29T23:59:59Z', '2026-11-23'], // Sunday
    ['2026-11-01T00:00:00Z', '2026-10-26'], // Sunday, previous month
  ])('%s is in the week of %s', (time, week) => {
    expect(isoWeekStart(new Date(time))).toBe(week);
  });
});
