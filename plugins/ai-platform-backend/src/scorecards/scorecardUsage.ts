import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import { TelemetryStore } from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days of daily usage the scorecard response carries. */
const DAILY_USAGE_DAYS = 30;

/**
 * The numbers behind the checks, carried by the scorecard response so the
 * scorecard tab needs no extra requests: month-to-date usage (the same
 * shape as `GET /usage/by-entity`) and the last 30 UTC days' requests,
 * errors and cost from the built-in store, as of `at`.
 */
export async function readScorecardUsage(
  deps: {
    telemetryStore: TelemetryStore;
    gatewayHistogramStore?: DatabaseGatewayHistogramStore;
  },
  entityRef: string,
  at: Date,
) {
  const subject = entitySubject(entityRef);
  const monthStart = new Date(
    Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1),
  );
  const usage = await deps.telemetryStore.getUsage({
    subject,
    from: monthStart,
    to: at,
  });
  let ttftMsFromGatewayHistograms:
    | { p95Estimate: number | null; count: number; estimated: true }
    | undefined;
  if (deps.gatewayHistogramStore) {
    const ttft = await deps.gatewayHistogramStore.getQuantileEstimate({
      subject,
      metric: 'gen_ai.server.time_to_first_token',
      q: 0.95,
      window: {
        from: new Date(usage.window.from),
        to: new Date(usage.window.to),
      },
    });
    ttftMsFromGatewayHistograms = {
      // Seconds in the histograms; interpolated inside a bucket.
      p95Estimate:
        ttft.estimate === null ? null : Math.round(ttft.estimate * 1e4) / 10,
      count: ttft.count,
      estimated: true,
    };
  }
  const today = Date.UTC(
    at.getUTCFullYear(),
    at.getUTCMonth(),
    at.getUTCDate(),
  );
  const dailyFrom = new Date(today - (DAILY_USAGE_DAYS - 1) * DAY_MS);
  const [requests, errors, cost] = await Promise.all(
    (['requests', 'errors', 'cost_usd'] as const).map(metric =>
      deps.telemetryStore.getTimeseries({
        subject,
        metric,
        from: dailyFrom,
        stepMs: DAY_MS,
        steps: DAILY_USAGE_DAYS,
      }),
    ),
  );
  const dailyUsage = requests.map((point, i) => ({
    start: point.start,
    requests: point.value ?? 0,
    errors: errors[i]?.value ?? 0,
    costUsd: cost[i]?.value ?? 0,
  }));
  return {
    usageMonthToDate: {
      entityRef,
      ...usage,
      ...(ttftMsFromGatewayHistograms ? { ttftMsFromGatewayHistograms } : {}),
    },
    dailyUsage,
  };
}
