import { Progress } from '@backstage/core-components';
import { formatCount, formatMs } from '@ai-platform/plugin-ai-platform-common';
import Typography from '@mui/material/Typography';
import { TelemetryTimeseries } from '../../../api';
import { TrendChart } from '../TrendChart';
import { DAY_MS, HOUR_MS } from './dailyTrend';
import { KeyFigure, MONTH_TO_DATE_USAGE } from './KeyFigure';
import { ScorecardPanel, ScorecardPanelProps } from './ScorecardPanel';

/**
 * The TTFT trend of the TTFT panel (the tab's one time series request):
 * hourly, so a few hours of traffic show as a few points, over a week.
 */
export const TTFT_TREND_QUERY = {
  metric: 'ttft_p95_ms',
  window: '7d',
  step: '1h',
} as const;

/** The state of the {@link TTFT_TREND_QUERY} request. */
export interface TtftTrendState {
  loading: boolean;
  error?: Error;
  value?: TelemetryTimeseries;
}

function TtftTrend(props: { trend: TtftTrendState; sloMs: number | null }) {
  const { trend, sloMs } = props;
  if (trend.loading) {
    return <Progress />;
  }
  if (trend.error || !trend.value) {
    return (
      <Typography variant="body2" color="text.secondary">
        The TTFT trend could not be loaded: {trend.error?.message}
      </Typography>
    );
  }
  const timeseries = trend.value;
  const stepMs = timeseries.step === '1d' ? DAY_MS : HOUR_MS;
  return (
    <TrendChart
      title={`TTFT p95 per ${timeseries.step === '1d' ? 'day' : 'hour'}`}
      points={timeseries.points.map(point => ({
        start: new Date(point.start),
        value: point.value,
      }))}
      stepMs={stepMs}
      formatValue={formatMs}
      emptyWindowLabel={`the last ${Math.round(
        (Date.parse(timeseries.window.to) -
          Date.parse(timeseries.window.from)) /
          DAY_MS,
      )} days`}
      reference={
        sloMs !== null
          ? { value: sloMs, label: `SLO ${formatMs(sloMs)}` }
          : undefined
      }
    />
  );
}

/**
 * The TTFT p95 check; month-to-date TTFT p50 and p95 and the estimate from
 * gateway histograms; the hourly TTFT p95 trend against the SLO.
 */
export function TtftPanel(
  props: ScorecardPanelProps & { trend: TtftTrendState },
) {
  const { scorecard, trend, ...panelProps } = props;
  const usage = scorecard.usageMonthToDate;
  const gatewayEstimate = usage?.ttftMsFromGatewayHistograms;
  const sloMs =
    scorecard.checks.find(check => check.checkId === 'ttft-p95')?.threshold ??
    null;
  return (
    <ScorecardPanel
      {...panelProps}
      scorecard={scorecard}
      figures={
        usage && (
          <>
            <KeyFigure
              label="TTFT p50"
              value={
                usage.ttftMs.p50 === null ? '—' : formatMs(usage.ttftMs.p50)
              }
              detail={`${formatCount(
                usage.ttftMs.count,
              )} streamed calls · ${MONTH_TO_DATE_USAGE}`}
            />
            <KeyFigure
              label="TTFT p95 (month to date)"
              value={
                usage.ttftMs.p95 === null ? '—' : formatMs(usage.ttftMs.p95)
              }
              detail={`${
                sloMs !== null ? `SLO ${formatMs(sloMs)} · ` : ''
              }${MONTH_TO_DATE_USAGE}`}
            />
            {gatewayEstimate && gatewayEstimate.count > 0 && (
              <KeyFigure
                label="TTFT p95 estimate"
                value={
                  gatewayEstimate.p95Estimate === null
                    ? '—'
                    : `≈ ${formatMs(gatewayEstimate.p95Estimate)}`
                }
                detail={`estimate from gateway histograms · ${formatCount(
                  gatewayEstimate.count,
                )} samples · month-to-date`}
              />
            )}
          </>
        )
      }
      trend={<TtftTrend trend={trend} sloMs={sloMs} />}
    />
  );
}
