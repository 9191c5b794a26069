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
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  CostPanel,
  EfficiencyPanel,
  EvalsPanel,
  ReliabilityPanel,
  ScorecardPanelProps,
  TTFT_TREND_QUERY,
  TtftPanel,
  TtftTrendState,
} from './panels';
import { groupChecksIntoPanels } from './scorecardDisplay';
import { ScorecardSetupHelp } from './ScorecardSetupHelp';
import { ScorecardPanel } from './panels/ScorecardPanel';
import { AgentRunsPanel } from '../AgentRuns';

function ScorecardPanelById(
  props: ScorecardPanelProps & {
    ttftTrend: TtftTrendState;
    entityRef: CompoundEntityRef;
  },
) {
  const { ttftTrend, entityRef, ...panelProps } = props;
  switch (panelProps.panel.id) {
    case 'cost':
      return <CostPanel {...panelProps} entityRef={entityRef} />;
    case 'efficiency':
      return <EfficiencyPanel {...panelProps} />;
    case 'ttft':
      return <TtftPanel {...panelProps} trend={ttftTrend} />;
    case 'evals':
      return <EvalsPanel {...panelProps} />;
    case 'reliability':
      return <ReliabilityPanel {...panelProps} />;
    case 'agent':
      return <AgentRunsPanel {...panelProps} entityRef={entityRef} />;
    default:
      return <ScorecardPanel {...panelProps} />;
  }
}

/**
 * The scorecard tab of a ModelEndpoint or Agent: its level and every check,
 * grouped into Cost, GPU efficiency (self-hosted endpoints), TTFT, Evals and
 * Reliability panels, each with value, threshold, window, source and status
 * history, and the hourly TTFT p95 trend against the SLO. The Cost panel
 * shows the month-to-date cost with where it came from (GPU-hours from
 * Prometheus, estimated from the spec, or the gateway's per-call cost), unit
 * cost and, for a self-hosted endpoint, GPU-hours, price, forecast,
 * utilisation, idle cost, saturation and right-sizing.
 *
 * @remarks
 * Makes two requests: the scorecard and one time series (TTFT p95 per
 * hour); a third for a ModelEndpoint with a cost: the unit costs of the
 * other endpoints of its type to compare. Month-to-date usage (unit costs, TTFT p50, request volume, the
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
  if (result.checks.length === 0 && !result.cost) {
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
        {groupChecksIntoPanels(result.checks, {
          gpuEndpoint: Boolean(result.cost?.gpu),
          agent: entity.kind.toLocaleLowerCase('en-US') === 'agent',
        }).map(({ panel, checks }) => (
          <Grid item xs={12} lg={panel.id === 'agent' ? 12 : 6} key={panel.id}>
            <ScorecardPanelById
              panel={panel}
              checks={checks}
              scorecard={result}
              ttftTrend={ttftTimeseries}
              entityRef={entityRef}
            />
          </Grid>
        ))}
      </Grid>
    </Stack>
  );
}
