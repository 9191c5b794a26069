import { screen, within } from '@testing-library/react';
import {
  llamaEndpoint,
  supportTriageAgent,
} from '../../__testUtils__/aiEntityFixtures';
import {
  backendResponseError,
  createMockAiPlatformApi,
  requestCount,
} from '../../__testUtils__/mockAiPlatformApi';
import { llamaScorecard } from '../../__testUtils__/costFixtures';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { EntityScorecardSummaryCard } from './ScorecardSummaryCard';

const keyNumber = (label: string) => screen.getByRole('group', { name: label });

describe('EntityScorecardSummaryCard', () => {
  it('shows the level and the three key numbers from one request, linking to the tab', async () => {
    const api = createMockAiPlatformApi();
    await renderWithAiPlatformApi(
      <EntityScorecardSummaryCard />,
      supportTriageAgent,
      api,
    );

    expect(await screen.findByLabelText('Level: bronze')).toHaveTextContent(
      'Bronze',
    );
    const spend = keyNumber('Month-to-date spend');
    expect(spend).toHaveTextContent('$1,234.50');
    expect(spend).toHaveTextContent('budget $3,000');
    expect(within(spend).getByText('Pass')).toBeInTheDocument();
    const ttft = keyNumber('TTFT p95');
    expect(ttft).toHaveTextContent('812 ms');
    expect(ttft).toHaveTextContent('SLO 600 ms');
    expect(within(ttft).getByText('Fail')).toBeInTheDocument();
    const evalScore = keyNumber('Eval score');
    expect(evalScore).toHaveTextContent('0.62');
    expect(evalScore).toHaveTextContent(
      'minimum 0.75 · safety (weakest of 2 suites)',
    );
    expect(
      screen.getByRole('link', { name: /View scorecard/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/agent/support-triage-agent/scorecard',
    );
    expect(requestCount(api)).toBe(1);
  });

  it('says where a self-hosted endpoint’s spend came from', async () => {
    const api = createMockAiPlatformApi({
      getEntityScorecard: async () => ({
        ...llamaScorecard,
        checks: llamaScorecard.checks.map(check =>
          check.checkId === 'budget-mtd'
            ? { ...check, source: 'spec-estimate' as const }
            : check,
        ),
      }),
    });
    await renderWithAiPlatformApi(
      <EntityScorecardSummaryCard />,
      llamaEndpoint,
      api,
    );

    await screen.findByLabelText('Level: silver');
    // 538 GPU-hours × 3.20 USD, estimated from the spec.
    expect(keyNumber('Month-to-date spend')).toHaveTextContent(
      '$1,721.60Passbudget $9,000 · estimated from the spec',
    );
  });

  it('says which key numbers have no check', async () => {
    const api = createMockAiPlatformApi({
      getEntityScorecard: async () => ({
        entityRef: 'modelendpoint:default/llama-3-1-8b-instruct',
        level: 'gold',
        evaluatedAt: '2026-11-23T10:00:00.000Z',
        checks: [
          {
            checkId: 'ttft-p95',
            category: 'slo' as const,
            status: 'pass' as const,
            value: 310,
            threshold: 400,
            window: '24h',
            message: 'TTFT p95 was 310 ms; the SLO is 400 ms',
          },
        ],
        history: [],
      }),
    });
    await renderWithAiPlatformApi(
      <EntityScorecardSummaryCard />,
      llamaEndpoint,
      api,
    );

    expect(await screen.findByLabelText('Level: gold')).toBeInTheDocument();
    expect(keyNumber('TTFT p95')).toHaveTextContent('310 ms');
    expect(keyNumber('Eval score')).toHaveTextContent('No check');
    expect(keyNumber('Month-to-date spend')).toHaveTextContent('No check');
    expect(api.getEntityScorecard).toHaveBeenCalledWith({
      kind: 'ModelEndpoint',
      namespace: 'default',
      name: 'llama-3-1-8b-instruct',
    });
  });

  it('points to the tab when there are no checks yet', async () => {
    await renderWithAiPlatformApi(
      <EntityScorecardSummaryCard />,
      supportTriageAgent,
      createMockAiPlatformApi({
        getEntityScorecard: async () => ({
          entityRef: 'agent:default/support-triage-agent',
          level: null,
          evaluatedAt: null,
          checks: [],
          history: [],
        }),
      }),
    );

    expect(
      await screen.findByText(/No scorecard checks yet/),
    ).toBeInTheDocument();
  });

  it('says permission denied on a 403', async () => {
    const denied = await backendResponseError(403, 'Not allowed');
    await renderWithAiPlatformApi(
      <EntityScorecardSummaryCard />,
      supportTriageAgent,
      createMockAiPlatformApi({
        getEntityScorecard: async () => {
          throw denied;
        },
      }),
    );

    expect(
      await screen.findByText(
        "Permission denied: you may not read this entity's scorecard.",
      ),
    ).toBeInTheDocument();
  });

  it('shows other failures as errors', async () => {
    const failure = await backendResponseError(500, 'database unreachable');
    await renderWithAiPlatformApi(
      <EntityScorecardSummaryCard />,
      supportTriageAgent,
      createMockAiPlatformApi({
        getEntityScorecard: async () => {
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
});
