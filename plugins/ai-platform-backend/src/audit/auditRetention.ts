import type { Config } from '@backstage/config';

/**
 * Days audit events are kept, per risk tier of their entity.
 *
 * @internal
 */
export type AuditRetention = {
  /** Days per risk tier (`minimal`, `limited`, `high`, or any other tier name). */
  daysByRiskTier: Record<string, number>;
  /** Days for events of an entity without a risk tier (ModelEndpoints, unknown tiers). */
  defaultDays: number;
};

/**
 * Defaults of `aiPlatform.governance.retention.audit`: a year for high risk
 * (the EU AI Act asks for at least six months of logs of high-risk systems).
 *
 * @internal
 */
export const DEFAULT_AUDIT_RETENTION: AuditRetention = {
  daysByRiskTier: { minimal: 90, limited: 180, high: 365 },
  defaultDays: 180,
};

/**
 * The least a high-risk entity's audit events may be kept: six months.
 *
 * @internal
 */
export const MIN_HIGH_RISK_AUDIT_DAYS = 180;

/**
 * Reads `aiPlatform.governance.retention.audit` (`defaultDays` and
 * `byRiskTier.<tier>`), refusing non-positive values and a high-risk
 * retention under {@link MIN_HIGH_RISK_AUDIT_DAYS} days.
 *
 * @internal
 */
export function readAuditRetention(config: Config): AuditRetention {
  const audit = config.getOptionalConfig(
    'aiPlatform.governance.retention.audit',
  );
  const key = 'aiPlatform.governance.retention.audit';
  const positive = (value: number, name: string) => {
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(
        `Invalid config '${key}.${name}': expected a positive number of days, got ${value}`,
      );
    }
    return value;
  };
  const daysByRiskTier = { ...DEFAULT_AUDIT_RETENTION.daysByRiskTier };
  const byTier = audit?.getOptionalConfig('byRiskTier');
  for (const tier of byTier?.keys() ?? []) {
    daysByRiskTier[tier] = positive(
      byTier!.getNumber(tier),
      `byRiskTier.${tier}`,
    );
  }
  if (daysByRiskTier.high < MIN_HIGH_RISK_AUDIT_DAYS) {
    throw new Error(
      `Invalid config '${key}.byRiskTier.high': audit events of high-risk entities must be kept at least ${MIN_HIGH_RISK_AUDIT_DAYS} days, got ${daysByRiskTier.high}`,
    );
  }
  return {
    daysByRiskTier,
    defaultDays: positive(
      audit?.getOptionalNumber('defaultDays') ??
        DEFAULT_AUDIT_RETENTION.defaultDays,
      'defaultDays',
    ),
  };
}
