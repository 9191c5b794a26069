export {
  describeUnmetGovernance,
  evaluateGovernance,
} from './evaluateGovernance';
export {
  DEFAULT_GOVERNANCE_APPROVER_GROUPS,
  DEFAULT_GOVERNANCE_REQUIREMENTS,
  readGovernanceConfig,
} from './governanceConfig';
export { GOVERNANCE_CONTROLS } from './types';
export type {
  GovernanceAppliesTo,
  GovernanceConfig,
  GovernanceContext,
  GovernanceControl,
  GovernanceRequirement,
  GovernanceRequirementResult,
  GovernanceResult,
} from './types';
