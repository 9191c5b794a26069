export { AiEntityField, AiEntityFieldGrid } from './AiEntityFields';
export {
  AGENT_AUDIENCE_LABELS,
  AGENT_RISK_TIER_LABELS,
  NOT_SET,
  describeAutonomyLevel,
  describeModelServing,
  displayLabel,
  formatReplicaRange,
  formatUsd,
  parseSpecEntityRef,
  readRelationTargets,
} from './aiEntityDisplay';
