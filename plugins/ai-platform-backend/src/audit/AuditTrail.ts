import type { AuditEvent } from '@ai-platform/plugin-ai-platform-common';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';
import { AuditRetention } from './auditRetention';
import { DatabaseAuditStore, NewAuditEvent } from './DatabaseAuditStore';

const DAY_MS = 24 * 60 * 60 * 1000;

const SEVERITY: Record<
  NewAuditEvent['action'],
  AuditorServiceEventSeverityLevel
> = {
  plan: 'low',
  commit: 'medium',
  apply: 'medium',
  'approval-requested': 'medium',
  approve: 'high',
  reject: 'medium',
};

/**
 * Records governance-relevant actions twice: through Backstage's auditor
 * service (the organisation's audit log) and in the plugin's audit table,
 * which the entity page reads and which is kept per risk tier.
 *
 * @internal
 */
export class AuditTrail {
  constructor(
    private readonly options: {
      auditor: AuditorService;
      store: DatabaseAuditStore;
      retention: AuditRetention;
    },
  ) {}

  /** Records one event; `request` links the auditor event to the HTTP call. */
  async record(event: NewAuditEvent, request?: Request): Promise<AuditEvent> {
    const auditorEvent = await this.options.auditor.createEvent({
      eventId: event.action,
      severityLevel: SEVERITY[event.action],
      request,
      meta: {
        actor: event.actor,
        entityRef: event.entityRef,
        ...(event.decision ? { decision: event.decision } : {}),
        reasons: event.reasons ?? [],
        ...(event.riskTier ? { riskTier: event.riskTier } : {}),
      },
    });
    try {
      const stored = await this.options.store.append(event);
      await auditorEvent.success({ meta: { auditEventId: stored.id } });
      return stored;
    } catch (error) {
      await auditorEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /** The entity's audit trail, newest first. */
  listByEntity(entityRef: string): Promise<AuditEvent[]> {
    return this.options.store.listByEntity(entityRef);
  }

  /**
   * Deletes events past their tier's retention; returns how many per tier
   * (`default` for events without a configured tier).
   */
  async applyRetention(now = new Date()): Promise<Record<string, number>> {
    const { daysByRiskTier, defaultDays } = this.options.retention;
    const deleted: Record<string, number> = {};
    for (const [tier, days] of Object.entries(daysByRiskTier)) {
      deleted[tier] = await this.options.store.deleteBefore(
        tier,
        new Date(now.getTime() - days * DAY_MS),
      );
    }
    const defaultBefore = new Date(now.getTime() - defaultDays * DAY_MS);
    deleted.default =
      (await this.options.store.deleteBefore(null, defaultBefore)) +
      (await this.options.store.deleteOtherTiersBefore(
        Object.keys(daysByRiskTier),
        defaultBefore,
      ));
    return deleted;
  }
}
