import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { RetentionScope } from '../database/retentionScope';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY = 'aiPlatform.governance.retention.telemetry';

/**
 * Days raw telemetry (events, agent runs and tool calls) is kept: per risk
 * tier of the entity it is attributed to, else `defaultDays`
 * (`aiPlatform.telemetry.retentionDays`). Hourly rollups are kept anyway.
 *
 * @internal
 */
export interface TelemetryRetention {
  defaultDays: number;
  daysByRiskTier: Record<string, number>;
}

/**
 * Default of `aiPlatform.governance.retention.telemetry.byRiskTier`: the
 * raw calls of a high-risk entity are kept six months (the EU AI Act's
 * minimum for logs of high-risk systems); other tiers use the default days.
 *
 * @internal
 */
export const DEFAULT_TELEMETRY_DAYS_BY_RISK_TIER: Record<string, number> = {
  high: 180,
};

/**
 * Reads `aiPlatform.governance.retention.telemetry.byRiskTier.<tier>`
 * (positive days) over the defaults.
 *
 * @internal
 */
export function readTelemetryRetention(
  config: Config,
  defaultDays: number,
): TelemetryRetention {
  const daysByRiskTier = { ...DEFAULT_TELEMETRY_DAYS_BY_RISK_TIER };
  const byTier = config.getOptionalConfig(`${KEY}.byRiskTier`);
  for (const tier of byTier?.keys() ?? []) {
    const days = byTier!.getNumber(tier);
    if (!Number.isFinite(days) || days <= 0) {
      throw new Error(
        `Invalid config '${KEY}.byRiskTier.${tier}': expected a positive number of days, got ${days}`,
      );
    }
    daysByRiskTier[tier] = days;
  }
  return { defaultDays, daysByRiskTier };
}

/** One deletion of a retention run: rows of `scope` older than `before`. */
export interface RetentionDeletion {
  /** The risk tier the deletion is for; `null` for the default days. */
  riskTier: string | null;
  days: number;
  before: Date;
  scope: RetentionScope;
}

function riskTierOf(entity: Entity): string | undefined {
  const tier = (entity.spec as { riskTier?: unknown } | undefined)?.riskTier;
  return typeof tier === 'string' ? tier : undefined;
}

/**
 * The deletions of one retention run: the default days for every row but
 * those of entities whose risk tier has its own days, then one deletion per
 * such tier for its entities only.
 *
 * @internal
 */
export function planTelemetryRetention(
  entities: Entity[],
  retention: TelemetryRetention,
  now: Date,
): RetentionDeletion[] {
  const refsByTier = new Map<string, string[]>();
  for (const entity of entities) {
    const tier = riskTierOf(entity);
    const days =
      tier === undefined ? undefined : retention.daysByRiskTier[tier];
    if (tier === undefined || days === undefined) {
      continue;
    }
    if (days === retention.defaultDays) {
      continue;
    }
    const refs = refsByTier.get(tier) ?? [];
    refs.push(stringifyEntityRef(entity).toLocaleLowerCase('en-US'));
    refsByTier.set(tier, refs);
  }
  const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const deletions: RetentionDeletion[] = [
    {
      riskTier: null,
      days: retention.defaultDays,
      before: cutoff(retention.defaultDays),
      scope: { exceptEntityRefs: [...refsByTier.values()].flat() },
    },
  ];
  for (const [tier, refs] of [...refsByTier].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const days = retention.daysByRiskTier[tier];
    deletions.push({
      riskTier: tier,
      days,
      before: cutoff(days),
      scope: { onlyEntityRefs: refs },
    });
  }
  return deletions;
}

/**
 * The stores a retention run deletes from.
 *
 * @internal
 */
export interface RetentionTargets {
  telemetryStore: {
    deleteEventsBefore(before: Date, scope?: RetentionScope): Promise<number>;
  };
  agentRunStore: {
    deleteBefore(before: Date, scope?: RetentionScope): Promise<number>;
  };
}

/** What one deletion removed. */
export interface RetentionResult {
  deletion: RetentionDeletion;
  events: number;
  agentRows: number;
}

/**
 * Runs the deletions of {@link planTelemetryRetention} in order.
 *
 * @internal
 */
export async function runTelemetryRetention(
  deletions: RetentionDeletion[],
  targets: RetentionTargets,
): Promise<RetentionResult[]> {
  const results: RetentionResult[] = [];
  for (const deletion of deletions) {
    const events = await targets.telemetryStore.deleteEventsBefore(
      deletion.before,
      deletion.scope,
    );
    const agentRows = await targets.agentRunStore.deleteBefore(
      deletion.before,
      deletion.scope,
    );
    results.push({ deletion, events, agentRows });
  }
  return results;
}

/** One log line per deletion. */
export function describeRetentionResult(result: RetentionResult): string {
  const { deletion, events, agentRows } = result;
  const whose =
    deletion.riskTier === null
      ? 'of entities without a tier of their own'
      : `of ${deletion.scope.onlyEntityRefs?.length ?? 0} ${
          deletion.riskTier
        }-risk entities`;
  return `Deleted ${events} raw telemetry events and ${agentRows} agent runs and tool calls ${whose} older than ${
    deletion.days
  } days (before ${deletion.before.toISOString()}); rollups are kept`;
}
