import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  AUTONOMY_LEVELS,
  AUTONOMY_LEVEL_DESCRIPTIONS,
  AutonomyLevel,
  usdFormatter,
} from '@ai-platform/plugin-ai-platform-common';

/** What the cards show for a field the entity does not declare. */
export const NOT_SET = '—';

/** Display names of the Agent audiences. */
export const AGENT_AUDIENCE_LABELS: Readonly<Record<string, string>> = {
  product: 'Product',
  'internal-tool': 'Internal tool',
};

/** Display names of the Agent risk tiers. */
export const AGENT_RISK_TIER_LABELS: Readonly<Record<string, string>> = {
  minimal: 'Minimal',
  limited: 'Limited',
  high: 'High',
};

/**
 * The display name of a spec value from a label table, the value itself when
 * the table does not know it, or `undefined` when the spec leaves it out.
 */
export function displayLabel(
  labels: Readonly<Record<string, string>>,
  value: string | undefined,
): string | undefined {
  return value ? labels[value] ?? value : undefined;
}

function isAutonomyLevel(value: unknown): value is AutonomyLevel {
  return (
    typeof value === 'string' &&
    (AUTONOMY_LEVELS as readonly string[]).includes(value)
  );
}

/**
 * What an autonomy level means, or an explanation that the value is not an
 * autonomy level (the card shows whatever the catalog holds).
 */
export function describeAutonomyLevel(value: string): {
  title: string;
  description: string;
} {
  if (isAutonomyLevel(value)) {
    return AUTONOMY_LEVEL_DESCRIPTIONS[value];
  }
  return {
    title: 'Unknown level',
    description: `"${value}" is not an autonomy level; expected one of ${AUTONOMY_LEVELS.join(
      ', ',
    )}.`,
  };
}

/**
 * Dollars on the overview cards: whole amounts without cents (`$9,000`),
 * others with two decimals (`$3.20`).
 */
export const formatUsd = usdFormatter({
  unit: 'symbol',
  cents: 'unless-whole',
});

/** Formats a replica range, e.g. `1–4`, `2` (min = max), `≥ 1`, `≤ 4`. */
export function formatReplicaRange(replicas?: {
  min?: number;
  max?: number;
}): string | undefined {
  const { min, max } = replicas ?? {};
  if (min !== undefined && max !== undefined) {
    return min === max ? `${min}` : `${min}–${max}`;
  }
  if (min !== undefined) {
    return `≥ ${min}`;
  }
  if (max !== undefined) {
    return `≤ ${max}`;
  }
  return undefined;
}

/** A one-line summary of how a ModelEndpoint entity is served. */
export function describeModelServing(entity: Entity): string {
  const serving = (entity.spec?.serving ?? {}) as Record<string, unknown>;
  if (serving.mode === 'self-hosted') {
    return ['Self-hosted', serving.runtime, serving.gpuProfile]
      .filter(part => typeof part === 'string' && part.length > 0)
      .join(' · ');
  }
  if (serving.mode === 'managed') {
    return typeof serving.provider === 'string'
      ? `Managed · ${serving.provider}`
      : 'Managed';
  }
  return typeof serving.mode === 'string' ? serving.mode : NOT_SET;
}

/** The targets of an entity's relations of one type, parsed. */
export function readRelationTargets(
  entity: Entity,
  relationType: string,
): CompoundEntityRef[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === relationType)
    .map(relation => parseEntityRef(relation.targetRef));
}

/**
 * Parses an entity reference from an entity's spec relative to the entity,
 * or returns undefined when it is malformed (the catalog processor reports that).
 */
export function parseSpecEntityRef(
  entity: Entity,
  ref: unknown,
  defaultKind: string,
): CompoundEntityRef | undefined {
  if (typeof ref !== 'string' || ref.length === 0) {
    return undefined;
  }
  try {
    return parseEntityRef(ref, {
      defaultKind,
      defaultNamespace: entity.metadata.namespace ?? 'default',
    });
  } catch {
    return undefined;
  }
}
