import { screen, waitFor, within } from '@testing-library/react';
import { supportTriageAgent } from '../../__testUtils__/aiEntityFixtures';
import {
  backendResponseError,
  createMockAiPlatformApi,
  requestCount,
  supportTriageScorecard,
} from '../../__testUtils__/mockAiPlatformApi';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { EntityScorecardContent } from './EntityScorecardContent';

const panel = (title: string) =>
  screen.getByRole('region', { name: `${title} panel` });
const check = (within_: HTMLElement, label: string) =>
  within(within_).getByRole('group', { name: label });

async function renderTab(api = createMockAiPlatformApi()) {
  await renderWithAiPlatformApi(
    <EntityScorecardContent />,
    supportTriageAgent,
    api,
  );
  return api;
}

describe('EntityScorecardContent', () => {
  it('shows the level and makes at most two requests: the scorecard and the TTFT p95 series', async () => {
    const api = await renderTab();

    expect(await screen.findByLabelText('Level: bronze')).toHaveTextContent(
      'Bronze',
    );
    expect(api.getEntityScorecard).toHaveBeenCalledTimes(1);
    expect(api.getEntityScorecard).toHaveBeenCalledWith({
      kind: 'Agent',
      namespace: 'default',
      name: 'support-triage-agent',
    });
    expect(api.getEntityTimeseries).toHaveBeenCalledTimes(1);
    expect(api.getEntityTimeseries).toHaveBeenCalledWith(
      { kind: 'Agent', namespace: 'default', name: 'support-triage-agent' },
      { metric: 'ttft_p95_ms', window: '7d', step: '1h' },
    );
    expect(requestCount(api)).toBe(2);
  });

  it('Cost panel: month-to-date spend and forecast against the budget', async () => {
    await renderTab();
    await screen.findByLabelText('Level: bronze');

    const mtd = check(panel('Cost'), 'Month-to-date spend');
    expect(mtd).toHaveTextContent('Pass');
    expect(mtd).toHaveTextContent('$1,234.50');
    expect(mtd).toHaveTextContent(
      '$1,234.50 · budget $3,000 · window month-to-date',
    );
    expect(mtd).toHaveTextContent('window month-to-date');
    expect(mtd).toHaveTextContent(
      '$1,234.50 spent this month of a $3,000 budget',
    );
    const forecast = check(panel('Cost'), 'End-of-month forecast');
    expect(forecast).toHaveTextContent('Warn');
    expect(forecast).toHaveTextContent('$3,400');
    expect(within(panel('Cost')).queryByText('TTFT p95')).toBeNull();
  });

  it('TTFT panel: p95 against the SLO, its history and the daily trend with the SLO', async () => {
    await renderTab();
    await screen.findByLabelText('Level: bronze');

    const ttft = check(panel('TTFT'), 'TTFT p95');
    expect(ttft).toHaveTextContent('Fail');
    expect(ttft).toHaveTextContent('812 ms');
    expect(ttft).toHaveTextContent('SLO 600 ms');
    expect(ttft).toHaveTextContent('window 24h');
    expect(
      within(ttft).getByRole('img', {
        name: 'History of TTFT p95: pass, warn, fail',
      }),
    ).toBeInTheDocument();
    const chart = await within(panel('TTFT')).findByLabelText(
      'TTFT p95 per day: 2 days with samples, latest 812 ms, SLO 600 ms',
    );
    // The chart draws the SLO as a labelled reference line.
    expect(within(chart).getByText('SLO 600 ms')).toBeInTheDocument();
    expect(chart.querySelector('svg')).not.toBeNull();
  });

  it('Evals panel: score per suite against its minimum, regressions marked', async () => {
    await renderTab();
    await screen.findByLabelText('Level: bronze');

    const evals = panel('Evals');
    const helpfulness = check(evals, 'Eval score: helpfulness');
    expect(helpfulness).toHaveTextContent('Pass');
    expect(helpfulness).toHaveTextContent('0.91');
    expect(helpfulness).toHaveTextContent('minimum 0.8');
    expect(within(helpfulness).queryByText('Regression')).toBeNull();
    const safety = check(evals, 'Eval score: safety');
    expect(safety).toHaveTextContent('Fail');
    expect(safety).toHaveTextContent('0.62');
    expect(safety).toHaveTextContent('minimum 0.75');
    const regression = check(evals, 'Regression: safety');
    expect(regression).toHaveTextContent('dropped 0.12');
    expect(regression).toHaveTextContent('largest allowed drop 0.05');
    expect(within(regression).getByText('Regression')).toBeInTheDocument();
  });

  it('Reliability panel: error rate against the SLO with its history', async () => {
    await renderTab();
    await screen.findByLabelText('Level: bronze');

    const errorRate = check(panel('Reliability'), 'Error rate');
    expect(errorRate).toHaveTextContent('Warn');
    expect(errorRate).toHaveTextContent('9.09 %');
    expect(errorRate).toHaveTextContent('SLO 8 %');
    expect(errorRate).toHaveTextContent(
      '2 of 22 requests failed in the last 24 h (9.09%); the SLO is 8%',
    );
    expect(
      within(errorRate).getByRole('img', {
        name: 'History of Error rate: not-enough-data, pass, warn',
      }),
    ).toBeInTheDocument();
  });

  it('shows not enough data, and says what to set for a panel without checks', async () => {
    await renderTab(
      createMockAiPlatformApi({
        getEntityScorecard: async () => ({
          ...supportTriageScorecard,
          level: null,
          checks: [
            {
              checkId: 'ttft-p95',
              category: 'slo' as const,
              status: 'not-enough-data' as const,
              value: null,
              threshold: 600,
              window: '24h',
              message: '3 TTFT samples in the last 24 h; 20 are needed',
            },
          ],
          history: [],
        }),
      }),
    );

    expect(await screen.findByLabelText('Level: none')).toHaveTextContent(
      'No level',
    );
    const ttft = check(panel('TTFT'), 'TTFT p95');
    expect(ttft).toHaveTextContent('Not enough data');
    expect(ttft).toHaveTextContent('—');
    expect(panel('Cost')).toHaveTextContent(
      'No budget checks: set spec.budget.monthlyUsd',
    );
    expect(panel('Reliability')).toHaveTextContent(
      'set spec.slo.errorRatePercent',
    );
  });

  it('keeps the scorecard when only the TTFT trend fails', async () => {
    const failure = await backendResponseError(500, 'rollups unavailable');
    await renderTab(
      createMockAiPlatformApi({
        getEntityTimeseries: async () => {
          throw failure;
        },
      }),
    );
    await screen.findByLabelText('Level: bronze');

    expect(
      await within(panel('TTFT')).findByText(
        /The TTFT trend could not be loaded: Request failed with 500/,
      ),
    ).toBeInTheDocument();
    expect(check(panel('TTFT'), 'TTFT p95')).toHaveTextContent('812 ms');
  });

  it('shows progress while loading', async () => {
    await renderTab(
      createMockAiPlatformApi({
        getEntityScorecard: () => new Promise<never>(() => {}),
      }),
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('explains how to send telemetry when there are no checks yet', async () => {
    await renderTab(
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
      await screen.findByText('No scorecard checks yet'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(document.body).toHaveTextContent(
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://localhost:7007/api/ai-platform/v1/traces OTEL_EXPORTER_OTLP_TRACES_HEADERS="Authorization=Bearer <ingest token>"',
      ),
    );
    expect(document.body).toHaveTextContent(
      'endpoint: http://localhost:7007/api/ai-platform/ingest/litellm headers: Authorization: Bearer <ingest token>',
    );
    expect(document.body).toHaveTextContent(
      'The scorecard has not been evaluated yet',
    );
  });

  it('says permission denied on a 403', async () => {
    const denied = await backendResponseError(
      403,
      'Not allowed to read the telemetry of agent:default/support-triage-agent',
    );
    await renderTab(
      createMockAiPlatformApi({
        getEntityScorecard: async () => {
          throw denied;
        },
        getEntityTimeseries: async () => {
          throw denied;
        },
      }),
    );

    expect(
      await screen.findByText('Info: Permission denied'),
    ).toBeInTheDocument();
    // Expanded: the reason is readable without a click.
    expect(
      screen.getByText(/ai-platform\.telemetry\.read permission/),
    ).toBeVisible();
  });

  it('shows the error of any other failure', async () => {
    const failure = await backendResponseError(500, 'database unreachable');
    await renderTab(
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
    expect(screen.getAllByText('database unreachable').length).toBeGreaterThan(
      0,
    );
    expect(screen.queryByText(/Permission denied/)).toBeNull();
  });
});

describe('EntityScorecardContent with usage, sources and history values', () => {
  const withUsage = {
    ...supportTriageScorecard,
    checks: supportTriageScorecard.checks.map(item =>
      item.checkId === 'ttft-p95'
        ? { ...item, source: 'prometheus' as const }
        : { ...item, source: 'telemetry-store' as const },
    ),
    usageMonthToDate: {
      entityRef: 'agent:default/support-triage-agent',
      window: {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-23T11:00:00.000Z',
      },
      requests: 4000,
      errors: 40,
      errorRatePercent: 1,
      inputTokens: 600_000,
      outputTokens: 400_000,
      costUsd: 1234.5,
      ttftMs: { p50: 402.4, p95: 790.2, count: 3100 },
      ttftMsFromGatewayHistograms: {
        p95Estimate: 805.3,
        count: 2900,
        estimated: true as const,
      },
    },
    dailyUsage: [
      { start: '2026-11-21T00:00:00.000Z', requests: 0, errors: 0, costUsd: 0 },
      {
        start: '2026-11-22T00:00:00.000Z',
        requests: 200,
        errors: 4,
        costUsd: 61.5,
      },
      {
        start: '2026-11-23T00:00:00.000Z',
        requests: 100,
        errors: 1,
        costUsd: 30.25,
      },
    ],
    history: supportTriageScorecard.history.map((entry, index) => ({
      ...entry,
      checks: [
        ...entry.checks,
        {
          checkId: 'eval:safety',
          status: 'fail' as const,
          value: [0.62, 0.74, 0.8][index],
        },
      ],
    })),
  };

  it('derives cost per 1,000 requests and per million tokens from month-to-date usage', async () => {
    await renderTab(
      createMockAiPlatformApi({ getEntityScorecard: async () => withUsage }),
    );
    await screen.findByLabelText('Level: bronze');

    const cost = panel('Cost');
    // 1234.5 USD / 4000 requests * 1000; 1234.5 USD / 1,000,000 tokens * 1e6
    expect(check(cost, 'Cost per 1,000 requests')).toHaveTextContent('$308.63');
    expect(check(cost, 'Cost per 1,000 requests')).toHaveTextContent(
      '$1,234.50 over 4,000 requests · month-to-date',
    );
    expect(check(cost, 'Cost per million tokens')).toHaveTextContent(
      '$1,234.50',
    );
    expect(check(cost, 'Cost per million tokens')).toHaveTextContent(
      '1,000,000 tokens',
    );
    expect(
      within(cost).getByLabelText(
        'Spend per day: 2 days with samples, latest $30.25',
      ),
    ).toBeInTheDocument();
  });

  it('shows TTFT p50, p95 and the gateway histogram estimate labelled as an estimate', async () => {
    await renderTab(
      createMockAiPlatformApi({ getEntityScorecard: async () => withUsage }),
    );
    await screen.findByLabelText('Level: bronze');

    const ttft = panel('TTFT');
    expect(check(ttft, 'TTFT p50')).toHaveTextContent('402 ms');
    expect(check(ttft, 'TTFT p95 (month to date)')).toHaveTextContent('790 ms');
    expect(check(ttft, 'TTFT p95 (month to date)')).toHaveTextContent(
      'SLO 600 ms',
    );
    const estimate = check(ttft, 'TTFT p95 estimate');
    expect(estimate).toHaveTextContent('≈ 805 ms');
    expect(estimate).toHaveTextContent(
      'estimate from gateway histograms · 2,900 samples',
    );
  });

  it('shows where each checked number comes from', async () => {
    await renderTab(
      createMockAiPlatformApi({ getEntityScorecard: async () => withUsage }),
    );
    await screen.findByLabelText('Level: bronze');

    expect(check(panel('TTFT'), 'TTFT p95')).toHaveTextContent(
      '812 ms from Prometheus',
    );
    expect(check(panel('Cost'), 'Month-to-date spend')).toHaveTextContent(
      '$1,234.50 from gateway telemetry',
    );
  });

  it('shows request volume and the daily error rate trend', async () => {
    await renderTab(
      createMockAiPlatformApi({ getEntityScorecard: async () => withUsage }),
    );
    await screen.findByLabelText('Level: bronze');

    const reliability = panel('Reliability');
    expect(check(reliability, 'Requests')).toHaveTextContent('4,000');
    expect(check(reliability, 'Requests')).toHaveTextContent('40 failed');
    expect(check(reliability, 'Error rate (month to date)')).toHaveTextContent(
      '1 %',
    );
    expect(
      within(reliability).getByLabelText(
        'Requests per day: 2 days with samples, latest 100',
      ),
    ).toBeInTheDocument();
    // 4 of 200, then 1 of 100
    expect(
      within(reliability).getByLabelText(
        'Error rate per day: 2 days with samples, latest 1 %',
      ),
    ).toBeInTheDocument();
  });

  it('charts eval scores per evaluation against the minimum when the history carries values', async () => {
    await renderTab(
      createMockAiPlatformApi({ getEntityScorecard: async () => withUsage }),
    );
    await screen.findByLabelText('Level: bronze');

    expect(
      within(panel('Evals')).getByLabelText(
        'Eval score: safety per evaluation: 3 hours with samples, latest 0.62, minimum 0.75',
      ),
    ).toBeInTheDocument();
  });

  it('shows a source that could not be read as its own state, with the reason', async () => {
    await renderTab(
      createMockAiPlatformApi({
        getEntityScorecard: async () => ({
          ...supportTriageScorecard,
          checks: [
            {
              checkId: 'ttft-p95',
              category: 'slo' as const,
              status: 'source-unavailable' as const,
              value: null,
              threshold: 600,
              window: '24h',
              source: 'prometheus' as const,
              message:
                'Prometheus at http://prometheus:9090 did not answer: connect ECONNREFUSED',
            },
          ],
        }),
      }),
    );
    await screen.findByLabelText('Level: bronze');

    const ttft = check(panel('TTFT'), 'TTFT p95');
    expect(ttft).toHaveTextContent('Source unavailable');
    expect(ttft).toHaveTextContent('— from Prometheus · SLO 600 ms');
    expect(ttft).toHaveTextContent(
      'Prometheus at http://prometheus:9090 did not answer: connect ECONNREFUSED',
    );
    expect(within(ttft).queryByText('Fail')).toBeNull();
  });
});

describe('TTFT trend with little data', () => {
  it('draws a single hour of data as a visible point near the start of the axis', async () => {
    const points = Array.from({ length: 168 }, (_, index) => ({
      start: new Date(
        Date.parse('2026-11-16T12:00:00.000Z') + index * 3600_000,
      ).toISOString(),
      value: index === 167 ? 950.4 : null,
    }));
    await renderTab(
      createMockAiPlatformApi({
        getEntityTimeseries: async () => ({
          entityRef: 'agent:default/support-triage-agent',
          metric: 'ttft_p95_ms' as const,
          step: '1h' as const,
          window: {
            from: '2026-11-16T12:00:00.000Z',
            to: '2026-11-23T12:00:00.000Z',
          },
          points,
        }),
      }),
    );
    await screen.findByLabelText('Level: bronze');

    const chart = await within(panel('TTFT')).findByLabelText(
      'TTFT p95 per hour: 1 hour with samples, latest 950 ms, SLO 600 ms',
    );
    // One mark for the one hour with data, and only the hours around it on
    // the axis, not the whole week.
    await waitFor(() =>
      expect(chart.querySelectorAll('.MuiMarkElement-root')).toHaveLength(1),
    );
    expect(chart).toHaveTextContent('11-23 11:00');
    expect(chart).not.toHaveTextContent('11-16');
  });

  it('says when the window has no samples', async () => {
    await renderTab(
      createMockAiPlatformApi({
        getEntityTimeseries: async () => ({
          entityRef: 'agent:default/support-triage-agent',
          metric: 'ttft_p95_ms' as const,
          step: '1h' as const,
          window: {
            from: '2026-11-16T12:00:00.000Z',
            to: '2026-11-23T12:00:00.000Z',
          },
          points: [{ start: '2026-11-23T11:00:00.000Z', value: null }],
        }),
      }),
    );
    expect(
      await within(
        await screen.findByRole('region', { name: 'TTFT panel' }),
      ).findByText('TTFT p95 per hour: no samples in the last 7 days.'),
    ).toBeInTheDocument();
  });
});
