export { EntityScorecardSummaryCard } from './ScorecardSummaryCard';
