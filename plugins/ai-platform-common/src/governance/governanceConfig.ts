import type { Config } from '@backstage/config';
import { z } from 'zod';
import {
  AGENT_KIND,
  AGENT_RISK_TIERS,
  AUTONOMY_LEVELS,
  DATA_CLASSIFICATIONS,
  MODEL_ENDPOINT_KIND,
} from '../constants';
import { normalizeGroupRef } from '../planning/planningNames';
import { compileCelExpression } from './celExpression';
import {
  GOVERNANCE_CONTROLS,
  type GovernanceConfig,
  type GovernanceRequirement,
} from './types';

/**
 * The approver groups when neither `aiPlatform.governance.approverGroups` nor
 * `aiPlatform.permissions.platformGroups` is set.
 *
 * @public
 */
export const DEFAULT_GOVERNANCE_APPROVER_GROUPS = ['group:default/ml-platform'];

/**
 * The requirements used when `aiPlatform.governance.requirements` is absent:
 * L3+ agents need an eval suite with a minimum score, a budget and an SLO; L4+ or high-risk
 * agents need a human in the loop and an approval; entities handling restricted data need an
 * approval.
 *
 * @public
 */
export const DEFAULT_GOVERNANCE_REQUIREMENTS: readonly GovernanceRequirement[] =
  [
    {
      id: 'eval-suite',
      appliesTo: { kinds: [AGENT_KIND], minAutonomyLevel: 'L3' },
      control: 'evalSuite',
    },
    {
      id: 'budget',
      appliesTo: { kinds: [AGENT_KIND], minAutonomyLevel: 'L3' },
      control: 'budget',
    },
    {
      id: 'slo',
      appliesTo: { kinds: [AGENT_KIND], minAutonomyLevel: 'L3' },
      control: 'slo',
    },
    {
      id: 'human-in-the-loop',
      appliesTo: {
        kinds: [AGENT_KIND],
        minAutonomyLevel: 'L4',
        riskTiers: ['high'],
      },
      control: 'humanInTheLoop',
    },
    {
      id: 'approval-autonomy-risk',
      appliesTo: {
        kinds: [AGENT_KIND],
        minAutonomyLevel: 'L4',
        riskTiers: ['high'],
      },
      control: 'approval',
    },
    {
      id: 'approval-restricted-data',
      appliesTo: {
        kinds: [AGENT_KIND, MODEL_ENDPOINT_KIND],
        dataClassifications: ['restricted'],
      },
      control: 'approval',
    },
  ];

const requirementSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
      message: 'must be lowercase letters, digits, - or .',
    }),
    appliesTo: z
      .object({
        kinds: z
          .array(z.string().min(1))
          .min(1)
          .default([AGENT_KIND, MODEL_ENDPOINT_KIND]),
        minAutonomyLevel: z.enum(AUTONOMY_LEVELS).optional(),
        riskTiers: z.array(z.enum(AGENT_RISK_TIERS)).min(1).optional(),
        dataClassifications: z
          .array(z.enum(DATA_CLASSIFICATIONS))
          .min(1)
          .optional(),
        expression: z.string().min(1).optional(),
      })
      .strict()
      .default({ kinds: [AGENT_KIND, MODEL_ENDPOINT_KIND] }),
    control: z.enum(GOVERNANCE_CONTROLS),
    expression: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
    howToSatisfy: z.string().min(1).optional(),
  })
  .strict();

const governanceSchema = z
  .object({
    approverGroups: z.array(z.string().min(1)).min(1).optional(),
    requirements: z.array(requirementSchema).optional(),
    // Read and validated by the approval gate and audit trail of the backend.
    retention: z.unknown().optional(),
  })
  .strict();

function configPath(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) =>
      typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`,
    'aiPlatform.governance',
  );
}

function checkRequirement(
  requirement: GovernanceRequirement,
  key: string,
): string[] {
  const problems: string[] = [];
  if (requirement.control === 'expression' && !requirement.expression) {
    problems.push(
      `${key}.expression: is required when control is 'expression' (a CEL expression over entity, spec, request and plan that must be true)`,
    );
  }
  if (requirement.control !== 'expression' && requirement.expression) {
    problems.push(
      `${key}.expression: only allowed with control 'expression' (got control '${requirement.control}'); use appliesTo.expression to choose the entities`,
    );
  }
  if (requirement.control === 'expression' && !requirement.message) {
    problems.push(
      `${key}.message: is required when control is 'expression' (what is wrong when the expression is false)`,
    );
  }
  for (const [field, expression] of [
    ['expression', requirement.expression],
    ['appliesTo.expression', requirement.appliesTo.expression],
  ] as const) {
    if (expression) {
      try {
        compileCelExpression(expression);
      } catch (error) {
        problems.push(
          `${key}.${field}: not a valid CEL expression: ${
            (error as Error).message
          }`,
        );
      }
    }
  }
  return problems;
}

/**
 * Reads and validates `aiPlatform.governance`. Without a `requirements` list the
 * {@link DEFAULT_GOVERNANCE_REQUIREMENTS} apply; a list replaces them entirely. The approver
 * groups default to `aiPlatform.permissions.platformGroups`, then to
 * {@link DEFAULT_GOVERNANCE_APPROVER_GROUPS}. Every problem is reported at once in one Error,
 * each line naming its config key.
 *
 * @public
 */
export function readGovernanceConfig(config: Config): GovernanceConfig {
  const raw = config.getOptional<unknown>('aiPlatform.governance') ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(
      'Invalid AI Platform config: aiPlatform.governance must be an object',
    );
  }
  const parsed = governanceSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid AI Platform config:\n${parsed.error.issues
        .map(issue => `- ${configPath(issue.path)}: ${issue.message}`)
        .join('\n')}`,
    );
  }
  const value = parsed.data;
  const problems: string[] = [];

  const requirements: GovernanceRequirement[] =
    value.requirements?.map(requirement => ({ ...requirement })) ??
    DEFAULT_GOVERNANCE_REQUIREMENTS.map(requirement => ({
      ...requirement,
      appliesTo: { ...requirement.appliesTo },
    }));
  const ids = requirements.map(r => r.id);
  for (const dup of new Set(ids.filter((v, i) => ids.indexOf(v) !== i))) {
    problems.push(
      `aiPlatform.governance.requirements: '${dup}' is defined more than once`,
    );
  }
  requirements.forEach((requirement, i) =>
    problems.push(
      ...checkRequirement(
        requirement,
        `aiPlatform.governance.requirements[${i}]`,
      ),
    ),
  );

  const groupsKey = value.approverGroups
    ? 'aiPlatform.governance.approverGroups'
    : 'aiPlatform.permissions.platformGroups';
  const groups = value.approverGroups ??
    config.getOptionalStringArray('aiPlatform.permissions.platformGroups') ?? [
      ...DEFAULT_GOVERNANCE_APPROVER_GROUPS,
    ];
  const approverGroups: string[] = [];
  groups.forEach((group, i) => {
    const ref = normalizeGroupRef(group);
    if (!ref || !ref.startsWith('group:')) {
      problems.push(
        `${groupsKey}[${i}]: '${group}' must be a group reference like group:default/ml-platform`,
      );
    } else {
      approverGroups.push(ref);
    }
  });

  if (problems.length > 0) {
    throw new Error(
      `Invalid AI Platform config:\n${problems.map(p => `- ${p}`).join('\n')}`,
    );
  }
  return { approverGroups, requirements };
}
