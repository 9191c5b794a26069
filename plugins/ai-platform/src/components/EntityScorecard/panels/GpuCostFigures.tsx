import {
  EntityCost,
  formatCount,
  formatUtcMinute,
  SelfHostedGpuCost,
  UnitCost,
} from '@ai-platform/plugin-ai-platform-common';
import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import {
  CostBasisLabel,
  formatGpuHours,
  formatPerMillionOutputTokens,
  formatPerThousandRequests,
  unitCostGap,
} from '../../CostBasis';
import { formatUsd } from '../scorecardDisplay';
import { KeyFigure } from './KeyFigure';

function priceSourceLabel(gpu: SelfHostedGpuCost): string {
  if (gpu.priceSource === 'entity-pricing') {
    return 'from spec.pricing.gpuHourUsd';
  }
  return gpu.gpuProfile
    ? `from GPU profile ${gpu.gpuProfile} (aiPlatform.gpuProfiles)`
    : 'from the GPU profile (aiPlatform.gpuProfiles)';
}

/**
 * The last month-to-date cost its source answered (the `budget-mtd` check's
 * `lastAvailable`), shown while the source is unavailable.
 */
export interface LastGoodCost {
  valueUsd: number;
  /** ISO 8601 date-time of the evaluation that measured it. */
  evaluatedAt: string;
}

/**
 * The month-to-date cost with its basis (or, while its source is
 * unavailable, the last good value with its time); for a self-hosted endpoint also
 * GPU-hours, the price per GPU-hour and where it came from, and the
 * month-end forecast.
 */
export function EntityCostFigures(props: {
  cost: EntityCost;
  lastGood?: LastGoodCost;
}) {
  const { cost, lastGood } = props;
  const gpu = cost.gpu;
  let value = cost.costUsd === null ? '—' : formatUsd(cost.costUsd);
  let detail = <CostBasisLabel basis={cost.basis} />;
  if (cost.costUsd === null && lastGood) {
    value = formatUsd(lastGood.valueUsd);
    detail = (
      <>
        last good value, {formatUtcMinute(lastGood.evaluatedAt)}
        <br />
        <CostBasisLabel basis={cost.basis} />
      </>
    );
  }
  return (
    <>
      <KeyFigure label="Cost month to date" value={value} detail={detail} />
      {cost.gpuShare && (
        <KeyFigure
          label="Share of self-hosted GPU cost"
          value={formatUsd(cost.gpuShare.gpuShareCostUsd)}
          detail={`by tokens per hour, ${
            cost.gpuShare.estimated
              ? 'GPU-hours estimated from the spec'
              : 'GPU-hours from Prometheus'
          } · gateway cost of the other calls ${formatUsd(
            cost.gpuShare.gatewayCostUsd,
          )}`}
        />
      )}
      {gpu && (
        <>
          <KeyFigure
            label="Month-end forecast"
            value={formatUsd(gpu.forecastMonthUsd)}
            detail={
              gpu.gpuHoursSource === 'spec-estimate'
                ? 'the allocation held to the month’s end'
                : 'month to date scaled to the whole month'
            }
          />
          <KeyFigure
            label="GPU-hours"
            value={formatGpuHours(gpu.gpuHours)}
            detail={`${formatUtcMinute(gpu.window.from)} to ${formatUtcMinute(
              gpu.window.to,
            )} · ${gpu.gpusPerReplica} GPU${
              gpu.gpusPerReplica === 1 ? '' : 's'
            } per replica`}
          />
          <KeyFigure
            label="Price per GPU-hour"
            value={formatUsd(gpu.gpuHourUsd)}
            detail={priceSourceLabel(gpu)}
          />
        </>
      )}
    </>
  );
}

/** How the cost was computed, or why it could not be. */
export function EntityCostBasisSentence(props: { cost: EntityCost }) {
  const { cost } = props;
  if (cost.basis === 'unavailable') {
    return (
      <Alert severity="warning" variant="outlined">
        The cost could not be computed:{' '}
        {cost.unavailableReason ?? 'no reason given'}
      </Alert>
    );
  }
  if (cost.gpuShare) {
    // An agent that called self-hosted endpoints: how its cost is made up.
    return (
      <Typography
        variant="body2"
        color="text.secondary"
        aria-label="Cost basis"
        sx={{ overflowWrap: 'anywhere' }}
      >
        {cost.gpuShare.basis}
      </Typography>
    );
  }
  if (!cost.gpu) {
    return null;
  }
  return (
    <Typography
      variant="body2"
      color="text.secondary"
      aria-label="Cost basis"
      // The basis quotes a PromQL selector, which has no spaces to break at.
      sx={{ overflowWrap: 'anywhere' }}
    >
      {cost.gpu.basis}
    </Typography>
  );
}

/**
 * Cost per million output tokens and per 1,000 requests, comparable between
 * self-hosted (GPU cost ÷ work) and managed (gateway cost ÷ work) endpoints.
 */
export function UnitCostFigures(props: { unitCost: UnitCost }) {
  const { unitCost } = props;
  const tokensGap = unitCostGap(unitCost, 'output-tokens');
  const requestsGap = unitCostGap(unitCost, 'requests');
  return (
    <>
      <KeyFigure
        label="Cost per million output tokens"
        value={formatPerMillionOutputTokens(unitCost)}
        detail={
          <>
            {tokensGap ??
              `${formatUsd(unitCost.costUsd)} over ${formatCount(
                unitCost.outputTokens,
              )} output tokens this month`}
            <br />
            <CostBasisLabel basis={unitCost.basis} />
          </>
        }
      />
      <KeyFigure
        label="Cost per 1,000 requests"
        value={formatPerThousandRequests(unitCost)}
        detail={
          requestsGap ??
          `${formatUsd(unitCost.costUsd)} over ${formatCount(
            unitCost.requests,
          )} requests this month`
        }
      />
    </>
  );
}
