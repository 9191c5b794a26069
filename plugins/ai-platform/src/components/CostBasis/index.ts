export { CostBasisLabel, EstimateChip } from './CostBasisLabel';
export { RightSizingList, RIGHT_SIZING_NOTE } from './RightSizingList';
export {
  costBasisLabel,
  describeRightSizingChange,
  formatGpuHours,
  formatPerMillionOutputTokens,
  formatPerThousandRequests,
  isEstimatedBasis,
  unitCostGap,
} from './costBasis';
