import { formatCount } from '@ai-platform/plugin-ai-platform-common';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Stack from '@mui/material/Stack';
import { EntityScorecard } from '../../../api';
import { formatUsd, unitCostsUsd } from '../scorecardDisplay';
import { TrendChart } from '../TrendChart';
import { DAY_MS, dailyTrendPoints, dailyWindowLabel } from './dailyTrend';
import {
  EntityCostBasisSentence,
  EntityCostFigures,
  UnitCostFigures,
} from './GpuCostFigures';
import { KeyFigure, MONTH_TO_DATE_USAGE } from './KeyFigure';
import { ScorecardPanel, ScorecardPanelProps } from './ScorecardPanel';
import { UnitCostComparison } from './UnitCostComparison';

/**
 * Unit costs from the month-to-date gateway usage, for backends that do not
 * send `cost` with the scorecard.
 */
function GatewayUsageUnitCosts(props: {
  usage: NonNullable<EntityScorecard['usageMonthToDate']>;
}) {
  const { usage } = props;
  const unitCosts = unitCostsUsd(usage);
  return (
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
  );
}

/**
 * Budget checks; the month-to-date cost with where it came from (GPU-hours
 * from Prometheus or estimated from the spec for a self-hosted endpoint, the
 * gateway's per-call cost otherwise), GPU-hours, price and forecast; unit
 * cost, beside the other endpoints of the same type for a ModelEndpoint;
 * spend per day where that is the gateway's cost.
 */
export function CostPanel(
  props: ScorecardPanelProps & { entityRef?: CompoundEntityRef },
) {
  const { entityRef, ...panelProps } = props;
  const { cost, usageMonthToDate: usage } = props.scorecard;
  const daily = props.scorecard.dailyUsage ?? [];
  // The gateway prices a self-hosted endpoint's calls by tokens; that is not
  // what the GPUs cost, so its daily spend is only shown on a gateway basis.
  const gatewayPriced = !cost || cost.basis === 'gateway';
  const isModelEndpoint =
    entityRef?.kind.toLocaleLowerCase('en-US') === 'modelendpoint';
  let figures = usage && <GatewayUsageUnitCosts usage={usage} />;
  if (cost) {
    const lastGood = props.scorecard.checks.find(
      c => c.checkId === 'budget-mtd',
    )?.lastAvailable;
    figures = (
      <>
        <EntityCostFigures
          cost={cost}
          lastGood={
            lastGood && lastGood.value !== null
              ? { valueUsd: lastGood.value, evaluatedAt: lastGood.evaluatedAt }
              : undefined
          }
        />
        {cost.unitCost && <UnitCostFigures unitCost={cost.unitCost} />}
      </>
    );
  }
  return (
    <ScorecardPanel
      {...panelProps}
      figures={figures}
      details={
        cost && (
          <Stack spacing={2}>
            <EntityCostBasisSentence cost={cost} />
            {isModelEndpoint && entityRef && (
              <UnitCostComparison entityRef={entityRef} />
            )}
          </Stack>
        )
      }
      trend={
        gatewayPriced &&
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
