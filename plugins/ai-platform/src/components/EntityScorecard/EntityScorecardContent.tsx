import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  aiPlatformApiRef,
  EntityScorecard,
  isPermissionDeniedError,
  ScorecardCheck,
  ScorecardCheckStatus,
  TelemetryTimeseries,
} from '../../api';
import { CheckStatusChip, ScorecardLevelBadge } from '../ScorecardStatus';
import {
  checkLabel,
  checkStatusLabels,
  formatCheckSource,
  formatCheckThreshold,
  formatCheckValue,
  formatCount,
  formatMs,
  formatPercent,
  formatUsd,
  groupChecksIntoPanels,
  ScorecardPanelDefinition,
  ScorecardPanelId,
  unitCostsUsd,
} from './scorecardDisplay';
import { ScorecardSetupHelp } from './ScorecardSetupHelp';
import { TrendChart, TrendPoint } from './TrendChart';

/**
 * The TTFT trend of the TTFT panel (the tab's one time series request):
 * hourly, so a few hours of traffic show as a few points, over a week.
 */
export const TTFT_TREND_QUERY = {
  metric: 'ttft_p95_ms',
  window: '7d',
  step: '1h',
} as const;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const statusSwatch: Record<ScorecardCheckStatus, string> = {
  pass: '#2e7d32',
  warn: '#ed6c02',
  fail: '#d32f2f',
  'not-enough-data': '#9e9e9e',
  'source-unavailable': '#9e9e9e',
};

type HistoryEntries = EntityScorecard['history'];

/** The statuses of one check over the stored evaluations, oldest first. */
function CheckHistory(props: { checkId: string; history: HistoryEntries }) {
  const statuses = [...props.history]
    .reverse()
    .map(entry => ({
      evaluatedAt: entry.evaluatedAt,
      status: entry.checks.find(check => check.checkId === props.checkId)
        ?.status,
    }))
    .filter(
      (entry): entry is { evaluatedAt: string; status: ScorecardCheckStatus } =>
        Boolean(entry.status),
    );
  if (statuses.length < 2) {
    return null;
  }
  return (
    <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 0.5 }}>
      <Typography variant="caption" color="text.secondary">
        Last {statuses.length} evaluations
      </Typography>
      <Stack
        direction="row"
        spacing={0.25}
        role="img"
        aria-label={`History of ${checkLabel(props.checkId)}: ${statuses
          .map(entry => entry.status)
          .join(', ')}`}
      >
        {statuses.map(entry => (
          <Tooltip
            key={entry.evaluatedAt}
            title={`${entry.evaluatedAt}: ${checkStatusLabels[entry.status]}`}
          >
            <Box
              sx={{
                width: 6,
                height: 14,
                borderRadius: 0.5,
                backgroundColor: statusSwatch[entry.status],
              }}
            />
          </Tooltip>
        ))}
      </Stack>
    </Stack>
  );
}

/** A source caption such as `from Prometheus`. */
function SourceCaption(props: { children?: string }) {
  if (!props.children) {
    return null;
  }
  return (
    <Typography
      component="span"
      variant="caption"
      color="text.secondary"
      sx={{ fontStyle: 'italic' }}
    >
      {props.children}
    </Typography>
  );
}

function CheckResult(props: {
  check: ScorecardCheck;
  history: HistoryEntries;
}) {
  const { check, history } = props;
  const label = checkLabel(check.checkId);
  const isRegression =
    check.checkId.startsWith('eval-regression:') && check.status === 'fail';
  const unavailable = check.status === 'source-unavailable';
  return (
    <Box
      role="group"
      aria-label={label}
      sx={{ py: 1.5, borderBottom: 1, borderColor: 'divider' }}
    >
      <Stack direction="row" spacing={1} alignItems="center" flexWrap="wrap">
        <Typography variant="subtitle2">{label}</Typography>
        <CheckStatusChip status={check.status} />
        {isRegression && (
          <Typography variant="caption" color="error" fontWeight="bold">
            Regression
          </Typography>
        )}
      </Stack>
      <Typography
        variant="h6"
        component="p"
        sx={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {formatCheckValue(check.checkId, check.value)}{' '}
        <SourceCaption>{formatCheckSource(check.source, check.category)}</SourceCaption>
        <Typography component="span" variant="body2" color="text.secondary">
          {' '}
          · {formatCheckThreshold(check.checkId, check.threshold)} · window{' '}
          {check.window}
        </Typography>
      </Typography>
      <Typography
        variant="body2"
        color={unavailable ? 'warning.main' : 'text.secondary'}
      >
        {check.message}
      </Typography>
      <CheckHistory checkId={check.checkId} history={history} />
    </Box>
  );
}

/** A derived number (not a check): label, value and where it comes from. */
function KeyFigure(props: { label: string; value: string; detail: string }) {
  return (
    <Box role="group" aria-label={props.label} sx={{ minWidth: 180 }}>
      <Typography variant="overline" color="text.secondary">
        {props.label}
      </Typography>
      <Typography
        variant="h6"
        component="p"
        sx={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {props.detail}
      </Typography>
    </Box>
  );
}

function ScorecardPanel(props: {
  panel: ScorecardPanelDefinition;
  checks: ScorecardCheck[];
  history: HistoryEntries;
  figures?: ReactNode;
  trend?: ReactNode;
}) {
  const { panel, checks, history, figures, trend } = props;
  return (
    <InfoCard title={panel.title}>
      <section aria-label={`${panel.title} panel`}>
        {checks.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            {panel.whenEmpty}
          </Typography>
        ) : (
          checks.map(check => (
            <CheckResult key={check.checkId} check={check} history={history} />
          ))
        )}
        {figures && (
          <Stack
            direction="row"
            spacing={3}
            flexWrap="wrap"
            useFlexGap
            sx={{ mt: 2 }}
          >
            {figures}
          </Stack>
        )}
        {trend && <Box sx={{ mt: 2 }}>{trend}</Box>}
      </section>
    </InfoCard>
  );
}

function TtftTrend(props: {
  loading: boolean;
  error?: Error;
  timeseries?: TelemetryTimeseries;
  sloMs: number | null;
}) {
  if (props.loading) {
    return <Progress />;
  }
  if (props.error || !props.timeseries) {
    return (
      <Typography variant="body2" color="text.secondary">
        The TTFT trend could not be loaded: {props.error?.message}
      </Typography>
    );
  }
  const { timeseries, sloMs } = props;
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

/** Eval scores per evaluation, where the backend sends history values. */
function evalScoreTrend(
  checks: ScorecardCheck[],
  history: HistoryEntries,
): ReactNode {
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
  return charts.length ? <Stack spacing={2}>{charts}</Stack> : undefined;
}

/**
 * The scorecard tab of a ModelEndpoint or Agent: its level and every check,
 * grouped into Cost, TTFT, Evals and Reliability panels, each with value,
 * threshold, window, source and status history, and the hourly TTFT p95
 * trend against the SLO.
 *
 * @remarks
 * Makes two requests: the scorecard and one time series (TTFT p95 per
 * hour). Month-to-date usage (unit costs, TTFT p50, request volume, the
 * gateway histogram estimate) and daily spend and request trends are shown
 * when the scorecard response carries them.
 *
 * @public
 */
export function EntityScorecardContent() {
  const { entity } = useEntity();
  const aiPlatformApi = useApi(aiPlatformApiRef);
  const entityRef = getCompoundEntityRef(entity);
  const refKey = `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`;

  const scorecard = useAsync(
    () => aiPlatformApi.getEntityScorecard(entityRef),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [aiPlatformApi, refKey],
  );
  const ttftTimeseries = useAsync(
    () => aiPlatformApi.getEntityTimeseries(entityRef, TTFT_TREND_QUERY),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [aiPlatformApi, refKey],
  );

  if (scorecard.loading) {
    return <Progress />;
  }
  if (scorecard.error) {
    if (isPermissionDeniedError(scorecard.error)) {
      return (
        <WarningPanel
          severity="info"
          title="Permission denied"
          defaultExpanded
          message={`You are not allowed to read the scorecard of ${refKey}. Ask the owner or your Backstage administrators for the ai-platform.telemetry.read permission on this entity.`}
        />
      );
    }
    return <ResponseErrorPanel error={scorecard.error} />;
  }
  const result = scorecard.value!;
  if (result.checks.length === 0) {
    return <ScorecardSetupHelp evaluated={result.evaluatedAt !== null} />;
  }

  const ttftSloMs =
    result.checks.find(check => check.checkId === 'ttft-p95')?.threshold ??
    null;
  const usage = result.usageMonthToDate;
  const daily = result.dailyUsage ?? [];
  const unitCosts = usage ? unitCostsUsd(usage) : undefined;
  const usageDetail = 'month-to-date · from gateway telemetry';
  const gatewayEstimate = usage?.ttftMsFromGatewayHistograms;

  const figures: Partial<Record<ScorecardPanelId, ReactNode>> = {
    cost: usage && unitCosts && (
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
          )} requests · ${usageDetail}`}
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
          )} tokens · ${usageDetail}`}
        />
      </>
    ),
    ttft: usage && (
      <>
        <KeyFigure
          label="TTFT p50"
          value={usage.ttftMs.p50 === null ? '—' : formatMs(usage.ttftMs.p50)}
          detail={`${formatCount(
            usage.ttftMs.count,
          )} streamed calls · ${usageDetail}`}
        />
        <KeyFigure
          label="TTFT p95 (month to date)"
          value={usage.ttftMs.p95 === null ? '—' : formatMs(usage.ttftMs.p95)}
          detail={`${
            ttftSloMs !== null ? `SLO ${formatMs(ttftSloMs)} · ` : ''
          }${usageDetail}`}
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
    ),
    reliability: usage && (
      <>
        <KeyFigure
          label="Requests"
          value={formatCount(usage.requests)}
          detail={`${formatCount(usage.errors)} failed · ${usageDetail}`}
        />
        <KeyFigure
          label="Error rate (month to date)"
          value={
            usage.errorRatePercent === null
              ? '—'
              : formatPercent(usage.errorRatePercent)
          }
          detail={usageDetail}
        />
      </>
    ),
  };

  const dailyPoints = (value: (day: (typeof daily)[number]) => number | null) =>
    daily.map(day => ({ start: new Date(day.start), value: value(day) }));
  const dailyWindow = `the last ${daily.length} days`;
  const trends: Partial<Record<ScorecardPanelId, ReactNode>> = {
    ttft: (
      <TtftTrend
        loading={ttftTimeseries.loading}
        error={ttftTimeseries.error}
        timeseries={ttftTimeseries.value}
        sloMs={ttftSloMs}
      />
    ),
    evals: evalScoreTrend(result.checks, result.history),
    cost: daily.length > 0 && (
      <TrendChart
        title="Spend per day"
        variant="bar"
        points={dailyPoints(day => (day.requests > 0 ? day.costUsd : null))}
        stepMs={DAY_MS}
        formatValue={formatUsd}
        emptyWindowLabel={dailyWindow}
      />
    ),
    reliability: daily.length > 0 && (
      <Stack spacing={2}>
        <TrendChart
          title="Requests per day"
          variant="bar"
          points={dailyPoints(day => (day.requests > 0 ? day.requests : null))}
          stepMs={DAY_MS}
          formatValue={formatCount}
          emptyWindowLabel={dailyWindow}
        />
        <TrendChart
          title="Error rate per day"
          points={dailyPoints(day =>
            day.requests > 0 ? (day.errors / day.requests) * 100 : null,
          )}
          stepMs={DAY_MS}
          formatValue={formatPercent}
          emptyWindowLabel={dailyWindow}
        />
      </Stack>
    ),
  };

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} alignItems="center">
        <ScorecardLevelBadge level={result.level} />
        <Typography variant="body2" color="text.secondary">
          Evaluated{' '}
          {result.evaluatedAt
            ? new Date(result.evaluatedAt).toLocaleString()
            : 'never'}{' '}
          · {result.history.length} evaluations kept
        </Typography>
      </Stack>
      <Grid container spacing={2}>
        {groupChecksIntoPanels(result.checks).map(({ panel, checks }) => (
          <Grid item xs={12} lg={6} key={panel.id}>
            <ScorecardPanel
              panel={panel}
              checks={checks}
              history={result.history}
              figures={figures[panel.id] || undefined}
              trend={trends[panel.id] || undefined}
            />
          </Grid>
        ))}
      </Grid>
    </Stack>
  );
}
