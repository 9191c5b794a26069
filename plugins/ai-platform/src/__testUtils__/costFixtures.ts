import type {
  EntityCost,
  EntityCostResponse,
} from '@ai-platform/plugin-ai-platform-common';
import { EntityScorecard } from '../api';

// Cost answers shaped like the wire types of
// plugins/ai-platform-common/src/wire/cost.ts, for the self-hosted
// llamaEndpoint of aiEntityFixtures (H100 at 3.20 USD per GPU-hour, 1 GPU
// per replica). The month to date is 2026-11-01 00:00 to 2026-11-23 10:00
// UTC: 538 h; November has 720 h.

const HOURS_MTD = 538;
const GPU_HOUR_USD = 3.2;
const UTILISATION_PERCENT = 23.5;
const OUTPUT_TOKENS = 2_400_000;
const REQUESTS = 4000;
const costUsd = HOURS_MTD * GPU_HOUR_USD;
const window = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-23T10:00:00.000Z',
};

/** GPU-hours measured by Prometheus, with utilisation and saturation. */
export const llamaMeasuredCost: EntityCost = {
  entityRef: 'modelendpoint:default/llama-3-1-8b-instruct',
  kind: 'ModelEndpoint',
  title: 'Llama 3.1 8B Instruct (H100)',
  type: 'chat',
  servingMode: 'self-hosted',
  costUsd,
  basis: 'gpu-hours-prometheus',
  unavailableReason: null,
  gpu: {
    gpuHourUsd: GPU_HOUR_USD,
    priceSource: 'entity-pricing',
    gpuProfile: 'h100-80gb',
    gpusPerReplica: 1,
    gpuHours: HOURS_MTD,
    gpuHoursSource: 'prometheus',
    costUsd,
    forecastMonthUsd: (costUsd / HOURS_MTD) * 720,
    basis:
      'sum_over_time of kube_pod_container_resource_requests{resource="nvidia_com_gpu"} on gpu-eu-west-1: 538 GPU-hours × 3.20 USD per GPU-hour',
    window,
    utilisationPercent: {
      value: UTILISATION_PERCENT,
      window: '7d',
      metric: 'DCGM_FI_DEV_GPU_UTIL',
      source: 'prometheus',
    },
    idleCostUsd: HOURS_MTD * (1 - UTILISATION_PERCENT / 100) * GPU_HOUR_USD,
  },
  unitCost: {
    perMillionOutputTokensUsd: costUsd / (OUTPUT_TOKENS / 1e6),
    perThousandRequestsUsd: costUsd / (REQUESTS / 1000),
    costUsd,
    outputTokens: OUTPUT_TOKENS,
    requests: REQUESTS,
    basis: 'gpu-hours-prometheus',
  },
  saturation: {
    kvCacheUsagePercent: {
      value: 41.5,
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
  },
  rightSizing: [
    {
      kind: 'gpu-profile',
      from: 'h100-80gb',
      to: 'l4-24gb',
      monthlySavingUsd: (3.2 - 0.8) * 730,
      reason:
        'needs 18.4 GiB of 22.5 GiB usable on l4-24gb at 8,192 tokens of context',
    },
  ],
};

/** No Prometheus: GPU-hours estimated from the spec, no traffic yet. */
export const llamaEstimatedCost: EntityCost = {
  ...llamaMeasuredCost,
  basis: 'gpu-hours-spec-estimate',
  gpu: {
    ...llamaMeasuredCost.gpu!,
    priceSource: 'gpu-profile',
    gpuHoursSource: 'spec-estimate',
    forecastMonthUsd: 720 * GPU_HOUR_USD,
    basis:
      'Estimated from the spec: 1 replica (replicas.min) × 1 GPU × 538.0 h since 2026-11-01 00:00 UTC × 3.20 USD per GPU-hour',
    utilisationPercent: null,
    idleCostUsd: null,
  },
  unitCost: {
    perMillionOutputTokensUsd: null,
    perThousandRequestsUsd: null,
    costUsd,
    outputTokens: 0,
    requests: 0,
    basis: 'gpu-hours-spec-estimate',
  },
  saturation: { kvCacheUsagePercent: null, waitingRequests: null },
  rightSizing: [],
};

/** Prometheus applies but cannot answer. */
export const llamaUnavailableCost: EntityCost = {
  ...llamaMeasuredCost,
  costUsd: null,
  basis: 'unavailable',
  unavailableReason:
    'Prometheus of cluster gpu-eu-west-1 (http://prometheus:9090) did not answer: connect ECONNREFUSED',
  gpu: null,
  unitCost: null,
  saturation: null,
  rightSizing: [],
};

/** `GET /cost/by-entity/modelendpoint/default/llama-3-1-8b-instruct`. */
export const llamaCostResponse: EntityCostResponse = {
  cost: llamaMeasuredCost,
  comparisons: [
    {
      entityRef: 'modelendpoint:default/gpt-4o-mini',
      title: 'GPT-4o mini',
      servingMode: 'managed',
      model: 'gpt-4o-mini',
      unitCost: {
        perMillionOutputTokensUsd: 12 / 20,
        perThousandRequestsUsd: 12 / 30,
        costUsd: 12,
        outputTokens: 20_000_000,
        requests: 30_000,
        basis: 'gateway',
      },
    },
    {
      entityRef: 'modelendpoint:default/mistral-7b-l4',
      title: 'Mistral 7B (L4)',
      servingMode: 'self-hosted',
      model: 'mistralai/Mistral-7B-Instruct-v0.3',
      unitCost: {
        perMillionOutputTokensUsd: null,
        perThousandRequestsUsd: null,
        costUsd: 430.4,
        outputTokens: 0,
        requests: 0,
        basis: 'gpu-hours-spec-estimate',
      },
    },
  ],
  window,
};

/** The Llama endpoint's scorecard: GPU budget checks and the efficiency checks. */
export const llamaScorecard: EntityScorecard = {
  entityRef: 'modelendpoint:default/llama-3-1-8b-instruct',
  level: 'silver',
  evaluatedAt: '2026-11-23T10:00:00.000Z',
  checks: [
    {
      checkId: 'budget-mtd',
      category: 'budget',
      status: 'pass',
      value: costUsd,
      threshold: 9000,
      window: 'month-to-date',
      message: '1,721.60 USD of GPU time this month of a 9,000.00 USD budget',
      source: 'prometheus',
    },
    {
      checkId: 'gpu-idle',
      category: 'efficiency',
      status: 'warn',
      value: UTILISATION_PERCENT,
      threshold: 30,
      window: '7d',
      message:
        'Mean GPU utilisation was 23.5 % over 7 days, below 30 %: 1,317.02 USD of this month’s GPU time was idle',
      source: 'prometheus',
    },
    {
      checkId: 'saturation',
      category: 'efficiency',
      status: 'pass',
      value: 41.5,
      threshold: 90,
      window: '1h',
      message:
        'KV cache at most 41.5 % (threshold 90 %) and no waiting requests (threshold 5) over 1 h',
      source: 'prometheus',
    },
  ],
  history: [],
  cost: llamaMeasuredCost,
};
