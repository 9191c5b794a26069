import {
  describeUnmetGovernance,
  type GovernanceResult,
} from '@ai-platform/plugin-ai-platform-common';
import type { z as zod } from 'zod/v3';

/**
 * The `governance` output of the plan and validate actions: every applicable requirement of
 * `aiPlatform.governance` with its status, and whether approval is required.
 *
 * @internal
 */
export function governanceOutputSchema(z: typeof zod) {
  return z
    .object({
      requirements: z.array(
        z.object({
          id: z.string(),
          status: z.enum(['met', 'unmet']),
          rule: z.string(),
          message: z.string(),
          howToSatisfy: z.string(),
        }),
      ),
      approvalRequired: z.boolean(),
      approvalReasons: z.array(z.string()),
    })
    .describe(
      'Governance requirements (aiPlatform.governance) with their status, and whether a human approval is required before the entity reaches the catalog',
    );
}

/**
 * The error text listing every unmet governance requirement, or undefined when all are met.
 * Approval being required is not an error: the commit step routes it to a proposal branch.
 *
 * @internal
 */
export function describeGovernanceFailure(
  entityRef: string,
  governance: GovernanceResult,
): string | undefined {
  const unmet = governance.requirements.filter(r => r.status === 'unmet');
  if (unmet.length === 0) {
    return undefined;
  }
  return `${entityRef} does not meet ${unmet.length} governance requirement(s) (aiPlatform.governance):\n${describeUnmetGovernance(
    governance,
  )}`;
}
