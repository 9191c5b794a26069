import { screen, waitFor, within } from '@testing-library/react';
import {
  llamaEndpoint,
  supportTriageAgent,
} from '../../__testUtils__/aiEntityFixtures';
import {
  llamaCostResponse,
  llamaEstimatedCost,
  llamaScorecard,
  llamaUnavailableCost,
} from '../../__testUtils__/costFixtures';
import {
  backendResponseError,
  createMockAiPlatformApi,
  requestCount,
  supportTriageScorecard,
} from '../../__testUtils__/mockAiPlatformApi';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { EntityScorecard } from '../../api';
import { EntityScorecardContent } from './EntityScorecardContent';

const panel = (title: string) =>
  screen.getByRole('region', { name: `${title} panel` });
const group = (within_: HTMLElement, label: string) =>
  within(within_).getByRole('group', { name: label });

// Gateway-priced spend per day: must not be shown as a self-hosted cost.
const dailyUsage = [
  {
    start: '2026-11-22T00:00:00.000Z',
    requests: 200,
    errors: 0,
    costUsd: 0.0004,
  },
];

async function renderLlama(scorecard: EntityScorecard, overrides = {}) {
  const api = createMockAiPlatformApi({
    getEntityScorecard: async () => scorecard,
    ...overrides,
  });
  await renderWithAiPlatformApi(<EntityScorecardContent />, llamaEndpoint, api);
  await screen.findByLabelText('Level: silver');
  return api;
}

describe('EntityScorecardContent cost of a self-hosted endpoint', () => {
  it('shows the GPU cost measured by Prometheus with GPU-hours, price, forecast and unit cost', async () => {
    const api = await renderLlama({ ...llamaScorecard, dailyUsage });

    const cost = panel('Cost');
    // 538 GPU-hours × 3.20 USD.
    const mtd = group(cost, 'Cost month to date');
    expect(mtd).toHaveTextContent('$1,721.60');
    expect(mtd).toHaveTextContent('GPU-hours from Prometheus');
    expect(within(mtd).queryByText('estimate')).toBeNull();
    expect(group(cost, 'GPU-hours')).toHaveTextContent('538 GPU-hours');
    expect(group(cost, 'GPU-hours')).toHaveTextContent(
      '2026-11-01 00:00 UTC to 2026-11-23 10:00 UTC · 1 GPU per replica',
    );
    expect(group(cost, 'Price per GPU-hour')).toHaveTextContent(
      '$3.20from spec.pricing.gpuHourUsd',
    );
    // 1,721.60 USD over 538 of November's 720 hours.
    expect(group(cost, 'Month-end forecast')).toHaveTextContent('$2,304');
    expect(within(cost).getByLabelText('Cost basis')).toHaveTextContent(
      llamaScorecard.cost!.gpu!.basis,
    );
    // 1,721.60 USD / 2.4 M output tokens; / 4 thousand requests.
    const perToken = group(cost, 'Cost per million output tokens');
    expect(perToken).toHaveTextContent('$717.33 / M output tokens');
    expect(perToken).toHaveTextContent(
      '$1,721.60 over 2,400,000 output tokens this month',
    );
    expect(group(cost, 'Cost per 1,000 requests')).toHaveTextContent(
      '$430.40 / 1,000 requests',
    );
    expect(group(cost, 'Month-to-date spend')).toHaveTextContent(
      'from Prometheus',
    );
    expect(within(cost).queryByLabelText(/^Spend per day/)).toBeNull();
    expect(api.getEntityCost).toHaveBeenCalledWith({
      kind: 'ModelEndpoint',
      namespace: 'default',
      name: 'llama-3-1-8b-instruct',
    });
    expect(requestCount(api)).toBe(3);
  });

  it('compares the unit cost with the other endpoints of the same type, managed first', async () => {
    await renderLlama(llamaScorecard);

    const table = await screen.findByRole('table', {
      name: 'Unit cost of comparable endpoints',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringContaining(
        'Llama 3.1 8B Instruct (H100) (this endpoint)self-hosted$717.33 / M output tokens',
      ),
      expect.stringContaining(
        // 12 USD / 20 M output tokens; / 30 thousand requests.
        'GPT-4o minimanaged · gpt-4o-mini$0.6 / M output tokens$0.4 / 1,000 requestsgateway',
      ),
      expect.stringContaining(
        'Mistral 7B (L4)self-hosted · mistralai/Mistral-7B-Instruct-v0.3——GPU · estimate',
      ),
    ]);
    expect(
      screen.getByRole('region', { name: 'Unit cost comparison' }),
    ).toHaveTextContent('Unit cost beside other chat endpoints');
    expect(llamaCostResponse.comparisons[0].servingMode).toBe('managed');
  });

  it('GPU efficiency panel: the gpu-idle and saturation checks, utilisation, idle cost, saturation and right-sizing', async () => {
    await renderLlama(llamaScorecard);

    const efficiency = panel('GPU efficiency');
    const idle = group(efficiency, 'GPU utilisation (idle check)');
    expect(idle).toHaveTextContent('Warn');
    expect(idle).toHaveTextContent(
      '23.5 % from Prometheus · warn below 30 % · window 7d',
    );
    expect(group(efficiency, 'Saturation (KV cache)')).toHaveTextContent(
      '41.5 % from Prometheus · warn above 90 % · window 1h',
    );
    expect(group(efficiency, 'GPU utilisation')).toHaveTextContent(
      '23.5 %mean over 7d · from Prometheus (DCGM_FI_DEV_GPU_UTIL)',
    );
    // 538 GPU-hours × (1 − 0.235) × 3.20 USD.
    expect(group(efficiency, 'Idle GPU cost')).toHaveTextContent('$1,317.02');
    expect(group(efficiency, 'KV-cache usage')).toHaveTextContent(
      '41.5 %over 1h · from Prometheus (vllm:kv_cache_usage_perc)',
    );
    expect(group(efficiency, 'Waiting requests')).toHaveTextContent('0over 1h');
    const rightSizing = within(efficiency).getByRole('region', {
      name: 'Right-sizing',
    });
    // (3.20 − 0.80) USD × 730 h.
    expect(
      within(rightSizing).getByLabelText(
        'Recommendation: GPU profile h100-80gb → l4-24gb',
      ),
    ).toHaveTextContent(
      'GPU profile h100-80gb → l4-24gb, saves $1,752 a month (730 h at list prices)needs 18.4 GiB of 22.5 GiB usable on l4-24gb',
    );
    expect(rightSizing).toHaveTextContent(
      'the portal never changes anything by itself',
    );
  });

  it('marks a cost estimated from the spec as an estimate and says what to configure', async () => {
    await renderLlama({
      ...llamaScorecard,
      checks: [
        {
          ...llamaScorecard.checks[0],
          source: 'spec-estimate',
          message: 'Estimated from the spec: 1,721.60 USD this month',
        },
      ],
      cost: llamaEstimatedCost,
    });

    const cost = panel('Cost');
    const mtd = group(cost, 'Cost month to date');
    expect(mtd).toHaveTextContent('$1,721.60Estimated from the specestimate');
    expect(group(cost, 'Price per GPU-hour')).toHaveTextContent(
      'from GPU profile h100-80gb (aiPlatform.gpuProfiles)',
    );
    expect(group(cost, 'Month-end forecast')).toHaveTextContent(
      'the allocation held to the month’s end',
    );
    expect(group(cost, 'Month-to-date spend')).toHaveTextContent(
      'estimated from the spec',
    );
    const perToken = group(cost, 'Cost per million output tokens');
    expect(perToken).toHaveTextContent('—');
    expect(perToken).toHaveTextContent('no output tokens served this month');
    expect(group(cost, 'Cost per 1,000 requests')).toHaveTextContent(
      '—no requests served this month',
    );

    const efficiency = panel('GPU efficiency');
    expect(efficiency).toHaveTextContent('No GPU efficiency checks yet');
    expect(efficiency).toHaveTextContent(
      'configure aiPlatform.telemetry.prometheus for the endpoint’s cluster, with the DCGM exporter (DCGM_FI_DEV_GPU_UTIL)',
    );
    expect(efficiency).toHaveTextContent('vllm:num_requests_waiting');
    expect(
      within(efficiency).queryByRole('group', { name: 'Idle GPU cost' }),
    ).toBeNull();
  });

  it('says why the cost is unavailable instead of showing a number', async () => {
    await renderLlama({
      ...llamaScorecard,
      checks: [
        {
          ...llamaScorecard.checks[0],
          status: 'source-unavailable',
          value: null,
          message: 'Prometheus of cluster gpu-eu-west-1 did not answer',
        },
      ],
      cost: llamaUnavailableCost,
    });

    const cost = panel('Cost');
    expect(group(cost, 'Cost month to date')).toHaveTextContent(
      '—Source unavailable',
    );
    expect(cost).toHaveTextContent(
      'The cost could not be computed: Prometheus of cluster gpu-eu-west-1 (http://prometheus:9090) did not answer',
    );
    expect(
      screen.queryByRole('region', { name: 'GPU efficiency panel' }),
    ).toBeNull();
  });

  it('keeps the last good cost visible, with its time, while Prometheus is down', async () => {
    await renderLlama({
      ...llamaScorecard,
      checks: [
        {
          ...llamaScorecard.checks[0],
          status: 'source-unavailable',
          value: null,
          message: 'Prometheus of cluster gpu-eu-west-1 did not answer',
          lastAvailable: {
            evaluatedAt: '2026-12-04T09:15:00.000Z',
            status: 'pass',
            value: 1721.6,
            message: 'Spent 1,721.60 USD of 9,000 USD',
            source: 'prometheus',
          },
        },
      ],
      cost: llamaUnavailableCost,
    });

    const cost = panel('Cost');
    expect(group(cost, 'Cost month to date')).toHaveTextContent(
      '$1,721.60last good value, 2026-12-04 09:15 UTCSource unavailable',
    );
    expect(screen.getByLabelText('Last good value')).toHaveTextContent(
      'Last good value: $1,721.60 from Prometheus at 2026-12-04 09:15 UTC (pass)',
    );
    expect(cost).toHaveTextContent(
      'The cost could not be computed: Prometheus of cluster gpu-eu-west-1 (http://prometheus:9090) did not answer',
    );
  });

  it('says so when the comparison may not be read', async () => {
    await renderLlama(llamaScorecard, {
      getEntityCost: async () => {
        throw await backendResponseError(403, 'no');
      },
    });

    await waitFor(() =>
      expect(
        screen.getByRole('region', { name: 'Unit cost comparison' }),
      ).toHaveTextContent(
        'You may not read the cost of this endpoint (ai-platform.telemetry.read).',
      ),
    );
  });
});

describe('EntityScorecardContent cost of an agent and unknown checks', () => {
  it('shows an agent’s gateway cost with its basis, no GPU panel and no comparison request', async () => {
    const api = createMockAiPlatformApi({
      getEntityScorecard: async () => ({
        ...supportTriageScorecard,
        checks: [
          ...supportTriageScorecard.checks,
          {
            checkId: 'carbon-intensity',
            category: 'sustainability' as any,
            status: 'warn',
            value: 412,
            threshold: 300,
            window: '24h',
            message: '412 gCO2e per kWh in the region',
          },
        ],
        cost: {
          entityRef: 'agent:default/support-triage-agent',
          kind: 'Agent',
          title: 'Support triage agent',
          type: null,
          servingMode: null,
          costUsd: 1234.5,
          basis: 'gateway',
          unavailableReason: null,
          gpu: null,
          unitCost: null,
          saturation: null,
          rightSizing: [],
        },
      }),
    });
    await renderWithAiPlatformApi(
      <EntityScorecardContent />,
      supportTriageAgent,
      api,
    );
    await screen.findByLabelText('Level: bronze');

    expect(group(panel('Cost'), 'Cost month to date')).toHaveTextContent(
      '$1,234.50Gateway per-call cost',
    );
    expect(
      screen.queryByRole('region', { name: 'GPU efficiency panel' }),
    ).toBeNull();
    const other = group(panel('Other checks'), 'carbon-intensity');
    expect(other).toHaveTextContent('412 · threshold 300 · window 24h');
    expect(api.getEntityCost).not.toHaveBeenCalled();
    expect(requestCount(api)).toBe(2);
  });
  it('shows an agent’s share of self-hosted GPU cost with its basis, marked as an estimate', async () => {
    const basis =
      "Gateway cost 0.6 USD (calls to managed endpoints and unattributed models) + share of self-hosted GPU cost by tokens per hour 3.20 USD: modelendpoint:default/llama-chat 3.20 USD (400 of 800 tokens in 2 hours, GPU-hours estimated from the spec). The gateway's 0.0014 USD for the self-hosted calls is replaced, not added";
    const api = createMockAiPlatformApi({
      getEntityScorecard: async () => ({
        ...supportTriageScorecard,
        dailyUsage,
        cost: {
          entityRef: 'agent:default/support-triage-agent',
          kind: 'Agent',
          title: 'Support triage agent',
          type: null,
          servingMode: null,
          costUsd: 3.8,
          basis: 'gateway-and-gpu-share-estimate',
          unavailableReason: null,
          gpu: null,
          unitCost: null,
          saturation: null,
          rightSizing: [],
          gpuShare: {
            gatewayCostUsd: 0.6,
            gpuShareCostUsd: 3.2,
            replacedGatewayCostUsd: 0.0014,
            estimated: true,
            endpoints: [
              {
                endpointRef: 'modelendpoint:default/llama-chat',
                gpuHoursSource: 'spec-estimate',
                hours: 2,
                agentTokens: 400,
                endpointTokens: 800,
                shareCostUsd: 3.2,
              },
            ],
            basis,
          },
        },
      }),
    });
    await renderWithAiPlatformApi(
      <EntityScorecardContent />,
      supportTriageAgent,
      api,
    );
    await screen.findByLabelText('Level: bronze');

    const cost = panel('Cost');
    const mtd = group(cost, 'Cost month to date');
    expect(mtd).toHaveTextContent('$3.80');
    expect(mtd).toHaveTextContent(
      'Gateway cost + share of self-hosted GPU cost by tokens per hour (GPU-hours estimated from the spec)',
    );
    expect(within(mtd).getByText('estimate')).toBeInTheDocument();
    expect(group(cost, 'Share of self-hosted GPU cost')).toHaveTextContent(
      '$3.20by tokens per hour, GPU-hours estimated from the spec · gateway cost of the other calls $0.6',
    );
    expect(within(cost).getByLabelText('Cost basis')).toHaveTextContent(basis);
    // The gateway's daily spend is not this agent's cost: no such trend.
    expect(within(cost).queryByText('Spend per day')).toBeNull();
  });
});
