import { Entity } from '@backstage/catalog-model';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendResponseError,
  createMockAiPlatformApi,
  requestCount,
  supportTriageScorecard,
} from '../../__testUtils__/mockAiPlatformApi';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { OwnerScorecards } from '../../api';
import { GroupAiScorecardsContent } from './GroupAiScorecardsContent';

const customerSupport: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'customer-support', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const ownerScorecards: OwnerScorecards = {
  owner: 'group:default/customer-support',
  groups: ['group:default/customer-support', 'group:default/support-bots'],
  items: [
    {
      entityRef: 'agent:default/support-triage-agent',
      kind: 'Agent',
      title: 'Support triage agent',
      owner: 'group:default/customer-support',
      level: supportTriageScorecard.level,
      evaluatedAt: supportTriageScorecard.evaluatedAt,
      checks: supportTriageScorecard.checks,
    },
    {
      entityRef: 'modelendpoint:default/llama-chat',
      kind: 'ModelEndpoint',
      title: 'Llama chat',
      owner: 'group:default/support-bots',
      level: 'gold',
      evaluatedAt: '2026-11-23T10:00:00.000Z',
      checks: [
        {
          checkId: 'budget-mtd',
          category: 'budget',
          status: 'pass',
          value: 5210,
          threshold: 9000,
          window: 'month-to-date',
          message: '$5,210 of $9,000',
          // A self-hosted endpoint without Prometheus: GPU cost from the spec.
          source: 'spec-estimate',
        },
        {
          checkId: 'ttft-p95',
          category: 'slo',
          status: 'pass',
          value: 301.9,
          threshold: 400,
          window: '24h',
          message: 'TTFT p95 302 ms; the SLO is 400 ms',
        },
      ],
    },
    {
      entityRef: 'agent:default/refund-agent',
      kind: 'Agent',
      title: 'Refund agent',
      owner: 'group:default/support-bots',
      level: null,
      evaluatedAt: null,
      checks: [],
    },
  ],
};

async function renderTab(
  api = createMockAiPlatformApi({
    getOwnerScorecards: async () => ownerScorecards,
  }),
) {
  await renderWithAiPlatformApi(
    <GroupAiScorecardsContent />,
    customerSupport,
    api,
  );
  return api;
}

const rowNames = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).queryByRole('link')?.textContent);

describe('GroupAiScorecardsContent', () => {
  it('lists what the group and its sub-groups own with grade, spend, TTFT p95 and eval score, from one request', async () => {
    const api = await renderTab();

    expect(
      await screen.findByText('AI scorecards (2 groups)'),
    ).toBeInTheDocument();
    expect(api.getOwnerScorecards).toHaveBeenCalledWith(
      'group:default/customer-support',
    );
    expect(requestCount(api)).toBe(1);

    const triage = screen.getByRole('link', { name: 'Support triage agent' });
    expect(triage).toHaveAttribute(
      'href',
      '/catalog/default/agent/support-triage-agent',
    );
    const triageRow = triage.closest('tr')!;
    expect(
      within(triageRow).getByLabelText('Level: bronze'),
    ).toBeInTheDocument();
    expect(triageRow).toHaveTextContent('$1,234.50');
    expect(triageRow).toHaveTextContent('812 ms');
    expect(triageRow).toHaveTextContent('0.62');
    // ttft-p95, eval:safety and eval-regression:safety fail.
    expect(within(triageRow).getAllByRole('cell').pop()).toHaveTextContent('3');

    const llamaRow = screen
      .getByRole('link', { name: 'Llama chat' })
      .closest('tr')!;
    expect(within(llamaRow).getByLabelText('Level: gold')).toBeInTheDocument();
    expect(llamaRow).toHaveTextContent('$5,210estimate');
    expect(triageRow).not.toHaveTextContent('estimate');
    expect(llamaRow).toHaveTextContent('302 ms');
    expect(llamaRow).toHaveTextContent('support-bots');

    const refundRow = screen
      .getByRole('link', { name: 'Refund agent' })
      .closest('tr')!;
    expect(within(refundRow).getByLabelText('Level: none')).toBeInTheDocument();
  });

  it('sorts by spend', async () => {
    await renderTab();
    await screen.findByRole('link', { name: 'Llama chat' });

    // Ascending, then descending; the agent without a spend check stays last.
    await userEvent.click(screen.getByText('Spend (month to date)'));
    expect(rowNames()).toEqual([
      'Support triage agent',
      'Llama chat',
      'Refund agent',
    ]);
    await userEvent.click(screen.getByText('Spend (month to date)'));
    expect(rowNames()).toEqual([
      'Llama chat',
      'Support triage agent',
      'Refund agent',
    ]);
  });

  it('sorts by grade, TTFT p95 and eval score', async () => {
    await renderTab();
    await screen.findByRole('link', { name: 'Llama chat' });

    await userEvent.click(screen.getByText('Grade'));
    expect(rowNames()).toEqual([
      'Refund agent',
      'Support triage agent',
      'Llama chat',
    ]);
    await userEvent.click(screen.getByText('TTFT p95'));
    expect(rowNames()).toEqual([
      'Llama chat',
      'Support triage agent',
      'Refund agent',
    ]);
    await userEvent.click(screen.getByText('TTFT p95'));
    expect(rowNames()).toEqual([
      'Support triage agent',
      'Llama chat',
      'Refund agent',
    ]);
    // Only the triage agent has eval checks: its weakest suite scores 0.62.
    await userEvent.click(screen.getByText('Eval score'));
    expect(rowNames()[0]).toBe('Support triage agent');
  });

  it('right-aligns the numbers', async () => {
    await renderTab();
    const triageRow = (
      await screen.findByRole('link', { name: 'Support triage agent' })
    ).closest('tr')!;
    const spendCell = within(triageRow).getByText('$1,234.50').closest('td')!;
    expect(spendCell).toHaveStyle({ textAlign: 'right' });
  });

  it('filters to the failing entities', async () => {
    await renderTab();
    await screen.findByRole('link', { name: 'Llama chat' });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Only failing (1 of 3)' }),
    );
    expect(rowNames()).toEqual(['Support triage agent']);
  });

  it('explains an empty team', async () => {
    await renderTab(
      createMockAiPlatformApi({
        getOwnerScorecards: async () => ({
          owner: 'group:default/customer-support',
          groups: ['group:default/customer-support'],
          items: [],
        }),
      }),
    );

    expect(
      await screen.findByText(
        'This group and its sub-groups own no model endpoints or agents you may read.',
      ),
    ).toBeInTheDocument();
  });

  it('says permission denied on a 403', async () => {
    const denied = await backendResponseError(403, 'Not allowed');
    await renderTab(
      createMockAiPlatformApi({
        getOwnerScorecards: async () => {
          throw denied;
        },
      }),
    );

    expect(
      await screen.findByText('Info: Permission denied'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/ai-platform\.telemetry\.read permission/),
    ).toBeVisible();
  });

  it('shows other failures as errors', async () => {
    const failure = await backendResponseError(500, 'database unreachable');
    await renderTab(
      createMockAiPlatformApi({
        getOwnerScorecards: async () => {
          throw failure;
        },
      }),
    );

    expect(
      await screen.findByText(
        'Error: Request failed with 500 Internal Server Error',
      ),
    ).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    await renderTab(
      createMockAiPlatformApi({
        getOwnerScorecards: () => new Promise<never>(() => {}),
      }),
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });
});
