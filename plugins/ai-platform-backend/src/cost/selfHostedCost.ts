import {
  AiPlatformConfig,
  EndpointCostBasis,
  EntityCost,
  GpuHoursSource,
  RightSizingRecommendation,
  SelfHostedGpuCost,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import { GpuMeasurement } from '../domain/gpuTelemetry';
import { GpuPricing, resolveGpuPricing } from './gpuPricing';
import { prometheusReading, readingOutcome } from './gpuReadings';
import { recommendRightSizing } from './rightSizing';
import { estimateGpuHoursFromSpec, utcMonthOf } from './specEstimate';

/**
 * Window of the mean GPU utilisation (and of the peak concurrency the
 * right-sizing reads).
 *
 * @internal
 */
export const UTILISATION_WINDOW = { label: '7d', ms: 7 * 24 * 60 * 60 * 1000 };

/**
 * Window of the KV-cache and queue readings.
 *
 * @internal
 */
export const SATURATION_WINDOW = { label: '1h', ms: 60 * 60 * 1000 };

/** USD kept to 1/100 of a cent, GPU-hours to 1/10,000 h. */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function plural(count: number, word: string): string {
  return `${roundTo(count, 4)} ${word}${count === 1 ? '' : 's'}`;
}

function priceText(pricing: GpuPricing): string {
  const price = `${pricing.gpuHourUsd.toFixed(2)} USD per GPU-hour`;
  return pricing.priceSource === 'entity-pricing'
    ? `${price} (spec.pricing.gpuHourUsd)`
    : `${price} (GPU profile ${pricing.gpuProfile})`;
}

/**
 * The cost fields of one self-hosted endpoint, with what the scorecard
 * checks need to know about where they came from.
 *
 * @internal
 */
export interface SelfHostedCostParts
  extends Pick<
    EntityCost,
    'costUsd' | 'basis' | 'unavailableReason' | 'gpu' | 'saturation'
  > {
  rightSizing: RightSizingRecommendation[];
  /** Where the GPU-hours came from or were asked: Prometheus when it applies. */
  gpuHoursSource: GpuHoursSource;
  /** The GPU-hours source (Prometheus) could not answer; not a spec problem. */
  sourceFailed: boolean;
}

/**
 * The month-to-date GPU cost of a self-hosted ModelEndpoint: GPU-hours ×
 * price, the GPU-hours from `measurement` (Prometheus) when the GPU
 * telemetry applies to the entity, else estimated from the spec.
 *
 * @param measurement - `undefined` when no GPU telemetry applies to the
 * entity; the readings when it does
 * @internal
 */
export function selfHostedCostOf(options: {
  entity: Entity;
  platform: AiPlatformConfig;
  now: Date;
  measurement: GpuMeasurement | undefined;
}): SelfHostedCostParts {
  const { entity, platform, now, measurement } = options;
  const month = utcMonthOf(now);
  const gpuHoursSource: GpuHoursSource = measurement
    ? 'prometheus'
    : 'spec-estimate';
  const saturation = measurement
    ? {
        kvCacheUsagePercent: prometheusReading(
          measurement.kvCacheUsagePercent,
          SATURATION_WINDOW.label,
        ),
        waitingRequests: prometheusReading(
          measurement.waitingRequests,
          SATURATION_WINDOW.label,
        ),
      }
    : null;
  const unavailable = (
    reason: string,
    sourceFailed: boolean,
  ): SelfHostedCostParts => ({
    costUsd: null,
    basis: 'unavailable',
    unavailableReason: reason,
    gpu: null,
    saturation,
    rightSizing: [],
    gpuHoursSource,
    sourceFailed,
  });

  const priced = resolveGpuPricing(entity, platform);
  if ('problem' in priced) {
    return unavailable(priced.problem, false);
  }
  const { pricing } = priced;

  let gpuHours: number;
  let forecastMonthUsd: number;
  let basis: string;
  let from = month.start;
  if (measurement) {
    const held = readingOutcome(
      measurement.gpuHours,
      'kube_pod_container_resource_requests',
    );
    if (!('value' in held)) {
      const reason = 'unavailable' in held ? held.unavailable : held.noSeries;
      return unavailable(reason, true);
    }
    gpuHours = held.value;
    const cost = gpuHours * pricing.gpuHourUsd;
    const elapsed =
      (now.getTime() - month.start.getTime()) /
      (month.end.getTime() - month.start.getTime());
    forecastMonthUsd = elapsed > 0 ? cost / elapsed : cost;
    basis = `Measured by Prometheus: ${roundTo(gpuHours, 1).toFixed(
      1,
    )} GPU-hours held (${held.metric}) since ${utcMinute(
      month.start,
    )} × ${priceText(pricing)}`;
  } else {
    const estimate = estimateGpuHoursFromSpec(
      entity,
      pricing.gpusPerReplica,
      now,
    );
    if ('problem' in estimate) {
      return unavailable(estimate.problem, false);
    }
    gpuHours = estimate.gpuHours;
    from = estimate.from;
    forecastMonthUsd = estimate.monthGpuHours * pricing.gpuHourUsd;
    basis = `Estimated from the spec: ${plural(
      estimate.replicasMin,
      'replica',
    )} (replicas.min) × ${plural(
      pricing.gpusPerReplica,
      'GPU',
    )} × ${estimate.hours.toFixed(1)} h since ${utcMinute(estimate.from)} (${
      estimate.fromReason
    }) × ${priceText(pricing)}`;
  }

  const costUsd = gpuHours * pricing.gpuHourUsd;
  const utilisation = measurement
    ? prometheusReading(
        measurement.utilisationPercent,
        UTILISATION_WINDOW.label,
      )
    : null;
  const utilisationShare =
    utilisation === null
      ? null
      : Math.min(100, Math.max(0, utilisation.value)) / 100;
  const gpu: SelfHostedGpuCost = {
    gpuHourUsd: pricing.gpuHourUsd,
    priceSource: pricing.priceSource,
    gpuProfile: pricing.gpuProfile,
    gpusPerReplica: pricing.gpusPerReplica,
    gpuHours: roundTo(gpuHours, 4),
    gpuHoursSource,
    costUsd: roundTo(costUsd, 4),
    forecastMonthUsd: roundTo(forecastMonthUsd, 4),
    basis: `${basis} = ${costUsd.toFixed(2)} USD`,
    window: { from: from.toISOString(), to: now.toISOString() },
    utilisationPercent: utilisation,
    idleCostUsd:
      utilisationShare === null
        ? null
        : roundTo(gpuHours * (1 - utilisationShare) * pricing.gpuHourUsd, 4),
  };

  let rightSizing: RightSizingRecommendation[] = [];
  try {
    const peak = measurement
      ? readingOutcome(measurement.peakRunningRequests, 'peak')
      : undefined;
    rightSizing = recommendRightSizing({
      entity,
      platform,
      gpuHourUsd: pricing.gpuHourUsd,
      gpusPerReplica: pricing.gpusPerReplica,
      utilisationPercent:
        utilisationShare === null ? null : utilisationShare * 100,
      peakRunningRequests:
        peak && 'value' in peak && peak.value >= 0 ? peak.value : null,
    });
  } catch {
    // A recommendation is advice: an entity it cannot judge gets none.
    rightSizing = [];
  }

  const costBasis: EndpointCostBasis =
    gpuHoursSource === 'prometheus'
      ? 'gpu-hours-prometheus'
      : 'gpu-hours-spec-estimate';
  return {
    costUsd: gpu.costUsd,
    basis: costBasis,
    unavailableReason: null,
    gpu,
    saturation,
    rightSizing,
    gpuHoursSource,
    sourceFailed: false,
  };
}
