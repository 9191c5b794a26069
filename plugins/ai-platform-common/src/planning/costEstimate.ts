import { InputError } from '@backstage/errors';
import type { EndpointCostEstimate } from './types';

/**
 * Hours in an average month (8760 / 12), the convention for monthly GPU cost.
 *
 * @public
 */
export const HOURS_PER_MONTH = 730;

/**
 * Rounds US dollars to cents.
 *
 * @public
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * 100) / 100;
}

/**
 * Estimates the monthly cost of a self-hosted endpoint:
 * GPU-hour price × GPUs per replica × replicas × hours per month, at min and max replicas.
 *
 * @public
 */
export function estimateEndpointCost(options: {
  gpuHourUsd: number;
  gpusPerReplica: number;
  minReplicas: number;
  maxReplicas: number;
  hoursPerMonth?: number;
}): EndpointCostEstimate {
  const hoursPerMonth = options.hoursPerMonth ?? HOURS_PER_MONTH;
  for (const [field, value] of Object.entries({
    gpuHourUsd: options.gpuHourUsd,
    gpusPerReplica: options.gpusPerReplica,
    minReplicas: options.minReplicas,
    maxReplicas: options.maxReplicas,
    hoursPerMonth,
  })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InputError(
        `${field} must be a non-negative number, got ${value}`,
      );
    }
  }
  const perReplicaMonthUsd =
    options.gpuHourUsd * options.gpusPerReplica * hoursPerMonth;
  return {
    gpuHourUsd: options.gpuHourUsd,
    gpusPerReplica: options.gpusPerReplica,
    hoursPerMonth,
    monthlyMinUsd: roundUsd(perReplicaMonthUsd * options.minReplicas),
    monthlyMaxUsd: roundUsd(perReplicaMonthUsd * options.maxReplicas),
  };
}

// Messages (`4,672.00 USD`) use the suite's one dollar formatter.
export { formatUsd } from '../format';
