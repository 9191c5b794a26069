import type { Entity } from '@backstage/catalog-model';
import { AUTONOMY_LEVELS, type AutonomyLevel } from '../constants';
import { evaluateCelBoolean } from './celExpression';
import type {
  GovernanceConfig,
  GovernanceContext,
  GovernanceControl,
  GovernanceRequirement,
  GovernanceRequirementResult,
  GovernanceResult,
} from './types';

type Spec = Record<string, any>;

const CEL_HINT =
  ' (guard optional fields with has(), e.g. has(spec.audience) && spec.audience == "product")';

/** Why a requirement applies to the entity, e.g. "L4 agent", or undefined when it does not. */
function matchSubject(
  entity: Entity,
  requirement: GovernanceRequirement,
  celContext: Record<string, unknown>,
): { subject: string } | { error: string } | undefined {
  const { appliesTo } = requirement;
  if (
    !appliesTo.kinds.some(
      kind => kind.toLocaleLowerCase('en-US') === entityKind(entity),
    )
  ) {
    return undefined;
  }
  const spec = (entity.spec ?? {}) as Spec;
  const noun = entityKind(entity) === 'modelendpoint' ? 'endpoint' : 'agent';
  const hasCondition =
    appliesTo.minAutonomyLevel !== undefined ||
    appliesTo.riskTiers !== undefined ||
    appliesTo.dataClassifications !== undefined ||
    appliesTo.expression !== undefined;
  if (!hasCondition) {
    return { subject: describeEntity(spec, noun) };
  }
  const level = autonomyIndex(spec.autonomyLevel);
  if (
    appliesTo.minAutonomyLevel &&
    level !== undefined &&
    level >= autonomyIndex(appliesTo.minAutonomyLevel)!
  ) {
    return { subject: `${spec.autonomyLevel} ${noun}` };
  }
  if (appliesTo.riskTiers?.includes(spec.riskTier)) {
    return { subject: `${spec.riskTier}-risk ${noun}` };
  }
  if (appliesTo.dataClassifications?.includes(spec.dataClassification)) {
    return { subject: `${noun} handling ${spec.dataClassification} data` };
  }
  if (appliesTo.expression) {
    const result = evaluateCelBoolean(appliesTo.expression, celContext);
    if ('error' in result) {
      return { error: `appliesTo.expression ${result.error}` };
    }
    if (result.value) {
      return { subject: describeEntity(spec, noun) };
    }
  }
  return undefined;
}

function entityKind(entity: Entity): string {
  return String(entity.kind ?? '').toLocaleLowerCase('en-US');
}

function autonomyIndex(level: unknown): number | undefined {
  const index = AUTONOMY_LEVELS.indexOf(level as AutonomyLevel);
  return index < 0 ? undefined : index;
}

function describeEntity(spec: Spec, noun: string): string {
  return typeof spec.autonomyLevel === 'string'
    ? `${spec.autonomyLevel} ${noun}`
    : noun.charAt(0).toLocaleUpperCase('en-US') + noun.slice(1);
}

const CONTROL_TEXT: Record<
  GovernanceControl,
  (requirement: GovernanceRequirement) => string
> = {
  evalSuite: () => 'an eval suite with minScore',
  budget: () => 'a monthly budget',
  slo: () => 'an SLO',
  humanInTheLoop: () => 'humanInTheLoop: true',
  approval: () => 'approval',
  expression: r => r.expression ?? 'an expression',
};

/** The rule in words: `governance:<id> (<conditions> → <control>)`. */
function describeRule(requirement: GovernanceRequirement): string {
  const { appliesTo } = requirement;
  const conditions = [
    appliesTo.minAutonomyLevel &&
      `autonomyLevel ${appliesTo.minAutonomyLevel}+`,
    appliesTo.riskTiers && `riskTier ${appliesTo.riskTiers.join('/')}`,
    appliesTo.dataClassifications &&
      `dataClassification ${appliesTo.dataClassifications.join('/')}`,
    appliesTo.expression && `(${appliesTo.expression})`,
  ].filter(Boolean);
  const scope = conditions.length
    ? conditions.join(' or ')
    : `every ${appliesTo.kinds.join('/')}`;
  return `governance:${requirement.id} (${scope} → ${CONTROL_TEXT[
    requirement.control
  ](requirement)})`;
}

type ControlCheck = { met: boolean; missing: string; howToSatisfy: string };

function checkControl(
  control: Exclude<GovernanceControl, 'approval' | 'expression'>,
  spec: Spec,
): ControlCheck {
  switch (control) {
    case 'evalSuite': {
      const evals: unknown[] = Array.isArray(spec.evals) ? spec.evals : [];
      return {
        met: evals.some(
          e =>
            typeof (e as Spec)?.suite === 'string' &&
            typeof (e as Spec)?.minScore === 'number',
        ),
        missing: 'without an eval suite',
        howToSatisfy:
          'Add spec.evals with at least one suite and its minimum score, e.g. evals: [{ suite: my-golden-set, minScore: 0.8 }], and report its runs to POST /api/ai-platform/evals',
      };
    }
    case 'budget':
      return {
        met: typeof spec.budget?.monthlyUsd === 'number',
        missing: 'without a budget',
        howToSatisfy:
          'Set spec.budget.monthlyUsd, the monthly budget in US dollars, e.g. budget: { monthlyUsd: 1500 }',
      };
    case 'slo':
      return {
        met:
          typeof spec.slo?.ttftP95Ms === 'number' ||
          typeof spec.slo?.errorRatePercent === 'number',
        missing: 'without an SLO',
        howToSatisfy:
          'Set spec.slo with ttftP95Ms and/or errorRatePercent, e.g. slo: { ttftP95Ms: 1200, errorRatePercent: 2 }',
      };
    case 'humanInTheLoop':
    default:
      return {
        met: spec.humanInTheLoop === true,
        missing: 'without a human in the loop',
        howToSatisfy:
          'Set spec.humanInTheLoop: true and have a person review or approve the actions before they take effect, or lower spec.autonomyLevel',
      };
  }
}

/**
 * Evaluates the governance requirements for one entity (an Agent or a ModelEndpoint, in the
 * catalog or about to be committed). Requirements that do not apply are left out; approval
 * requirements never count as unmet, they set `approvalRequired` and give their reasons.
 * Pure: the same entity and config always give the same result.
 *
 * @public
 */
export function evaluateGovernance(
  entity: Entity,
  governance: GovernanceConfig,
  context: GovernanceContext = {},
): GovernanceResult {
  const spec = (entity.spec ?? {}) as Spec;
  const celContext: Record<string, unknown> = {
    entity: JSON.parse(JSON.stringify(entity)),
    spec: JSON.parse(JSON.stringify(spec)),
    request: context.request ?? {},
    plan: context.plan ?? {},
  };
  const requirements: GovernanceRequirementResult[] = [];
  const approvalReasons: string[] = [];

  for (const requirement of governance.requirements) {
    const rule = describeRule(requirement);
    const match = matchSubject(entity, requirement, celContext);
    if (!match) {
      continue;
    }
    if ('error' in match) {
      requirements.push({
        id: requirement.id,
        status: 'unmet',
        rule,
        message: `could not be evaluated: ${match.error}`,
        howToSatisfy: `Fix aiPlatform.governance requirement '${requirement.id}'${CEL_HINT}`,
      });
      continue;
    }
    const { subject } = match;
    if (requirement.control === 'approval') {
      approvalReasons.push(
        requirement.message ??
          `${subject} requires approval by ${governance.approverGroups.join(
            ' or ',
          )} (${rule})`,
      );
      continue;
    }
    if (requirement.control === 'expression') {
      const result = evaluateCelBoolean(requirement.expression!, celContext);
      const failed = 'error' in result;
      requirements.push({
        id: requirement.id,
        status: !failed && result.value ? 'met' : 'unmet',
        rule,
        message: failed
          ? `could not be evaluated (${result.error}); fix aiPlatform.governance requirement '${requirement.id}'`
          : requirement.message!,
        howToSatisfy: failed
          ? `Fix aiPlatform.governance requirement '${requirement.id}'${CEL_HINT}`
          : requirement.howToSatisfy ??
            `Change the entity so that ${requirement.expression} holds`,
      });
      continue;
    }
    const check = checkControl(requirement.control, spec);
    requirements.push({
      id: requirement.id,
      status: check.met ? 'met' : 'unmet',
      rule,
      message: check.met
        ? `${subject} has ${CONTROL_TEXT[requirement.control](requirement)}`
        : requirement.message ?? `${subject} ${check.missing}`,
      howToSatisfy: requirement.howToSatisfy ?? check.howToSatisfy,
    });
  }

  return {
    requirements,
    approvalRequired: approvalReasons.length > 0,
    approvalReasons,
  };
}

/**
 * The unmet requirements of a result as one line each (`- rule: message; how to satisfy`),
 * for error messages of the plan and validate actions.
 *
 * @public
 */
export function describeUnmetGovernance(result: GovernanceResult): string {
  return result.requirements
    .filter(r => r.status === 'unmet')
    .map(r => `- ${r.rule}: ${r.message}. How to satisfy: ${r.howToSatisfy}`)
    .join('\n');
}
