import type {
  AgentRiskTier,
  AutonomyLevel,
  DataClassification,
} from '../constants';

/**
 * The controls a governance requirement can demand of an entity.
 *
 * - `evalSuite`: at least one eval suite with its `minScore` (`spec.evals`).
 * - `budget`: a monthly budget (`spec.budget.monthlyUsd`).
 * - `slo`: a service level objective (`spec.slo.ttftP95Ms` or `spec.slo.errorRatePercent`).
 * - `humanInTheLoop`: `spec.humanInTheLoop: true`.
 * - `approval`: a human approval before the entity reaches the catalog; never "unmet", it
 *   makes {@link GovernanceResult.approvalRequired} true.
 * - `expression`: a CEL expression over `entity`, `spec`, `request` and `plan` that must be true.
 *
 * @public
 */
export const GOVERNANCE_CONTROLS = [
  'evalSuite',
  'budget',
  'slo',
  'humanInTheLoop',
  'approval',
  'expression',
] as const;

/**
 * One of {@link GOVERNANCE_CONTROLS}.
 *
 * @public
 */
export type GovernanceControl = (typeof GOVERNANCE_CONTROLS)[number];

/**
 * Which entities a requirement applies to. The conditions are alternatives: the requirement
 * applies when ANY given condition holds; with none given it applies to every entity of the
 * listed kinds.
 *
 * @public
 */
export type GovernanceAppliesTo = {
  /** Entity kinds the requirement is about (default Agent and ModelEndpoint). */
  kinds: string[];
  /** Applies to agents at this autonomy level or higher ("L3+"). */
  minAutonomyLevel?: AutonomyLevel;
  /** Applies to agents in one of these risk tiers. */
  riskTiers?: AgentRiskTier[];
  /** Applies to entities handling one of these data classifications. */
  dataClassifications?: DataClassification[];
  /** Applies when this CEL expression over `entity`, `spec`, `request`, `plan` is true. */
  expression?: string;
};

/**
 * One requirement of `aiPlatform.governance.requirements`, with defaults applied.
 *
 * @public
 */
export type GovernanceRequirement = {
  /** Stable id, reported as `governance:<id>`. */
  id: string;
  appliesTo: GovernanceAppliesTo;
  control: GovernanceControl;
  /** For `control: expression`: the CEL expression that must be true. */
  expression?: string;
  /** Overrides the generated message when the requirement is unmet. */
  message?: string;
  /** Overrides the generated advice on how to satisfy the requirement. */
  howToSatisfy?: string;
};

/**
 * The validated `aiPlatform.governance` config, with defaults applied.
 *
 * @public
 */
export type GovernanceConfig = {
  /** Group refs whose members may approve (default: the platform groups). */
  approverGroups: string[];
  /** The requirements; the documented defaults when the config has none. */
  requirements: GovernanceRequirement[];
};

/**
 * The outcome of one requirement for one entity.
 *
 * @public
 */
export type GovernanceRequirementResult = {
  /** The requirement id. */
  id: string;
  status: 'met' | 'unmet';
  /** The rule in words, e.g. `governance:eval-suite (autonomyLevel L3+ → eval suite with minScore)`. */
  rule: string;
  /** What was found, e.g. "L4 agent without an eval suite". */
  message: string;
  /** How to satisfy the requirement (also given when met, for display). */
  howToSatisfy: string;
};

/**
 * What governance asks of one entity: every applicable requirement with its status, and
 * whether a human approval is required before the entity reaches the catalog.
 *
 * @public
 */
export type GovernanceResult = {
  requirements: GovernanceRequirementResult[];
  approvalRequired: boolean;
  /** Why approval is required, one line per approval requirement that applies. */
  approvalReasons: string[];
};

/**
 * Extra values the CEL expressions may read besides the entity (the plan actions pass the
 * template request and the plan).
 *
 * @public
 */
export type GovernanceContext = {
  request?: unknown;
  plan?: unknown;
};
