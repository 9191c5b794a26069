export { CostPanel } from './CostPanel';
export { EfficiencyPanel } from './EfficiencyPanel';
export { EvalsPanel } from './EvalsPanel';
export { ReliabilityPanel } from './ReliabilityPanel';
export { TtftPanel, TTFT_TREND_QUERY } from './TtftPanel';
export type { TtftTrendState } from './TtftPanel';
export type { ScorecardPanelProps } from './ScorecardPanel';
