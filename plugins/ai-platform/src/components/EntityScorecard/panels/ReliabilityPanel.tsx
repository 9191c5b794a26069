import {
  formatCount,
  formatPercent,
} from '@ai-platform/plugin-ai-platform-common';
import Stack from '@mui/material/Stack';
import { TrendChart } from '../TrendChart';
import { DAY_MS, dailyTrendPoints, dailyWindowLabel } from './dailyTrend';
import { KeyFigure, MONTH_TO_DATE_USAGE } from './KeyFigure';
import { ScorecardPanel, ScorecardPanelProps } from './ScorecardPanel';

/**
 * The error-rate check; month-to-date requests and error rate; requests and
 * error rate per day.
 */
export function ReliabilityPanel(props: ScorecardPanelProps) {
  const usage = props.scorecard.usageMonthToDate;
  const daily = props.scorecard.dailyUsage ?? [];
  return (
    <ScorecardPanel
      {...props}
      figures={
        usage && (
          <>
            <KeyFigure
              label="Requests"
              value={formatCount(usage.requests)}
              detail={`${formatCount(
                usage.errors,
              )} failed · ${MONTH_TO_DATE_USAGE}`}
            />
            <KeyFigure
              label="Error rate (month to date)"
              value={
                usage.errorRatePercent === null
                  ? '—'
                  : formatPercent(usage.errorRatePercent)
              }
              detail={MONTH_TO_DATE_USAGE}
            />
          </>
        )
      }
      trend={
        daily.length > 0 && (
          <Stack spacing={2}>
            <TrendChart
              title="Requests per day"
              variant="bar"
              points={dailyTrendPoints(daily, day =>
                day.requests > 0 ? day.requests : null,
              )}
              stepMs={DAY_MS}
              formatValue={formatCount}
              emptyWindowLabel={dailyWindowLabel(daily)}
            />
            <TrendChart
              title="Error rate per day"
              points={dailyTrendPoints(daily, day =>
                day.requests > 0 ? (day.errors / day.requests) * 100 : null,
              )}
              stepMs={DAY_MS}
              formatValue={formatPercent}
              emptyWindowLabel={dailyWindowLabel(daily)}
            />
          </Stack>
        )
      }
    />
  );
}
