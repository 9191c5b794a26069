import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

const ENTITY_SUBJECT_PREFIX = 'entity:';

/**
 * Prefix of the rollup subjects that hold unattributed telemetry.
 *
 * @internal
 */
export const UNATTRIBUTED_SUBJECT_PREFIX = 'unattributed:';

/**
 * Normalizes an entity ref to the lower-case `kind:namespace/name` form that
 * the telemetry tables store (`namespace` defaults to `default`).
 *
 * @throws InputError when the ref has no kind or is malformed
 * @internal
 */
export function normalizeTelemetryEntityRef(entityRef: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(entityRef, { defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(
      `Invalid entity ref '${entityRef}', expected kind:namespace/name`,
      error,
    );
  }
  return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
}

/**
 * The rollup subject of a catalog entity, e.g.
 * `entity:modelendpoint:default/llama-chat`.
 *
 * @internal
 */
export function entitySubject(entityRef: string): string {
  return `${ENTITY_SUBJECT_PREFIX}${normalizeTelemetryEntityRef(entityRef)}`;
}

/**
 * The rollup subject of telemetry that no entity claimed, e.g.
 * `unattributed:gpt-4o-mini`. The join key is kept as seen.
 *
 * @internal
 */
export function unattributedSubject(joinKey: string): string {
  return `${UNATTRIBUTED_SUBJECT_PREFIX}${joinKey}`;
}

/**
 * Prefix of the rollup subjects that hold telemetry of agent ids that no
 * catalog entity claimed.
 *
 * @internal
 */
export const UNATTRIBUTED_AGENT_SUBJECT_PREFIX = 'unattributed-agent:';

/**
 * The rollup subject of calls made for an agent id that no entity claimed,
 * e.g. `unattributed-agent:agt_01J9`. Kept apart from the model aliases so
 * an alias and an agent id with the same text never share counters.
 *
 * @internal
 */
export function unattributedAgentSubject(agentJoinKey: string): string {
  return `${UNATTRIBUTED_AGENT_SUBJECT_PREFIX}${agentJoinKey}`;
}
