import { ResponseError } from '@backstage/errors';
import { AiPlatformApi, EntityScorecard, TelemetryTimeseries } from '../api';
import type { PlanningOptions, PlanningPreview } from '../api';
import { llamaCostResponse } from './costFixtures';
import { fleetSummaryFixture } from './fleetSummaryFixture';
import {
  supportTriageAgentRuns,
  ticketingToolAgents,
} from './agentRunFixtures';

// Responses shaped like the ai-platform backend's
// (plugins/ai-platform-backend/src/service/scorecardRouter.ts).

export const supportTriageScorecard: EntityScorecard = {
  entityRef: 'agent:default/support-triage-agent',
  level: 'bronze',
  evaluatedAt: '2026-11-23T10:00:00.000Z',
  checks: [
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
      checkId: 'eval:helpfulness',
      category: 'eval',
      status: 'pass',
      value: 0.91,
      threshold: 0.8,
      window: 'latest-run',
      message: 'helpfulness v2 scored 0.91 (minimum 0.8)',
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
  history: [
    {
      evaluatedAt: '2026-11-23T10:00:00.000Z',
      level: 'bronze',
      counts: { pass: 2, warn: 2, fail: 3, 'not-enough-data': 0 },
      checks: [
        { checkId: 'ttft-p95', status: 'fail' },
        { checkId: 'error-rate', status: 'warn' },
      ],
    },
    {
      evaluatedAt: '2026-11-23T09:50:00.000Z',
      level: 'silver',
      counts: { pass: 1, warn: 1, fail: 0, 'not-enough-data': 0 },
      checks: [
        { checkId: 'ttft-p95', status: 'warn' },
        { checkId: 'error-rate', status: 'pass' },
      ],
    },
    {
      evaluatedAt: '2026-11-23T09:40:00.000Z',
      level: 'gold',
      counts: { pass: 2, warn: 0, fail: 0, 'not-enough-data': 0 },
      checks: [
        { checkId: 'ttft-p95', status: 'pass' },
        { checkId: 'error-rate', status: 'not-enough-data' },
      ],
    },
  ],
};

export const ttftTimeseries: TelemetryTimeseries = {
  entityRef: 'agent:default/support-triage-agent',
  metric: 'ttft_p95_ms',
  step: '1d',
  window: {
    from: '2026-11-21T00:00:00.000Z',
    to: '2026-11-24T00:00:00.000Z',
  },
  points: [
    { start: '2026-11-21T00:00:00.000Z', value: 420 },
    { start: '2026-11-22T00:00:00.000Z', value: null },
    { start: '2026-11-23T00:00:00.000Z', value: 812.4 },
  ],
};

// Shaped like plugins/ai-platform-backend/src/service/planningRouter.ts answers for the demo
// aiPlatform config of app-config.yaml.

export const planningOptions: PlanningOptions = {
  gpuMemoryUtilization: 0.92,
  hoursPerMonth: 730,
  models: [
    {
      name: 'meta-llama/Llama-3.1-8B-Instruct',
      type: 'chat',
      parametersBillions: 8.03,
      license: 'llama3.1',
      defaultContextTokens: 8192,
      maxContextTokens: 131072,
      maxDataClassification: 'confidential',
    },
    {
      name: 'meta-llama/Llama-3.1-70B-Instruct',
      type: 'chat',
      parametersBillions: 70.6,
      license: 'llama3.1',
      defaultContextTokens: 8192,
      maxContextTokens: 131072,
      maxDataClassification: 'internal',
    },
    {
      name: 'BAAI/bge-m3',
      type: 'embedding',
      parametersBillions: 0.57,
      license: 'mit',
      defaultContextTokens: 8192,
      maxContextTokens: 8192,
      maxDataClassification: 'confidential',
    },
  ],
  gpuProfiles: [
    {
      id: 'h100-80gb',
      title: 'NVIDIA H100 80GB (whole GPU)',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 79.1,
      gpusPerReplica: 1,
      hourlyCostUsd: 3.2,
    },
    {
      id: 'l4-24gb',
      title: 'NVIDIA L4 24GB',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 22.49,
      gpusPerReplica: 1,
      hourlyCostUsd: 0.8,
    },
  ],
  clusters: [
    {
      name: 'gpu-eu-west-1',
      region: 'eu-west-1',
      gpuProfiles: ['h100-80gb', 'l4-24gb'],
      allowedDataClassifications: ['public', 'internal', 'confidential'],
    },
  ],
  runtimes: ['vllm', 'kserve', 'kserve-llm'],
  dataClassifications: ['public', 'internal', 'confidential', 'restricted'],
};

/** Llama 3.1 8B with an 8192-token context on one L4, 1 to 2 replicas: fits. */
export const llama8bOnL4Preview: PlanningPreview = {
  approved: true,
  fits: true,
  contextTokens: 8192,
  maxConcurrentSequences: 1,
  tensorParallelSize: 1,
  replicas: { min: 1, max: 2 },
  memoryFit: {
    fits: true,
    weightsGiB: 14.957040548324585,
    kvCacheGiB: 1,
    weightsGiBPerGpu: 14.957040548324585,
    kvCacheGiBPerGpu: 1,
    overheadGiBPerGpu: 2,
    requiredGiBPerGpu: 17.957040548324585,
    availableGiBPerGpu: 20.6908,
    kvCacheBytesPerToken: 131072,
    maxConcurrentSequences: 3,
    summary:
      'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
  },
  cost: {
    gpuHourUsd: 0.8,
    gpusPerReplica: 1,
    hoursPerMonth: 730,
    monthlyMinUsd: 584,
    monthlyMaxUsd: 1168,
  },
  decisions: [
    {
      rule: 'memory-fit',
      outcome: 'pass',
      message:
        'meta-llama/Llama-3.1-8B-Instruct with 8192 tokens × 1 sequence(s) on l4-24gb fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
    },
  ],
  deferredChecks: [
    {
      rule: 'policy:max-eight-replicas',
      message:
        'Checked when the template runs: An endpoint may scale to at most 8 replicas',
    },
  ],
};

/** Llama 3.1 8B with a 131072-token context on one L4: does not fit. */
export const llama8bLongContextOnL4Preview: PlanningPreview = {
  ...llama8bOnL4Preview,
  approved: false,
  fits: false,
  contextTokens: 131072,
  memoryFit: {
    ...llama8bOnL4Preview.memoryFit!,
    fits: false,
    kvCacheGiB: 16,
    kvCacheGiBPerGpu: 16,
    requiredGiBPerGpu: 32.957040548324585,
    maxConcurrentSequences: 0,
    summary:
      'does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable',
  },
  decisions: [
    {
      rule: 'memory-fit',
      outcome: 'fail',
      message:
        'meta-llama/Llama-3.1-8B-Instruct with 131072 tokens × 1 sequence(s) on l4-24gb does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable; at this context at most 0 sequence(s) fit. Lower contextTokens, raise tensorParallelSize or pick a larger GPU profile',
    },
  ],
};

/** A ResponseError like the fetch of a backend error response gives. */
export async function backendResponseError(
  statusCode: number,
  message: string,
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: {
      name: statusCode === 403 ? 'NotAllowedError' : 'Error',
      message,
    },
    response: { statusCode },
  });
  return ResponseError.fromResponse({
    ok: false,
    status: statusCode,
    statusText: statusCode === 403 ? 'Forbidden' : 'Internal Server Error',
    url: 'http://localhost:7007/api/ai-platform',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => body,
  } as unknown as Response);
}

/**
 * An AiPlatformApi whose methods are jest mocks: `overrides`, else answers
 * with the fixtures above.
 */
export function createMockAiPlatformApi(
  overrides: Partial<AiPlatformApi> = {},
) {
  return {
    getEntityScorecard: jest.fn<
      ReturnType<AiPlatformApi['getEntityScorecard']>,
      Parameters<AiPlatformApi['getEntityScorecard']>
    >(overrides.getEntityScorecard ?? (async () => supportTriageScorecard)),
    getEntityCost: jest.fn<
      ReturnType<AiPlatformApi['getEntityCost']>,
      Parameters<AiPlatformApi['getEntityCost']>
    >(overrides.getEntityCost ?? (async () => llamaCostResponse)),
    getOwnerScorecards: jest.fn<
      ReturnType<AiPlatformApi['getOwnerScorecards']>,
      Parameters<AiPlatformApi['getOwnerScorecards']>
    >(
      overrides.getOwnerScorecards ??
        (async () => ({
          owner: 'group:default/customer-support',
          groups: ['group:default/customer-support'],
          items: [],
        })),
    ),
    getEntityTimeseries: jest.fn<
      ReturnType<AiPlatformApi['getEntityTimeseries']>,
      Parameters<AiPlatformApi['getEntityTimeseries']>
    >(overrides.getEntityTimeseries ?? (async () => ttftTimeseries)),
    getPlanningOptions: jest.fn<
      ReturnType<AiPlatformApi['getPlanningOptions']>,
      Parameters<AiPlatformApi['getPlanningOptions']>
    >(overrides.getPlanningOptions ?? (async () => planningOptions)),
    previewEndpointPlan: jest.fn<
      ReturnType<AiPlatformApi['previewEndpointPlan']>,
      Parameters<AiPlatformApi['previewEndpointPlan']>
    >(overrides.previewEndpointPlan ?? (async () => llama8bOnL4Preview)),
    getFleetSummary: jest.fn<
      ReturnType<AiPlatformApi['getFleetSummary']>,
      Parameters<AiPlatformApi['getFleetSummary']>
    >(overrides.getFleetSummary ?? (async () => fleetSummaryFixture)),
    getAgentRuns: jest.fn<
      ReturnType<AiPlatformApi['getAgentRuns']>,
      Parameters<AiPlatformApi['getAgentRuns']>
    >(overrides.getAgentRuns ?? (async () => supportTriageAgentRuns)),
    getToolAgents: jest.fn<
      ReturnType<AiPlatformApi['getToolAgents']>,
      Parameters<AiPlatformApi['getToolAgents']>
    >(overrides.getToolAgents ?? (async () => ticketingToolAgents)),
  } satisfies AiPlatformApi;
}

/** The number of requests the mock has answered. */
export function requestCount(api: ReturnType<typeof createMockAiPlatformApi>) {
  return (
    api.getEntityScorecard.mock.calls.length +
    api.getEntityCost.mock.calls.length +
    api.getOwnerScorecards.mock.calls.length +
    api.getEntityTimeseries.mock.calls.length
  );
}
