import {
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { aiPlatformApiRef, isPermissionDeniedError } from '../../api';
import { ScorecardLevelBadge } from '../ScorecardStatus';
import {
  CostPanel,
  EvalsPanel,
  ReliabilityPanel,
  ScorecardPanelProps,
  TTFT_TREND_QUERY,
  TtftPanel,
  TtftTrendState,
} from './panels';
import { groupChecksIntoPanels } from './scorecardDisplay';
import { ScorecardSetupHelp } from './ScorecardSetupHelp';

function ScorecardPanelById(
  props: ScorecardPanelProps & { ttftTrend: TtftTrendState },
) {
  const { ttftTrend, ...panelProps } = props;
  switch (panelProps.panel.id) {
    case 'cost':
      return <CostPanel {...panelProps} />;
    case 'ttft':
      return <TtftPanel {...panelProps} trend={ttftTrend} />;
    case 'evals':
      return <EvalsPanel {...panelProps} />;
    case 'reliability':
      return <ReliabilityPanel {...panelProps} />;
    default:
      return null;
  }
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
            <ScorecardPanelById
              panel={panel}
              checks={checks}
              scorecard={result}
              ttftTrend={ttftTimeseries}
            />
          </Grid>
        ))}
      </Grid>
    </Stack>
  );
}
