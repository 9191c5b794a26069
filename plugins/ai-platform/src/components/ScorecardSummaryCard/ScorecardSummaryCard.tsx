import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  aiPlatformApiRef,
  isPermissionDeniedError,
  ScorecardCheck,
} from '../../api';
import {
  formatCheckSource,
  formatCheckThreshold,
  formatCheckValue,
  weakestEvalCheck,
} from '../EntityScorecard/scorecardDisplay';
import { CheckStatusChip, ScorecardLevelBadge } from '../ScorecardStatus';

function KeyNumber(props: {
  label: string;
  check?: ScorecardCheck;
  detail?: string;
}) {
  const { label, check, detail } = props;
  return (
    <Box role="group" aria-label={label} sx={{ minWidth: 160 }}>
      <Typography variant="overline" color="text.secondary">
        {label}
      </Typography>
      {check ? (
        <>
          <Stack direction="row" spacing={1} alignItems="center">
            <Typography variant="h6" component="p">
              {formatCheckValue(check.checkId, check.value)}
            </Typography>
            <CheckStatusChip status={check.status} />
          </Stack>
          <Typography variant="body2" color="text.secondary">
            {formatCheckThreshold(check.checkId, check.threshold)}
            {detail ? ` · ${detail}` : ''}
          </Typography>
        </>
      ) : (
        <Typography variant="body2" color="text.secondary">
          No check
        </Typography>
      )}
    </Box>
  );
}

/**
 * The scorecard of a ModelEndpoint or Agent in brief, for its overview tab:
 * level, month-to-date spend vs budget, TTFT p95 vs SLO and the latest eval
 * score, with a link to the scorecard tab. One request.
 *
 * @public
 */
export function EntityScorecardSummaryCard() {
  const { entity } = useEntity();
  const aiPlatformApi = useApi(aiPlatformApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const entityRef = getCompoundEntityRef(entity);
  const refKey = `${entityRef.kind}:${entityRef.namespace}/${entityRef.name}`;
  const { value, loading, error } = useAsync(
    () => aiPlatformApi.getEntityScorecard(entityRef),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [aiPlatformApi, refKey],
  );
  const scorecardLink = `${entityRoute(entityRouteParams(entity))}/scorecard`;

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = isPermissionDeniedError(error) ? (
      <Typography variant="body2">
        Permission denied: you may not read this entity's scorecard.
      </Typography>
    ) : (
      <ResponseErrorPanel error={error} />
    );
  } else if (!value || value.checks.length === 0) {
    body = (
      <Typography variant="body2" color="text.secondary">
        No scorecard checks yet. The scorecard tab explains how to send
        telemetry.
      </Typography>
    );
  } else {
    const evalCheck = weakestEvalCheck(value.checks);
    const evalCount = value.checks.filter(check =>
      check.checkId.startsWith('eval:'),
    ).length;
    // A self-hosted endpoint's spend is its GPU cost: say where it came from.
    const spendCheck = value.checks.find(
      check => check.checkId === 'budget-mtd',
    );
    body = (
      <Stack spacing={2}>
        <ScorecardLevelBadge level={value.level} />
        <Stack direction="row" spacing={3} flexWrap="wrap" useFlexGap>
          <KeyNumber
            label="Month-to-date spend"
            check={spendCheck}
            detail={formatCheckSource(spendCheck?.source, spendCheck?.category)}
          />
          <KeyNumber
            label="TTFT p95"
            check={value.checks.find(check => check.checkId === 'ttft-p95')}
          />
          <KeyNumber
            label="Eval score"
            check={evalCheck}
            detail={
              evalCheck
                ? `${evalCheck.checkId.slice('eval:'.length)}${
                    evalCount > 1 ? ` (weakest of ${evalCount} suites)` : ''
                  }`
                : undefined
            }
          />
        </Stack>
      </Stack>
    );
  }

  return (
    <InfoCard
      title="Scorecard"
      deepLink={{ title: 'View scorecard', link: scorecardLink }}
    >
      {body}
    </InfoCard>
  );
}
