import { TelemetryStore } from '../../database/TelemetryStore';
import { entitySubject } from '../../database/telemetrySubject';
import { EntityCostDetail } from '../../cost/EntityCostService';
import { ScorecardCheckResult, ScorecardCheckStatus } from '../types';
import { round, usdText, utcMonthBounds } from './checkFormat';

function mtdCheck(
  mtdUsd: number,
  monthlyUsd: number,
  source: ScorecardCheckResult['source'],
  what: string,
): ScorecardCheckResult {
  const status: ScorecardCheckStatus = mtdUsd <= monthlyUsd ? 'pass' : 'fail';
  return {
    checkId: 'budget-mtd',
    category: 'budget',
    status,
    value: round(mtdUsd, 4),
    threshold: monthlyUsd,
    window: 'month-to-date',
    source,
    message: `${what} ${usdText(
      mtdUsd,
    )} USD this month (UTC) of a ${monthlyUsd} USD budget${
      status === 'fail' ? ': over budget' : ''
    }`,
  };
}

function forecastStatus(
  forecastUsd: number,
  mtdUsd: number,
  monthlyUsd: number,
): ScorecardCheckStatus {
  if (forecastUsd <= monthlyUsd) {
    return 'pass';
  }
  return mtdUsd > monthlyUsd ? 'fail' : 'warn';
}

/**
 * `budget-mtd` and `budget-forecast` on the gateway's per-call cost from the
 * telemetry store (managed endpoints, agents): the forecast needs
 * `minRequests` requests this month.
 *
 * @internal
 */
export async function storeBudgetChecks(options: {
  telemetryStore: TelemetryStore;
  entityRef: string;
  monthlyUsd: number;
  minRequests: number;
  now: Date;
}): Promise<ScorecardCheckResult[]> {
  const { telemetryStore, entityRef, monthlyUsd, minRequests, now } = options;
  const { startMs, endMs } = utcMonthBounds(now);
  // Counts and cost only: the month's sketches are not needed here.
  const usage = await telemetryStore.getUsage({
    subject: entitySubject(entityRef),
    from: new Date(startMs),
    to: now,
    percentiles: false,
  });
  const mtdUsd = usage.costUsd;
  const checks = [mtdCheck(mtdUsd, monthlyUsd, 'telemetry-store', 'Spent')];

  const elapsedFraction = (now.getTime() - startMs) / (endMs - startMs);
  if (usage.requests < minRequests || elapsedFraction <= 0) {
    checks.push({
      checkId: 'budget-forecast',
      category: 'budget',
      status: 'not-enough-data',
      value: null,
      threshold: monthlyUsd,
      window: 'month-forecast',
      source: 'telemetry-store',
      message: `Only ${usage.requests} request(s) this month; at least ${minRequests} are needed to forecast the month's spend`,
    });
  } else {
    const forecastUsd = mtdUsd / elapsedFraction;
    checks.push({
      checkId: 'budget-forecast',
      category: 'budget',
      status: forecastStatus(forecastUsd, mtdUsd, monthlyUsd),
      value: round(forecastUsd, 4),
      threshold: monthlyUsd,
      window: 'month-forecast',
      source: 'telemetry-store',
      message: `At this month's rate the spend reaches ${usdText(
        forecastUsd,
      )} USD by the end of the month; the budget is ${monthlyUsd} USD`,
    });
  }
  return checks;
}

/**
 * `budget-mtd` and `budget-forecast` of a self-hosted endpoint on its GPU
 * cost (source `prometheus` or `spec-estimate`). No request minimum: a GPU
 * costs money with no traffic. The forecast of a spec estimate is the
 * allocation held to the month's end; of Prometheus GPU-hours, the month to
 * date scaled by the elapsed share of the month. When Prometheus applies but
 * cannot answer, both are `source-unavailable` with the reason; when the
 * spec lacks a price or `replicas.min`, both are `not-enough-data`.
 *
 * @internal
 */
export function gpuBudgetChecks(
  detail: EntityCostDetail,
  monthlyUsd: number,
): ScorecardCheckResult[] {
  const source = detail.gpuHoursSource ?? 'spec-estimate';
  const { cost } = detail;
  if (!cost.gpu || cost.costUsd === null) {
    const reason = cost.unavailableReason ?? 'No GPU cost for this endpoint';
    const status: ScorecardCheckStatus = detail.sourceFailed
      ? 'source-unavailable'
      : 'not-enough-data';
    return (['budget-mtd', 'budget-forecast'] as const).map(checkId => ({
      checkId,
      category: 'budget',
      status,
      value: null,
      threshold: monthlyUsd,
      window: checkId === 'budget-mtd' ? 'month-to-date' : 'month-forecast',
      source,
      message: reason,
    }));
  }
  const { gpu } = cost;
  const mtdUsd = gpu.costUsd;
  const forecastUsd = gpu.forecastMonthUsd;
  const estimated = gpu.gpuHoursSource === 'spec-estimate';
  const mtd = mtdCheck(
    mtdUsd,
    monthlyUsd,
    source,
    estimated
      ? 'GPU cost (estimated from the spec):'
      : 'GPU cost (Prometheus):',
  );
  mtd.message = `${mtd.message}. ${gpu.basis}`;
  return [
    mtd,
    {
      checkId: 'budget-forecast',
      category: 'budget',
      status: forecastStatus(forecastUsd, mtdUsd, monthlyUsd),
      value: round(forecastUsd, 4),
      threshold: monthlyUsd,
      window: 'month-forecast',
      source,
      message: estimated
        ? `Holding the spec's allocation (replicas.min) to the end of the month costs ${usdText(
            forecastUsd,
          )} USD (estimated from the spec); the budget is ${monthlyUsd} USD`
        : `At this month's GPU-hours the GPU cost reaches ${usdText(
            forecastUsd,
          )} USD by the end of the month; the budget is ${monthlyUsd} USD`,
    },
  ];
}

/**
 * `budget-mtd` and `budget-forecast` of an Agent that called a self-hosted
 * endpoint this month, on its cost with its share of the endpoints' GPU
 * cost by tokens per hour (see `agentCostWithGpuShare`). The forecast is
 * the month to date scaled by the elapsed share of the month and needs
 * `minRequests` requests, like the gateway-priced checks. When a share
 * cannot be computed both checks say why: `source-unavailable` when
 * Prometheus could not answer, `not-enough-data` when an endpoint's spec
 * lacks a price or `replicas.min`.
 *
 * @internal
 */
export function agentGpuShareBudgetChecks(options: {
  detail: EntityCostDetail;
  monthlyUsd: number;
  requests: number;
  minRequests: number;
  now: Date;
}): ScorecardCheckResult[] {
  const { detail, monthlyUsd, requests, minRequests, now } = options;
  const { cost } = detail;
  const endpoints = cost.gpuShare?.endpoints ?? [];
  const source: ScorecardCheckResult['source'] = endpoints.some(
    e => e.gpuHoursSource === 'spec-estimate',
  )
    ? 'spec-estimate'
    : 'prometheus';
  if (cost.costUsd === null || !cost.gpuShare) {
    const status: ScorecardCheckStatus = detail.sourceFailed
      ? 'source-unavailable'
      : 'not-enough-data';
    return (['budget-mtd', 'budget-forecast'] as const).map(checkId => ({
      checkId,
      category: 'budget',
      status,
      value: null,
      threshold: monthlyUsd,
      window: checkId === 'budget-mtd' ? 'month-to-date' : 'month-forecast',
      source,
      message:
        cost.unavailableReason ?? "No cost for this agent's self-hosted calls",
    }));
  }
  const mtdUsd = cost.costUsd;
  const estimated = cost.gpuShare.estimated;
  const mtd = mtdCheck(
    mtdUsd,
    monthlyUsd,
    source,
    estimated
      ? 'Spent (with a share of GPU cost estimated from the spec):'
      : 'Spent (with a share of GPU cost from Prometheus):',
  );
  mtd.message = `${mtd.message}. ${cost.gpuShare.basis}`;
  const { startMs, endMs } = utcMonthBounds(now);
  const elapsedFraction = (now.getTime() - startMs) / (endMs - startMs);
  if (requests < minRequests || elapsedFraction <= 0) {
    return [
      mtd,
      {
        checkId: 'budget-forecast',
        category: 'budget',
        status: 'not-enough-data',
        value: null,
        threshold: monthlyUsd,
        window: 'month-forecast',
        source,
        message: `Only ${requests} request(s) this month; at least ${minRequests} are needed to forecast the month's spend`,
      },
    ];
  }
  const forecastUsd = mtdUsd / elapsedFraction;
  return [
    mtd,
    {
      checkId: 'budget-forecast',
      category: 'budget',
      status: forecastStatus(forecastUsd, mtdUsd, monthlyUsd),
      value: round(forecastUsd, 4),
      threshold: monthlyUsd,
      window: 'month-forecast',
      source,
      message: `At this month's rate the spend, with the share of self-hosted GPU cost, reaches ${usdText(
        forecastUsd,
      )} USD by the end of the month; the budget is ${monthlyUsd} USD`,
    },
  ];
}
