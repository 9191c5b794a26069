import type {
  Approval,
  AuditEvent,
} from '@ai-platform/plugin-ai-platform-common';
import { discoveryApiRef, fetchApiRef } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { supportTriageAgent } from '../../__testUtils__/aiEntityFixtures';
import { EntityAuditHistoryCard } from '../AuditHistory';
import { PendingApprovals } from './PendingApprovals';

jest.setTimeout(30_000);

const BASE = 'http://backend.test/api/ai-platform';

const pending: Approval = {
  id: '11111111-1111-4111-8111-111111111111',
  entityRef: 'agent:default/refund-resolver',
  requester: 'user:default/guest',
  status: 'pending',
  repository: '/srv/gitops.git',
  branch: 'main',
  proposalBranch: 'proposals/refund-resolver-11111111',
  targetPath: 'agents/refund-resolver',
  commitId: 'a'.repeat(40),
  summary: 'Agent refund-resolver: L4, high risk',
  reasons: ['L4 agents need approval'],
  policyResults: [
    { rule: 'governance:eval-suite', passed: true, message: 'minScore 0.9' },
    { rule: 'governance:approval', passed: false, message: 'needs approval' },
  ],
  riskTier: 'high',
  createdAt: '2026-12-05T07:00:00.000Z',
  diff: '+++ b/agents/refund-resolver/catalog-info.yaml\n+autonomyLevel: L4',
};

/** A fake ai-platform backend: pending approvals until one is approved. */
function fakeBackend(options: { canDecide: boolean; approveStatus?: number }) {
  const calls: Array<{ method: string; path: string; body?: unknown }> = [];
  let items = [pending];
  const fetch = jest.fn(async (url: string, init?: RequestInit) => {
    const path = url.slice(BASE.length);
    const method = init?.method ?? 'GET';
    calls.push({
      method,
      path,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    if (method === 'GET' && path === '/approvals') {
      const { diff: _diff, ...summary } = pending;
      return json(200, {
        items: items.map(() => summary),
        canDecide: options.canDecide,
      });
    }
    if (method === 'GET' && path === `/approvals/${pending.id}`) {
      return json(200, pending);
    }
    if (method === 'POST' && path.endsWith('/approve')) {
      if (options.approveStatus === 403) {
        return json(403, {
          error: {
            name: 'NotAllowedError',
            message:
              'You requested this change, so you cannot approve it: another approver must',
          },
          response: { statusCode: 403 },
        });
      }
      items = [];
      return json(200, { ...pending, status: 'approved' });
    }
    return json(404, { error: { name: 'NotFoundError', message: 'no' } });
  });
  return {
    calls,
    apis: [
      [discoveryApiRef, { getBaseUrl: async () => BASE }],
      [fetchApiRef, { fetch }],
    ] as const,
  };
}

describe('PendingApprovals', () => {
  it('shows requester, entity, summary, reasons, policy results and the diff; an approver approves and the list empties', async () => {
    const backend = fakeBackend({ canDecide: true });
    await renderInTestApp(<PendingApprovals />, { apis: backend.apis as any });

    const item = await screen.findByTestId(`approval-${pending.id}`);
    expect(
      within(item).getByText('agent:default/refund-resolver'),
    ).toBeInTheDocument();
    expect(within(item).getByText('user:default/guest')).toBeInTheDocument();
    expect(
      within(item).getByText('Agent refund-resolver: L4, high risk'),
    ).toBeInTheDocument();
    expect(
      within(item).getByText('L4 agents need approval'),
    ).toBeInTheDocument();
    expect(
      within(item).getByText('met: governance:eval-suite'),
    ).toBeInTheDocument();
    expect(
      within(item).getByText('unmet: governance:approval'),
    ).toBeInTheDocument();

    fireEvent.click(within(item).getByRole('button', { name: 'Show diff' }));
    expect(
      await within(item).findByLabelText('Proposed change'),
    ).toHaveTextContent('+autonomyLevel: L4');

    expect(within(item).getByRole('button', { name: 'Reject' })).toBeDisabled();
    fireEvent.click(within(item).getByRole('button', { name: 'Approve' }));
    expect(
      await screen.findByText('No changes are waiting for approval.'),
    ).toBeInTheDocument();
    expect(backend.calls).toContainEqual({
      method: 'POST',
      path: `/approvals/${pending.id}/approve`,
      body: undefined,
    });
  });

  it("shows the backend's refusal of a self-approval and keeps the proposal", async () => {
    const backend = fakeBackend({ canDecide: true, approveStatus: 403 });
    await renderInTestApp(<PendingApprovals />, { apis: backend.apis as any });
    const item = await screen.findByTestId(`approval-${pending.id}`);
    fireEvent.click(within(item).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(
        within(item).getByText(
          /You requested this change, so you cannot approve it/,
        ),
      ).toBeInTheDocument(),
    );
  });

  it('shows no decision buttons to a requester without the decide permission', async () => {
    const backend = fakeBackend({ canDecide: false });
    await renderInTestApp(<PendingApprovals />, { apis: backend.apis as any });
    const item = await screen.findByTestId(`approval-${pending.id}`);
    expect(within(item).queryByRole('button', { name: 'Approve' })).toBeNull();
  });
});

describe('EntityAuditHistoryCard', () => {
  it('lists who did what to the entity, newest first, with the merge commit and policy results', async () => {
    const events: AuditEvent[] = [
      {
        id: 'e2',
        occurredAt: '2026-12-05T08:00:00.000Z',
        action: 'approve',
        actor: 'user:default/ines',
        entityRef: 'agent:default/support-triage',
        decision: 'approved',
        reasons: ['L4 agents need approval'],
        details: {
          mergeCommitId: 'b'.repeat(40),
          policyResults: [
            { rule: 'governance:eval-suite', passed: true, message: '' },
          ],
        },
      },
      {
        id: 'e1',
        occurredAt: '2026-12-05T07:00:00.000Z',
        action: 'approval-requested',
        actor: 'user:default/guest',
        entityRef: 'agent:default/support-triage',
        reasons: [],
        details: {},
      },
    ];
    const fetch = jest.fn(async (url: string) =>
      url ===
      `${BASE}/audit/by-entity/agent/${
        supportTriageAgent.metadata.namespace ?? 'default'
      }/${supportTriageAgent.metadata.name}`
        ? new Response(
            JSON.stringify({ entityRef: events[0].entityRef, items: events }),
            { headers: { 'content-type': 'application/json' } },
          )
        : new Response('{}', { status: 404 }),
    );
    await renderInTestApp(
      <EntityProvider entity={supportTriageAgent}>
        <EntityAuditHistoryCard />
      </EntityProvider>,
      {
        apis: [
          [discoveryApiRef, { getBaseUrl: async () => BASE }],
          [fetchApiRef, { fetch }],
        ] as any,
      },
    );
    const table = await screen.findByRole('table', { name: 'Audit history' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      `2026-12-05 08:00 UTCApproveduser:default/inesL4 agents need approvalmerge ${'b'.repeat(
        12,
      )} · governance:eval-suite: met`,
      '2026-12-05 07:00 UTCApproval requesteduser:default/guest',
    ]);
  });
});
