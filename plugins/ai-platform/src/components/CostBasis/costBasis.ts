// The browser end-to-end tests may import these to read the page as it is
// written: keep the imports to types and the common package.
import { formatDecimal } from '@ai-platform/plugin-ai-platform-common';
import type {
  EndpointCostBasis,
  RightSizingRecommendation,
  UnitCost,
} from '@ai-platform/plugin-ai-platform-common';
import { formatUsd } from '../EntityScorecard/scorecardDisplay';

/** Where a cost figure came from, as a label beside the number. */
const basisLabels: Record<EndpointCostBasis, string> = {
  'gpu-hours-prometheus': 'GPU-hours from Prometheus',
  'gpu-hours-spec-estimate': 'Estimated from the spec',
  gateway: 'Gateway per-call cost',
  'gateway-and-gpu-share':
    'Gateway cost + share of self-hosted GPU cost by tokens per hour',
  'gateway-and-gpu-share-estimate':
    'Gateway cost + share of self-hosted GPU cost by tokens per hour (GPU-hours estimated from the spec)',
  unavailable: 'Source unavailable',
};

/** The same, short, for a table cell. */
const shortBasisLabels: Record<EndpointCostBasis, string> = {
  'gpu-hours-prometheus': 'GPU · Prometheus',
  'gpu-hours-spec-estimate': 'GPU · estimate',
  gateway: 'gateway',
  'gateway-and-gpu-share': 'gateway + GPU share',
  'gateway-and-gpu-share-estimate': 'gateway + GPU share · estimate',
  unavailable: 'unavailable',
};

/**
 * `GPU-hours from Prometheus`, `Estimated from the spec`, `Gateway per-call
 * cost` or `Source unavailable`; a basis this view does not know is shown
 * as sent.
 */
export function costBasisLabel(
  basis: EndpointCostBasis,
  options?: { short?: boolean },
): string {
  const labels = options?.short ? shortBasisLabels : basisLabels;
  return labels[basis] ?? basis;
}

/** Whether a cost is an estimate from the spec rather than a measurement. */
export function isEstimatedBasis(
  basis: EndpointCostBasis | null | undefined,
): boolean {
  return (
    basis === 'gpu-hours-spec-estimate' ||
    basis === 'gateway-and-gpu-share-estimate'
  );
}

/**
 * `$717.33 / M output tokens`, or `—` when no output token was served.
 */
export function formatPerMillionOutputTokens(unitCost: UnitCost): string {
  return unitCost.perMillionOutputTokensUsd === null
    ? '—'
    : `${formatUsd(unitCost.perMillionOutputTokensUsd)} / M output tokens`;
}

/** `$430.40 / 1,000 requests`, or `—` when no request was served. */
export function formatPerThousandRequests(unitCost: UnitCost): string {
  return unitCost.perThousandRequestsUsd === null
    ? '—'
    : `${formatUsd(unitCost.perThousandRequestsUsd)} / 1,000 requests`;
}

/**
 * Why a unit cost is `—`: `no output tokens served this month` or
 * `no requests served this month`; `undefined` when it has a value.
 */
export function unitCostGap(
  unitCost: UnitCost,
  unit: 'output-tokens' | 'requests',
): string | undefined {
  if (unit === 'output-tokens') {
    return unitCost.perMillionOutputTokensUsd === null
      ? 'no output tokens served this month'
      : undefined;
  }
  return unitCost.perThousandRequestsUsd === null
    ? 'no requests served this month'
    : undefined;
}

const rightSizingKindLabels: Record<RightSizingRecommendation['kind'], string> =
  {
    'gpu-profile': 'GPU profile',
    'replicas-min': 'replicas.min',
  };

/** `GPU profile h100-80gb → l4-24gb` or `replicas.min 2 → 1`. */
export function describeRightSizingChange(
  recommendation: RightSizingRecommendation,
): string {
  const what =
    rightSizingKindLabels[recommendation.kind] ?? recommendation.kind;
  return `${what} ${recommendation.from} → ${recommendation.to}`;
}

/** `538 GPU-hours`, `12.5 GPU-hours`: at most two decimals. */
export function formatGpuHours(gpuHours: number): string {
  return `${formatDecimal(gpuHours)} GPU-hours`;
}
