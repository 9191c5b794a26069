import {
  evaluateGovernance,
  type GovernanceConfig,
} from '@ai-platform/plugin-ai-platform-common';
import type { Entity } from '@backstage/catalog-model';
import type { ScorecardCheckResult } from '../types';

/**
 * Prefix of the check ids of the `governance` category
 * (`governance:<requirement id>`).
 *
 * @internal
 */
export const GOVERNANCE_CHECK_PREFIX = 'governance:';

/**
 * One `governance:<requirement id>` check per requirement of
 * `aiPlatform.governance` that applies to the entity: `pass` when met,
 * `fail` when not (e.g. "L4 agent without an eval suite. How to satisfy:
 * …"). Approval requirements are not checks: approval happens once, before
 * the entity reaches the catalog. The scheduled evaluation runs these on
 * every Agent and ModelEndpoint already in the catalog, so a requirement
 * added to the config, or a spec edited past the golden path, shows up.
 *
 * @internal
 */
export function governanceChecks(
  entity: Entity,
  governance: GovernanceConfig,
): ScorecardCheckResult[] {
  return evaluateGovernance(entity, governance).requirements.map(
    requirement => ({
      checkId: `${GOVERNANCE_CHECK_PREFIX}${requirement.id}`,
      category: 'governance',
      status: requirement.status === 'met' ? 'pass' : 'fail',
      value: null,
      threshold: null,
      window: 'current-spec',
      message:
        requirement.status === 'met'
          ? `${requirement.message} (${requirement.rule})`
          : `${requirement.message} (${requirement.rule}). How to satisfy: ${requirement.howToSatisfy}`,
      source: 'entity-spec',
    }),
  );
}
