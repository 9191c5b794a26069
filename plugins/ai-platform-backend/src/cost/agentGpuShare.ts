import {
  AgentGpuShare,
  AiPlatformConfig,
  EndpointCostBasis,
  formatCount,
  GpuHoursSource,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import { AgentEndpointHour } from '../database/TelemetryStore';
import { GpuHourlyReading } from '../domain/gpuTelemetry';
import { resolveGpuPricing } from './gpuPricing';
import { roundTo } from './selfHostedCost';
import { estimateGpuHoursFromSpec } from './specEstimate';

const HOUR_MS = 60 * 60 * 1000;

/** USD for a sentence: cents from 1 USD up, three significant digits below. */
function usdText(value: number): string {
  if (value === 0 || Math.abs(value) >= 1) {
    return value.toFixed(2);
  }
  return String(Number(value.toPrecision(3)));
}

/**
 * The GPU cost of each hour of one self-hosted endpoint, or why it is not
 * known.
 *
 * @internal
 */
export type EndpointHourlyGpuCost =
  | {
      /** USD of the hour starting at `hourStartMs`: its GPU-hours × price. */
      hourCostUsd: (hourStartMs: number) => number;
      gpuHoursSource: GpuHoursSource;
    }
  | { unavailable: string; sourceFailed: boolean };

/**
 * Hourly GPU cost from the spec estimate: `replicas.min` × GPUs per replica
 * × price for every hour the allocation is held (from max(month start,
 * created time) to `now`; the first and the current hour count only their
 * part). Summed over the month it is the endpoint's estimated cost.
 *
 * @internal
 */
export function specEstimateHourlyGpuCost(
  entity: Entity,
  platform: AiPlatformConfig,
  now: Date,
): EndpointHourlyGpuCost {
  const priced = resolveGpuPricing(entity, platform);
  if ('problem' in priced) {
    return { unavailable: priced.problem, sourceFailed: false };
  }
  const { pricing } = priced;
  const estimate = estimateGpuHoursFromSpec(
    entity,
    pricing.gpusPerReplica,
    now,
  );
  if ('problem' in estimate) {
    return { unavailable: estimate.problem, sourceFailed: false };
  }
  const fromMs = estimate.from.getTime();
  const toMs = now.getTime();
  const perHourUsd =
    estimate.replicasMin * estimate.gpusPerReplica * pricing.gpuHourUsd;
  return {
    gpuHoursSource: 'spec-estimate',
    hourCostUsd: hourStartMs => {
      const heldMs =
        Math.min(hourStartMs + HOUR_MS, toMs) - Math.max(hourStartMs, fromMs);
      return heldMs > 0 ? (perHourUsd * heldMs) / HOUR_MS : 0;
    },
  };
}

/**
 * Hourly GPU cost from Prometheus: each hour's GPU-hours held × price.
 *
 * @param reading - `undefined` when the telemetry cannot read hours
 * @internal
 */
export function prometheusHourlyGpuCost(
  entity: Entity,
  platform: AiPlatformConfig,
  reading: GpuHourlyReading | undefined,
): EndpointHourlyGpuCost {
  const priced = resolveGpuPricing(entity, platform);
  if ('problem' in priced) {
    return { unavailable: priced.problem, sourceFailed: false };
  }
  if (!reading) {
    return {
      unavailable: 'The GPU telemetry gives no GPU-hours per hour',
      sourceFailed: true,
    };
  }
  if ('unavailable' in reading) {
    return { unavailable: reading.unavailable, sourceFailed: true };
  }
  const { gpuHourUsd } = priced.pricing;
  return {
    gpuHoursSource: 'prometheus',
    hourCostUsd: hourStartMs =>
      (reading.gpuHoursByHour.get(hourStartMs) ?? 0) * gpuHourUsd,
  };
}

/**
 * The month-to-date cost of one Agent with its share of self-hosted GPU
 * cost, or why it cannot be given.
 *
 * @internal
 */
export type AgentCostOutcome =
  | {
      costUsd: number;
      basis: EndpointCostBasis;
      gpuShare: AgentGpuShare | null;
    }
  | {
      unavailable: string;
      sourceFailed: boolean;
      gpuShare: AgentGpuShare | null;
    };

/**
 * An Agent's month-to-date cost: the gateway's cost of its calls, except
 * that a call to a self-hosted endpoint costs, per hour, (the agent's
 * tokens to the endpoint in that hour ÷ all tokens the endpoint served in
 * that hour) × the endpoint's GPU cost of that hour. An hour in which the
 * endpoint served no token gives the agent no share. Endpoints absent from
 * `endpointCosts` (managed, unknown to the catalog) keep the gateway's
 * cost.
 *
 * @param gatewayCostUsd - the agent's month-to-date gateway cost, all calls
 * @param hours - the agent's calls per endpoint and hour this month
 * @param endpointCosts - hourly GPU cost of each self-hosted endpoint called
 * @param endpointTokens - tokens of each self-hosted endpoint per hour start
 * @internal
 */
export function agentCostWithGpuShare(options: {
  gatewayCostUsd: number;
  hours: AgentEndpointHour[];
  endpointCosts: Map<string, EndpointHourlyGpuCost>;
  endpointTokens: Map<string, Map<number, number>>;
}): AgentCostOutcome {
  const { gatewayCostUsd, hours, endpointCosts, endpointTokens } = options;
  const perEndpoint = new Map<string, AgentGpuShare['endpoints'][number]>();
  let replacedGatewayCostUsd = 0;
  let gpuShareCostUsd = 0;
  const unavailable: Array<{ reason: string; sourceFailed: boolean }> = [];
  for (const hour of hours) {
    const hourly = endpointCosts.get(hour.endpointRef);
    if (!hourly) {
      continue;
    }
    replacedGatewayCostUsd += hour.costUsd;
    if ('unavailable' in hourly) {
      if (!perEndpoint.has(hour.endpointRef)) {
        unavailable.push({
          reason: `The share of ${hour.endpointRef}'s GPU cost is not known: ${hourly.unavailable}`,
          sourceFailed: hourly.sourceFailed,
        });
        perEndpoint.set(hour.endpointRef, {
          endpointRef: hour.endpointRef,
          gpuHoursSource: hourly.sourceFailed ? 'prometheus' : 'spec-estimate',
          hours: 0,
          agentTokens: 0,
          endpointTokens: 0,
          shareCostUsd: 0,
        });
      }
      continue;
    }
    const agentTokens = hour.inputTokens + hour.outputTokens;
    const servedTokens =
      endpointTokens.get(hour.endpointRef)?.get(hour.hourStartMs) ?? 0;
    const share =
      servedTokens > 0
        ? (Math.min(agentTokens, servedTokens) / servedTokens) *
          hourly.hourCostUsd(hour.hourStartMs)
        : 0;
    gpuShareCostUsd += share;
    const entry = perEndpoint.get(hour.endpointRef) ?? {
      endpointRef: hour.endpointRef,
      gpuHoursSource: hourly.gpuHoursSource,
      hours: 0,
      agentTokens: 0,
      endpointTokens: 0,
      shareCostUsd: 0,
    };
    entry.hours += 1;
    entry.agentTokens += agentTokens;
    entry.endpointTokens += servedTokens;
    entry.shareCostUsd += share;
    perEndpoint.set(hour.endpointRef, entry);
  }
  if (perEndpoint.size === 0) {
    return {
      costUsd: roundTo(gatewayCostUsd, 6),
      basis: 'gateway',
      gpuShare: null,
    };
  }

  const endpoints = [...perEndpoint.values()]
    .map(entry => ({ ...entry, shareCostUsd: roundTo(entry.shareCostUsd, 6) }))
    .sort((a, b) => a.endpointRef.localeCompare(b.endpointRef));
  const otherGatewayUsd = Math.max(0, gatewayCostUsd - replacedGatewayCostUsd);
  const estimated = endpoints.some(e => e.gpuHoursSource === 'spec-estimate');
  const parts = endpoints.map(
    e =>
      `${e.endpointRef} ${usdText(e.shareCostUsd)} USD (${formatCount(
        e.agentTokens,
      )} of ${formatCount(e.endpointTokens)} tokens in ${e.hours} hour${
        e.hours === 1 ? '' : 's'
      }, GPU-hours ${
        e.gpuHoursSource === 'prometheus'
          ? 'from Prometheus'
          : 'estimated from the spec'
      })`,
  );
  const gpuShare: AgentGpuShare = {
    gatewayCostUsd: roundTo(otherGatewayUsd, 6),
    gpuShareCostUsd: roundTo(gpuShareCostUsd, 6),
    replacedGatewayCostUsd: roundTo(replacedGatewayCostUsd, 6),
    estimated,
    endpoints,
    basis: `Gateway cost ${usdText(
      otherGatewayUsd,
    )} USD (calls to managed endpoints and unattributed models) + share of self-hosted GPU cost by tokens per hour ${usdText(
      gpuShareCostUsd,
    )} USD: ${parts.join('; ')}. The gateway's ${usdText(
      replacedGatewayCostUsd,
    )} USD for the self-hosted calls is replaced, not added`,
  };
  if (unavailable.length > 0) {
    return {
      unavailable: unavailable.map(u => u.reason).join('; '),
      sourceFailed: unavailable.some(u => u.sourceFailed),
      gpuShare,
    };
  }
  return {
    costUsd: roundTo(otherGatewayUsd + gpuShareCostUsd, 6),
    basis: estimated
      ? 'gateway-and-gpu-share-estimate'
      : 'gateway-and-gpu-share',
    gpuShare,
  };
}
