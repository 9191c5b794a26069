import type {
  AuditAction,
  AuditEvent,
} from '@ai-platform/plugin-ai-platform-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const TABLE = 'ai_platform_audit_events';

/** Rows per DELETE batch of the retention job. */
const DELETE_BATCH_ROWS = 1000;

/**
 * An audit event to record.
 *
 * @internal
 */
export type NewAuditEvent = {
  action: AuditAction;
  actor: string;
  /** Lower-case entity ref. */
  entityRef: string;
  decision?: string;
  reasons?: string[];
  details?: Record<string, unknown>;
  riskTier?: string;
  occurredAt?: Date;
};

interface AuditRow {
  id: string;
  occurred_at: number | string;
  action: AuditAction;
  actor: string;
  entity_ref: string;
  decision: string | null;
  reasons: string;
  details: string;
  risk_tier: string | null;
}

/**
 * Stores the audit trail in `ai_platform_audit_events` (PostgreSQL or
 * SQLite; migrated by the telemetry store).
 *
 * @internal
 */
export class DatabaseAuditStore {
  constructor(private readonly db: Knex) {}

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    const row: AuditRow = {
      id: randomUUID(),
      occurred_at: (event.occurredAt ?? new Date()).getTime(),
      action: event.action,
      actor: event.actor,
      entity_ref: event.entityRef,
      decision: event.decision ?? null,
      reasons: JSON.stringify(event.reasons ?? []),
      details: JSON.stringify(event.details ?? {}),
      risk_tier: event.riskTier ?? null,
    };
    await this.db<AuditRow>(TABLE).insert(row);
    return toAuditEvent(row);
  }

  /** The entity's audit trail, newest first. */
  async listByEntity(entityRef: string, limit = 500): Promise<AuditEvent[]> {
    const rows = await this.db<AuditRow>(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit);
    return rows.map(toAuditEvent);
  }

  /**
   * Deletes the events of one risk tier (`null`: events without a tier)
   * older than `before`; returns how many.
   */
  async deleteBefore(riskTier: string | null, before: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = this.db<AuditRow>(TABLE)
        .select('id')
        .where('occurred_at', '<', before.getTime())
        .limit(DELETE_BATCH_ROWS);
      if (riskTier === null) {
        ids.whereNull('risk_tier');
      } else {
        ids.where('risk_tier', riskTier);
      }
      const batch = (await ids).map(row => row.id);
      if (batch.length === 0) {
        return deleted;
      }
      deleted += await this.db<AuditRow>(TABLE).whereIn('id', batch).delete();
    }
  }

  /** Deletes events of tiers other than `knownTiers` (and not null) older than `before`. */
  async deleteOtherTiersBefore(
    knownTiers: string[],
    before: Date,
  ): Promise<number> {
    return this.db<AuditRow>(TABLE)
      .whereNotNull('risk_tier')
      .whereNotIn('risk_tier', knownTiers)
      .where('occurred_at', '<', before.getTime())
      .delete();
  }
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    action: row.action,
    actor: row.actor,
    entityRef: row.entity_ref,
    decision: row.decision ?? undefined,
    reasons: JSON.parse(row.reasons) as string[],
    details: JSON.parse(row.details) as Record<string, unknown>,
    riskTier: row.risk_tier ?? undefined,
  };
}
