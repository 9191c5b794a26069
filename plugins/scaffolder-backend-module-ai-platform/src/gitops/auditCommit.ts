import type { AuditorService } from '@backstage/backend-plugin-api';

/**
 * Sends a commit or proposal through Backstage's auditor service.
 *
 * @internal
 */
export async function auditCommit(
  auditor: AuditorService | undefined,
  meta: {
    entityRef?: string;
    actor?: string;
    branch: string;
    commitId: string;
    proposalId?: string;
  },
): Promise<void> {
  if (!auditor) {
    return;
  }
  const event = await auditor.createEvent({
    eventId: meta.proposalId ? 'gitops-proposal' : 'gitops-commit',
    severityLevel: 'medium',
    meta: Object.fromEntries(
      Object.entries(meta).filter(([, value]) => value !== undefined),
    ) as Record<string, string>,
  });
  await event.success();
}
