export { CheckStatusChip, ScorecardLevelBadge } from './ScorecardStatus';
