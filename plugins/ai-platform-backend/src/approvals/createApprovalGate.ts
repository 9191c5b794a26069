import type {
  AuditorService,
  LoggerService,
  PermissionsService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { AuditTrail } from '../audit/AuditTrail';
import { readAuditRetention } from '../audit/auditRetention';
import { DatabaseAuditStore } from '../audit/DatabaseAuditStore';
import type { AiPlatformNotifier } from '../notifications/AiPlatformNotifier';
import { ApprovalService } from './ApprovalService';
import { DatabaseApprovalStore } from './DatabaseApprovalStore';
import {
  GitopsProposalMerger,
  readGitopsRepositoryConfig,
} from './gitops/GitopsProposalMerger';

/**
 * Builds the approval gate and the audit trail on the plugin database
 * (migrated by the telemetry store) and schedules the daily deletion of
 * audit events past their risk tier's retention.
 *
 * @internal
 */
export async function createApprovalGate(options: {
  config: RootConfigService;
  auditor: AuditorService;
  db: Knex;
  permissions: PermissionsService;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** Notifies approvers of requests and requesters of decisions. */
  notifier?: AiPlatformNotifier;
  /** `aiPlatform.governance.approverGroups`, the recipients of requests. */
  approverGroups?: string[];
}): Promise<{ approvals: ApprovalService; audit: AuditTrail }> {
  const { config, auditor, db, permissions, scheduler, logger } = options;
  const retention = readAuditRetention(config);
  const audit = new AuditTrail({
    auditor,
    store: new DatabaseAuditStore(db),
    retention,
  });
  const approvals = new ApprovalService({
    store: new DatabaseApprovalStore(db),
    audit,
    merger: new GitopsProposalMerger(readGitopsRepositoryConfig(config)),
    permissions,
    notifier: options.notifier,
    approverGroups: options.approverGroups,
  });
  await scheduler.scheduleTask({
    id: 'ai-platform-audit-retention',
    frequency: { hours: 24 },
    timeout: { minutes: 15 },
    initialDelay: { minutes: 10 },
    fn: async () => {
      const deleted = await audit.applyRetention();
      logger.info(
        `Deleted audit events past their retention: ${Object.entries(deleted)
          .map(([tier, count]) => `${tier} ${count}`)
          .join(', ')}`,
      );
    },
  });
  return { approvals, audit };
}
