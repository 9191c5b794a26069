import type { AuditEvent } from '@ai-platform/plugin-ai-platform-common';
import { formatUtcMinute } from '@ai-platform/plugin-ai-platform-common';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import { useApprovalsApi } from '../../api/ApprovalsClient';
import { isPermissionDeniedError } from '../../api/AiPlatformClient';

const ACTION_LABELS: Record<AuditEvent['action'], string> = {
  plan: 'Planned',
  commit: 'Committed',
  apply: 'Applied',
  'approval-requested': 'Approval requested',
  approve: 'Approved',
  reject: 'Rejected',
};

/** The facts worth a glance: commit, merge commit, branch, eval scores. */
function describeDetails(event: AuditEvent): string {
  const details = event.details as Record<string, any>;
  const parts: string[] = [];
  if (details.mergeCommitId) {
    parts.push(`merge ${String(details.mergeCommitId).slice(0, 12)}`);
  } else if (details.commitId) {
    parts.push(`commit ${String(details.commitId).slice(0, 12)}`);
  }
  if (details.proposalBranch) {
    parts.push(`branch ${details.proposalBranch}`);
  }
  if (Array.isArray(details.policyResults) && details.policyResults.length) {
    parts.push(
      details.policyResults
        .map((r: any) => `${r.rule}: ${r.passed ? 'met' : 'unmet'}`)
        .join(', '),
    );
  }
  return parts.join(' · ');
}

/**
 * The audit trail of the Agent or ModelEndpoint in context: who planned,
 * committed, requested approval, approved or rejected it, when, and why.
 *
 * @public
 */
export function EntityAuditHistoryCard() {
  const { entity } = useEntity();
  const api = useApprovalsApi();
  const entityRef = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getAuditTrail(entityRef),
    [api, entityRef.kind, entityRef.namespace, entityRef.name],
  );

  return (
    <InfoCard title="Audit history">
      {loading && <Progress />}
      {error &&
        (isPermissionDeniedError(error) ? (
          <Typography variant="body2">
            Only the owners and the platform team see this entity's audit
            history.
          </Typography>
        ) : (
          <ResponseErrorPanel error={error} />
        ))}
      {value && value.items.length === 0 && (
        <Typography variant="body2">
          No audit events yet: plans, commits and approvals of this entity
          appear here.
        </Typography>
      )}
      {value && value.items.length > 0 && (
        <Table size="small" aria-label="Audit history">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>What</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>Reasons</TableCell>
              <TableCell>Details</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(event => (
              <TableRow key={event.id}>
                <TableCell>{formatUtcMinute(event.occurredAt)}</TableCell>
                <TableCell>
                  {ACTION_LABELS[event.action] ?? event.action}
                </TableCell>
                <TableCell>{event.actor}</TableCell>
                <TableCell>{event.reasons.join('; ')}</TableCell>
                <TableCell>{describeDetails(event)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
