import Stack from '@mui/material/Stack';
import { checkLabel, formatCheckValue } from '../scorecardDisplay';
import { TrendChart, TrendPoint } from '../TrendChart';
import { HOUR_MS } from './dailyTrend';
import { ScorecardPanel, ScorecardPanelProps } from './ScorecardPanel';

/**
 * Eval score and regression checks; each suite's score per stored
 * evaluation, where the backend sends history values.
 */
export function EvalsPanel(props: ScorecardPanelProps) {
  const { checks, history } = props.scorecard;
  const suites = checks.filter(check => check.checkId.startsWith('eval:'));
  const charts = suites.flatMap(check => {
    const points: TrendPoint[] = [...history].reverse().map(entry => ({
      start: new Date(entry.evaluatedAt),
      value:
        entry.checks.find(past => past.checkId === check.checkId)?.value ??
        null,
    }));
    if (!points.some(point => point.value !== null)) {
      return [];
    }
    return [
      <TrendChart
        key={check.checkId}
        title={`${checkLabel(check.checkId)} per evaluation`}
        points={points}
        stepMs={HOUR_MS}
        formatValue={value => formatCheckValue(check.checkId, value)}
        emptyWindowLabel="the stored evaluations"
        reference={
          check.threshold !== null
            ? {
                value: check.threshold,
                label: `minimum ${formatCheckValue(
                  check.checkId,
                  check.threshold,
                )}`,
              }
            : undefined
        }
        height={160}
      />,
    ];
  });
  return (
    <ScorecardPanel
      {...props}
      trend={charts.length ? <Stack spacing={2}>{charts}</Stack> : undefined}
    />
  );
}
