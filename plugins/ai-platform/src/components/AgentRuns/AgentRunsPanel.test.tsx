import { screen, within } from '@testing-library/react';
import {
  llamaEndpoint,
  supportTriageAgent,
} from '../../__testUtils__/aiEntityFixtures';
import {
  createMockAiPlatformApi,
  supportTriageScorecard,
} from '../../__testUtils__/mockAiPlatformApi';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { EntityScorecardContent } from '../EntityScorecard';
import { runsPerDayPoints } from './AgentRunsPanel';

const withAgentChecks = {
  ...supportTriageScorecard,
  checks: [
    ...supportTriageScorecard.checks,
    {
      checkId: 'agent-run-success',
      category: 'agent' as const,
      status: 'fail' as const,
      value: 90,
      threshold: 95,
      window: '7d',
      message:
        '36 of 40 runs succeeded in the last 7 days (90%); the objective is 95%. Latest failing trace: https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736',
    },
    {
      checkId: 'agent-tool-error-rate',
      category: 'agent' as const,
      status: 'not-enough-data' as const,
      value: null,
      threshold: 5,
      window: '7d',
      message: 'No tool was called at least 20 times in the last 7 days',
    },
  ],
};

describe('AgentRunsPanel', () => {
  it("shows an Agent's agent checks, runs, success rate, cost per run and tools with trace links", async () => {
    const api = createMockAiPlatformApi({
      getEntityScorecard: async () => withAgentChecks,
    });
    await renderWithAiPlatformApi(
      <EntityScorecardContent />,
      supportTriageAgent,
      api,
    );
    const panel = await screen.findByRole('region', {
      name: 'Runs and tools panel',
    });
    expect(api.getAgentRuns).toHaveBeenCalledWith({
      kind: 'Agent',
      namespace: 'default',
      name: 'support-triage-agent',
    });
    const success = within(panel).getByRole('group', {
      name: 'Run success rate',
    });
    expect(success).toHaveTextContent('Fail');
    expect(success).toHaveTextContent('90 % · threshold 95 % · window 7d');
    expect(
      within(panel).getByRole('group', { name: 'Tool error rate (worst tool)' }),
    ).toHaveTextContent('No tool was called at least 20 times');

    expect(
      await within(panel).findByRole('group', { name: 'Runs' }),
    ).toHaveTextContent('4 failed');
    expect(
      within(panel).getByRole('group', { name: 'Success rate' }),
    ).toHaveTextContent('90 %');
    expect(
      within(panel).getByRole('group', { name: 'Cost per run' }),
    ).toHaveTextContent('$0.03');
    expect(
      within(panel).getByRole('group', { name: 'p95 run duration' }),
    ).toHaveTextContent('8,400 ms');

    const tools = within(panel).getByRole('table', { name: 'Tools' });
    const rows = within(tools).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('search_tickets');
    expect(rows[1]).toHaveTextContent('60');
    expect(rows[1]).toHaveTextContent('1.67 %');
    expect(rows[1]).toHaveTextContent('420 ms');
    expect(within(rows[1]).getByRole('link', { name: /ticketing-mcp/ })).toBeInTheDocument();
    expect(
      within(rows[1]).getByRole('link', {
        name: /^Trace 0af7651916cd43dd8448eb211c80319c/,
      }),
    ).toHaveAttribute(
      'href',
      'https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c',
    );
    expect(rows[2]).toHaveTextContent('lookup_weather');
    expect(rows[2]).toHaveTextContent('not in the catalog');
    expect(rows[2]).toHaveTextContent('30 %');
    // No trace link configured for this one: the id is shown, not linked.
    expect(within(rows[2]).queryByRole('link', { name: /^Trace/ })).toBeNull();

    const failing = within(panel).getByRole('list', {
      name: 'Latest failing runs',
    });
    expect(failing).toHaveTextContent('2026-11-22 16:00 UTC');
    expect(failing).toHaveTextContent('ToolError');
  });

  it('leaves the panel out for a ModelEndpoint without agent checks', async () => {
    const api = createMockAiPlatformApi();
    await renderWithAiPlatformApi(
      <EntityScorecardContent />,
      llamaEndpoint,
      api,
    );
    await screen.findByRole('region', { name: 'Cost panel' });
    expect(
      screen.queryByRole('region', { name: 'Runs and tools panel' }),
    ).toBeNull();
    expect(api.getAgentRuns).not.toHaveBeenCalled();
  });

  it('charts one point per day of the window, days without runs empty', () => {
    const points = runsPerDayPoints(
      {
        window: {
          from: '2026-11-20T10:00:00.000Z',
          to: '2026-11-23T10:00:00.000Z',
        },
        days: [{ day: '2026-11-21', runs: 15, failedRuns: 1, costUsd: 0.45 }],
      },
      day => day.runs,
    );
    expect(points.map(p => [p.start.toISOString().slice(0, 10), p.value])).toEqual([
      ['2026-11-20', null],
      ['2026-11-21', 15],
      ['2026-11-22', null],
      ['2026-11-23', null],
    ]);
  });
});
