import { EntityCostDetail } from '../../cost/EntityCostService';
import { readingOutcome } from '../../cost/gpuReadings';
import {
  SATURATION_WINDOW,
  UTILISATION_WINDOW,
} from '../../cost/selfHostedCost';
import { ScorecardCheckResult } from '../types';
import { round } from './checkFormat';

/**
 * Thresholds of the efficiency checks, under
 * `aiPlatform.scorecards.efficiency`.
 *
 * @internal
 */
export interface EfficiencyThresholds {
  /** `gpu-idle` warns when the mean GPU utilisation over 7 days is below this percent. */
  gpuIdleBelowPercent: number;
  /** `saturation` warns when the KV-cache usage over 1 hour is above this percent. */
  kvCacheAbovePercent: number;
  /** `saturation` warns when the mean waiting requests over 1 hour are above this. */
  waitingRequestsAbove: number;
}

/**
 * Defaults of {@link EfficiencyThresholds}.
 *
 * @internal
 */
export const DEFAULT_EFFICIENCY_THRESHOLDS: EfficiencyThresholds = {
  gpuIdleBelowPercent: 20,
  kvCacheAbovePercent: 90,
  waitingRequestsAbove: 5,
};

const NO_PROMETHEUS =
  "No Prometheus answers for this endpoint's cluster: configure aiPlatform.telemetry.prometheus for it to measure";

function gpuIdleCheck(
  detail: EntityCostDetail,
  thresholdPercent: number,
): ScorecardCheckResult {
  const base = {
    checkId: 'gpu-idle',
    category: 'efficiency' as const,
    threshold: thresholdPercent,
    window: UTILISATION_WINDOW.label,
    source: 'prometheus' as const,
  };
  if (!detail.measurement) {
    return {
      ...base,
      status: 'not-enough-data',
      value: null,
      message: `${NO_PROMETHEUS} GPU utilisation (DCGM_FI_DEV_GPU_UTIL)`,
    };
  }
  const reading = readingOutcome(
    detail.measurement.utilisationPercent,
    'DCGM_FI_DEV_GPU_UTIL',
  );
  if ('unavailable' in reading) {
    return {
      ...base,
      status: 'source-unavailable',
      value: null,
      message: reading.unavailable,
    };
  }
  if ('noSeries' in reading) {
    return {
      ...base,
      status: 'not-enough-data',
      value: null,
      message: reading.noSeries,
    };
  }
  const value = round(reading.value, 1);
  const idle = detail.cost.gpu?.idleCostUsd;
  const idleText =
    idle === null || idle === undefined
      ? ''
      : `; ${idle.toFixed(2)} USD of this month's GPU cost was idle`;
  return {
    ...base,
    status: reading.value < thresholdPercent ? 'warn' : 'pass',
    value,
    message: `Mean GPU utilisation over the last ${UTILISATION_WINDOW.label} is ${value}% (${reading.metric}); below ${thresholdPercent}% warns${idleText}`,
  };
}

function saturationCheck(
  detail: EntityCostDetail,
  thresholds: EfficiencyThresholds,
): ScorecardCheckResult {
  const base = {
    checkId: 'saturation',
    category: 'efficiency' as const,
    threshold: thresholds.kvCacheAbovePercent,
    window: SATURATION_WINDOW.label,
    source: 'prometheus' as const,
  };
  if (!detail.measurement) {
    return {
      ...base,
      status: 'not-enough-data',
      value: null,
      message: `${NO_PROMETHEUS} KV-cache usage and waiting requests (vLLM)`,
    };
  }
  const kv = readingOutcome(
    detail.measurement.kvCacheUsagePercent,
    'vllm:kv_cache_usage_perc',
  );
  const waiting = readingOutcome(
    detail.measurement.waitingRequests,
    'vllm:num_requests_waiting',
  );
  if (!('value' in kv) && !('value' in waiting)) {
    const failed = 'unavailable' in kv ? kv : waiting;
    if ('unavailable' in failed) {
      return {
        ...base,
        status: 'source-unavailable',
        value: null,
        message: failed.unavailable,
      };
    }
    return {
      ...base,
      status: 'not-enough-data',
      value: null,
      message: `No KV-cache or queue series for this endpoint's pods (${kv.metric}, ${waiting.metric})`,
    };
  }
  const kvText =
    'value' in kv
      ? `KV-cache usage ${round(kv.value, 1)}% (${kv.metric}, warn above ${
          thresholds.kvCacheAbovePercent
        }%)`
      : `KV-cache usage unknown: ${
          'unavailable' in kv ? kv.unavailable : kv.noSeries
        }`;
  const waitingText =
    'value' in waiting
      ? `${round(waiting.value, 1)} requests waiting on average (${
          waiting.metric
        }, warn above ${thresholds.waitingRequestsAbove})`
      : `waiting requests unknown: ${
          'unavailable' in waiting ? waiting.unavailable : waiting.noSeries
        }`;
  const saturated =
    ('value' in kv && kv.value > thresholds.kvCacheAbovePercent) ||
    ('value' in waiting && waiting.value > thresholds.waitingRequestsAbove);
  return {
    ...base,
    status: saturated ? 'warn' : 'pass',
    value: 'value' in kv ? round(kv.value, 1) : null,
    message: `Over the last ${
      SATURATION_WINDOW.label
    }: ${kvText}; ${waitingText}${
      saturated ? ': the endpoint is saturated, add replicas or GPUs' : ''
    }`,
  };
}

/**
 * `gpu-idle` and `saturation` of a self-hosted ModelEndpoint from its GPU
 * readings (Prometheus); none for other entities.
 *
 * @internal
 */
export function efficiencyChecks(
  detail: EntityCostDetail,
  thresholds: EfficiencyThresholds,
): ScorecardCheckResult[] {
  if (detail.cost.servingMode !== 'self-hosted') {
    return [];
  }
  return [
    gpuIdleCheck(detail, thresholds.gpuIdleBelowPercent),
    saturationCheck(detail, thresholds),
  ];
}
