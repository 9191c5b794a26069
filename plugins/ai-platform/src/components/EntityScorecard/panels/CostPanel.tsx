import { formatCount } from '@ai-platform/plugin-ai-platform-common';
import { formatUsd, unitCostsUsd } from '../scorecardDisplay';
import { TrendChart } from '../TrendChart';
import { DAY_MS, dailyTrendPoints, dailyWindowLabel } from './dailyTrend';
import { KeyFigure, MONTH_TO_DATE_USAGE } from './KeyFigure';
import { ScorecardPanel, ScorecardPanelProps } from './ScorecardPanel';

/**
 * Budget checks; cost per 1,000 requests and per million tokens from the
 * month-to-date usage; spend per day.
 */
export function CostPanel(props: ScorecardPanelProps) {
  const usage = props.scorecard.usageMonthToDate;
  const daily = props.scorecard.dailyUsage ?? [];
  const unitCosts = usage ? unitCostsUsd(usage) : undefined;
  return (
    <ScorecardPanel
      {...props}
      figures={
        usage &&
        unitCosts && (
          <>
            <KeyFigure
              label="Cost per 1,000 requests"
              value={
                unitCosts.per1kRequestsUsd === null
                  ? '—'
                  : formatUsd(unitCosts.per1kRequestsUsd)
              }
              detail={`${formatUsd(usage.costUsd)} over ${formatCount(
                usage.requests,
              )} requests · ${MONTH_TO_DATE_USAGE}`}
            />
            <KeyFigure
              label="Cost per million tokens"
              value={
                unitCosts.perMillionTokensUsd === null
                  ? '—'
                  : formatUsd(unitCosts.perMillionTokensUsd)
              }
              detail={`${formatCount(
                usage.inputTokens + usage.outputTokens,
              )} tokens · ${MONTH_TO_DATE_USAGE}`}
            />
          </>
        )
      }
      trend={
        daily.length > 0 && (
          <TrendChart
            title="Spend per day"
            variant="bar"
            points={dailyTrendPoints(daily, day =>
              day.requests > 0 ? day.costUsd : null,
            )}
            stepMs={DAY_MS}
            formatValue={formatUsd}
            emptyWindowLabel={dailyWindowLabel(daily)}
          />
        )
      }
    />
  );
}
