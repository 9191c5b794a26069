import type { ApprovalSummary } from '@ai-platform/plugin-ai-platform-common';
import { formatUtcMinute } from '@ai-platform/plugin-ai-platform-common';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ApprovalsApi, useApprovalsApi } from '../../api/ApprovalsClient';

function ProposalDiff(props: { api: ApprovalsApi; id: string }) {
  const { value, loading, error } = useAsync(
    () => props.api.getApproval(props.id),
    [props.api, props.id],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Box
      component="pre"
      aria-label="Proposed change"
      sx={{
        maxHeight: 400,
        overflow: 'auto',
        fontSize: 12,
        p: 1,
        bgcolor: 'action.hover',
      }}
    >
      {value?.diff || '(no diff recorded)'}
    </Box>
  );
}

function ProposalItem(props: {
  api: ApprovalsApi;
  approval: ApprovalSummary;
  canDecide: boolean;
  highlighted: boolean;
  onDecided: () => void;
}) {
  const { api, approval, canDecide, highlighted, onDecided } = props;
  const [showDiff, setShowDiff] = useState(highlighted);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();

  const decide = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      onDecided();
    } catch (e) {
      // The backend's own message, e.g. why a self-approval is refused.
      const message = (e as { body?: { error?: { message?: string } } }).body
        ?.error?.message;
      setError(message ? new Error(message) : (e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      data-testid={`approval-${approval.id}`}
      sx={{
        border: 1,
        borderColor: highlighted ? 'primary.main' : 'divider',
        borderRadius: 1,
        p: 2,
      }}
    >
      <Stack spacing={1}>
        <Typography variant="h6">{approval.entityRef}</Typography>
        <Typography variant="body2">
          Requested by <strong>{approval.requester}</strong> on{' '}
          {formatUtcMinute(approval.createdAt)} · branch{' '}
          <code>{approval.proposalBranch}</code> →{' '}
          <code>{approval.branch}</code>
          {approval.riskTier ? ` · ${approval.riskTier} risk` : ''}
        </Typography>
        <Typography variant="body2">{approval.summary}</Typography>
        {approval.reasons.length > 0 && (
          <Box>
            <Typography variant="subtitle2">
              Why approval is required
            </Typography>
            <ul>
              {approval.reasons.map(reason_ => (
                <li key={reason_}>{reason_}</li>
              ))}
            </ul>
          </Box>
        )}
        {approval.policyResults.length > 0 && (
          <Box>
            <Typography variant="subtitle2">Policy results</Typography>
            <Stack direction="row" flexWrap="wrap" gap={1}>
              {approval.policyResults.map(result => (
                <Chip
                  key={result.rule}
                  size="small"
                  color={result.passed ? 'success' : 'error'}
                  label={`${result.passed ? 'met' : 'unmet'}: ${result.rule}`}
                  title={result.message}
                />
              ))}
            </Stack>
          </Box>
        )}
        <Box>
          <Button size="small" onClick={() => setShowDiff(!showDiff)}>
            {showDiff ? 'Hide diff' : 'Show diff'}
          </Button>
          {showDiff && <ProposalDiff api={api} id={approval.id} />}
        </Box>
        {error && <Alert severity="error">{error.message}</Alert>}
        {canDecide && (
          <Stack direction="row" spacing={1} alignItems="center">
            <Button
              variant="contained"
              color="primary"
              disabled={busy}
              onClick={() => decide(() => api.approve(approval.id))}
            >
              Approve
            </Button>
            <TextField
              size="small"
              label="Reason to reject"
              value={reason}
              onChange={e => setReason(e.target.value)}
            />
            <Button
              variant="outlined"
              color="error"
              disabled={busy || reason.trim() === ''}
              onClick={() => decide(() => api.reject(approval.id, reason))}
            >
              Reject
            </Button>
          </Stack>
        )}
      </Stack>
    </Box>
  );
}

/**
 * Golden-path changes waiting for approval: requester, entity, plan summary,
 * policy results and diff, with approve and reject for approvers. Opened from
 * a task's output (`?approval=<id>`), that proposal is outlined and its diff
 * shown.
 *
 * @public
 */
export function PendingApprovals() {
  const api = useApprovalsApi();
  // The task output links here with ?approval=<id>.
  const highlightedId = new URLSearchParams(window.location.search).get(
    'approval',
  );
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listPendingApprovals(),
    [api],
  );

  return (
    <InfoCard
      title="Pending approvals"
      subheader="Golden-path changes on a proposal branch: nothing reaches the catalog until an approver who is not the requester approves"
    >
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && value.items.length === 0 && (
        <Typography variant="body2">
          No changes are waiting for approval.
        </Typography>
      )}
      {value && value.items.length > 0 && (
        <Stack spacing={2}>
          {value.items.map(approval => (
            <ProposalItem
              key={approval.id}
              api={api}
              approval={approval}
              canDecide={value.canDecide}
              highlighted={approval.id === highlightedId}
              onDecided={retry}
            />
          ))}
        </Stack>
      )}
    </InfoCard>
  );
}
