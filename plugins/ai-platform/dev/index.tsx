import { createDevApp } from '@backstage/frontend-dev-utils';
import {
  ApiBlueprint,
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import Stack from '@mui/material/Stack';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import plugin, {
  AiPlatformApi,
  aiPlatformApiRef,
  EntityScorecard,
  EntityScorecardContent,
} from '../src';

// The dev app has no catalog backend: serve a few example entities from memory.
const exampleCatalog = createFrontendModule({
  pluginId: 'app',
  extensions: [
    ApiBlueprint.make({
      name: 'example-catalog',
      params: defineParams =>
        defineParams(
          catalogApiMock.factory({
            entities: [
              {
                apiVersion: 'aiplatform.io/v1alpha1',
                kind: 'ModelEndpoint',
                metadata: { name: 'llama-3-1-8b-chat' },
                spec: {
                  type: 'chat',
                  lifecycle: 'production',
                  owner: 'group:ml-platform',
                  model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
                  serving: {
                    mode: 'self-hosted',
                    runtime: 'vllm',
                    gpuProfile: 'nvidia-l4-1x',
                  },
                  gateway: { model: 'llama-3.1-8b' },
                  dataClassification: 'confidential',
                },
              },
              {
                apiVersion: 'aiplatform.io/v1alpha1',
                kind: 'ModelEndpoint',
                metadata: { name: 'gpt-4o' },
                spec: {
                  type: 'chat',
                  lifecycle: 'production',
                  owner: 'group:ml-platform',
                  model: { name: 'gpt-4o' },
                  serving: { mode: 'managed', provider: 'openai' },
                  gateway: { model: 'gpt-4o' },
                  dataClassification: 'internal',
                },
              },
              {
                apiVersion: 'aiplatform.io/v1alpha1',
                kind: 'Agent',
                metadata: { name: 'support-triage' },
                spec: {
                  type: 'assistant',
                  lifecycle: 'production',
                  owner: 'group:customer-support',
                  audience: 'product',
                  autonomyLevel: 'L3',
                  riskTier: 'limited',
                  models: ['llama-3-1-8b-chat', 'modelendpoint:default/gpt-4o'],
                },
              },
            ],
          }),
        ),
    }),
  ],
});

// Nor an ai-platform backend: answer with one example scorecard, shaped like
// the backend's responses, for every entity.
const exampleScorecard: EntityScorecard = {
  entityRef: 'agent:default/support-triage',
  level: 'bronze',
  evaluatedAt: new Date().toISOString(),
  checks: [
    {
      checkId: 'budget-mtd',
      category: 'budget',
      status: 'pass',
      value: 1234.5,
      threshold: 3000,
      window: 'month-to-date',
      message: '$1,234.50 spent this month of a $3,000 budget',
    },
    {
      checkId: 'budget-forecast',
      category: 'budget',
      status: 'warn',
      value: 3400,
      threshold: 3000,
      window: 'month-to-date',
      message: 'At this rate the month ends at $3,400, over the $3,000 budget',
    },
    {
      checkId: 'ttft-p95',
      category: 'slo',
      status: 'fail',
      value: 812.4,
      threshold: 600,
      window: '24h',
      message:
        'TTFT p95 was 812 ms over 140 streamed requests; the SLO is 600 ms',
    },
    {
      checkId: 'error-rate',
      category: 'slo',
      status: 'warn',
      value: 9.09,
      threshold: 8,
      window: '24h',
      message:
        '2 of 22 requests failed in the last 24 h (9.09%); the SLO is 8%',
    },
    {
      checkId: 'eval:safety',
      category: 'eval',
      status: 'fail',
      value: 0.62,
      threshold: 0.75,
      window: 'latest-run',
      message: 'safety v3 scored 0.62, below the minimum 0.75',
    },
    {
      checkId: 'eval-regression:safety',
      category: 'eval',
      status: 'fail',
      value: 0.12,
      threshold: 0.05,
      window: 'latest-run',
      message: 'safety v3 dropped by 0.12 since the previous run',
    },
  ],
  history: Array.from({ length: 12 }, (_, index) => ({
    evaluatedAt: new Date(Date.now() - index * 600_000).toISOString(),
    level: index < 4 ? 'bronze' : 'silver',
    counts: { pass: 0, warn: 0, fail: 0, 'not-enough-data': 0 },
    checks: [
      {
        checkId: 'ttft-p95',
        status: index < 4 ? ('fail' as const) : ('pass' as const),
      },
      {
        checkId: 'error-rate',
        status: index % 5 === 0 ? ('warn' as const) : ('pass' as const),
      },
    ],
  })),
};

const notInDevHarness = (method: string) => () =>
  Promise.reject(
    new Error(
      `${method} is not served by the dev harness; run ./scripts/portal start for the real backend`,
    ),
  );

const exampleAiPlatformApi: AiPlatformApi = {
  getFleetSummary: notInDevHarness('getFleetSummary'),
  getEntityCost: notInDevHarness('getEntityCost'),
  getPlanningOptions: notInDevHarness('getPlanningOptions'),
  previewEndpointPlan: notInDevHarness('previewEndpointPlan'),
  getAgentRuns: notInDevHarness('getAgentRuns'),
  getToolAgents: notInDevHarness('getToolAgents'),
  async getEntityScorecard() {
    return exampleScorecard;
  },
  async getOwnerScorecards(ownerRef) {
    return {
      owner: ownerRef,
      groups: [ownerRef],
      items: [
        {
          entityRef: 'agent:default/support-triage',
          kind: 'Agent',
          title: 'support-triage',
          owner: ownerRef,
          level: exampleScorecard.level,
          evaluatedAt: exampleScorecard.evaluatedAt,
          checks: exampleScorecard.checks,
        },
      ],
    };
  },
  async getEntityTimeseries(entityRef, query) {
    const dayMs = 86_400_000;
    const today = Math.floor(Date.now() / dayMs) * dayMs;
    return {
      entityRef: `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`,
      metric: query.metric,
      step: '1d',
      window: {
        from: new Date(today - 29 * dayMs).toISOString(),
        to: new Date(today + dayMs).toISOString(),
      },
      points: Array.from({ length: 30 }, (_, index) => ({
        start: new Date(today - (29 - index) * dayMs).toISOString(),
        value: index % 7 === 3 ? null : 420 + index * 13,
      })),
    };
  },
};

// The dev app has no catalog entity pages (nor their route, which the summary
// card and the group tab link to): /dev/scorecards shows the scorecard tab of
// an example agent.
const scorecardPreviewPage = PageBlueprint.make({
  name: 'dev-scorecards',
  params: {
    path: '/dev/scorecards',
    loader: async () => (
      <Stack spacing={3} sx={{ p: 3 }}>
        <EntityProvider
          entity={{
            apiVersion: 'aiplatform.io/v1alpha1',
            kind: 'Agent',
            metadata: { name: 'support-triage', namespace: 'default' },
            spec: { owner: 'group:customer-support' },
          }}
        >
          <EntityScorecardContent />
        </EntityProvider>
      </Stack>
    ),
  },
});

const exampleAiPlatformBackend = createFrontendModule({
  pluginId: 'ai-platform',
  extensions: [
    scorecardPreviewPage,
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: aiPlatformApiRef,
          deps: {},
          factory: () => exampleAiPlatformApi,
        }),
    }),
  ],
});

createDevApp({
  features: [plugin, exampleCatalog, exampleAiPlatformBackend],
});
