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
  formatCheckThreshold,
  formatCheckValue,
  groupChecksIntoPanels,
  ScorecardPanelDefinition,
} from './scorecardDisplay';
import { ScorecardSetupHelp } from './ScorecardSetupHelp';
import { TtftTrendChart } from './TtftTrendChart';

/** Days of TTFT p95 the TTFT panel charts (the tab's one time series request). */
export const TTFT_TREND_DAYS = 30;

const statusSwatch: Record<ScorecardCheckStatus, string> = {
  pass: '#2e7d32',
  warn: '#ed6c02',
  fail: '#d32f2f',
  'not-enough-data': '#9e9e9e',
};

/** The statuses of one check over the stored evaluations, oldest first. */
function CheckHistory(props: {
  checkId: string;
  history: EntityScorecard['history'];
}) {
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
              width: 8,
              height: 16,
              borderRadius: 0.5,
              backgroundColor: statusSwatch[entry.status],
            }}
          />
        </Tooltip>
      ))}
    </Stack>
  );
}

function CheckResult(props: {
  check: ScorecardCheck;
  history: EntityScorecard['history'];
}) {
  const { check, history } = props;
  const label = checkLabel(check.checkId);
  const isRegression =
    check.checkId.startsWith('eval-regression:') && check.status === 'fail';
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
      <Typography variant="h6" component="p">
        {formatCheckValue(check.checkId, check.value)}
        <Typography component="span" variant="body2" color="text.secondary">
          {' '}
          · {formatCheckThreshold(check.checkId, check.threshold)} · window{' '}
          {check.window}
        </Typography>
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {check.message}
      </Typography>
      <CheckHistory checkId={check.checkId} history={history} />
    </Box>
  );
}

function ScorecardPanel(props: {
  panel: ScorecardPanelDefinition;
  checks: ScorecardCheck[];
  history: EntityScorecard['history'];
  trend?: React.ReactNode;
}) {
  const { panel, checks, history, trend } = props;
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
  return <TtftTrendChart timeseries={props.timeseries} sloMs={props.sloMs} />;
}

/**
 * The scorecard tab of a ModelEndpoint or Agent: its level and every check,
 * grouped into Cost, TTFT, Evals and Reliability panels, with each check's
 * history and the daily TTFT p95 trend.
 *
 * @remarks
 * Makes two requests: the scorecard and one time series (TTFT p95 per day).
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
    () =>
      aiPlatformApi.getEntityTimeseries(entityRef, {
        metric: 'ttft_p95_ms',
        window: `${TTFT_TREND_DAYS}d`,
        step: '1d',
      }),
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
              trend={
                panel.id === 'ttft' ? (
                  <TtftTrend
                    loading={ttftTimeseries.loading}
                    error={ttftTimeseries.error}
                    timeseries={ttftTimeseries.value}
                    sloMs={ttftSloMs}
                  />
                ) : undefined
              }
            />
          </Grid>
        ))}
      </Grid>
    </Stack>
  );
}
