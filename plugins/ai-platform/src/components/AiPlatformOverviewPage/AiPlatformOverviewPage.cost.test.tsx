import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aiPlatformApiRef, FleetSummary } from '../../api';
import {
  claudeSonnetEndpoint,
  llamaEndpoint,
  supportTriageAgent,
} from '../../__testUtils__/aiEntityFixtures';
import { fleetSummaryFixture } from '../../__testUtils__/fleetSummaryFixture';
import { createMockAiPlatformApi } from '../../__testUtils__/mockAiPlatformApi';
import { AiPlatformOverviewPage } from './AiPlatformOverviewPage';

// Tables with sorting render slowly in jsdom on a loaded machine.
jest.setTimeout(30_000);

function renderPage(summary: FleetSummary = fleetSummaryFixture) {
  renderInTestApp(<AiPlatformOverviewPage />, {
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [
        aiPlatformApiRef,
        createMockAiPlatformApi({ getFleetSummary: async () => summary }),
      ],
      catalogApiMock({
        entities: [claudeSonnetEndpoint, llamaEndpoint, supportTriageAgent],
      }),
    ],
  });
}

const LLAMA_REF = 'modelendpoint:default/llama-3-1-8b-instruct';

async function endpointRow(name: RegExp) {
  await screen.findByRole('region', { name: 'Spend by team' });
  // The first link is the model endpoint table's; panels below link too.
  return screen.getAllByRole('link', { name })[0].closest('tr')!;
}

describe('AiPlatformOverviewPage GPU cost', () => {
  it('shows each endpoint’s spend with its basis and a comparable unit cost column', async () => {
    renderPage();

    const llama = await endpointRow(/Llama 3\.1 8B Instruct/);
    expect(llama).toHaveTextContent('$310.00GPU · estimateestimate');
    // 310 USD over 1 M output tokens.
    expect(llama).toHaveTextContent('$310.00 / M output tokensGPU · estimate');
    const claude = await endpointRow(/Claude Sonnet/);
    expect(claude).toHaveTextContent('$2,500.25gateway');
    // 2,500.25 USD over 100 M output tokens.
    expect(claude).toHaveTextContent('$25.00 / M output tokensgateway');

    const table = claude.closest('table')!;
    const names = () =>
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map(row => row.querySelector('a')?.textContent);
    const sortByUnitCost = () =>
      userEvent.click(
        within(table).getAllByRole('button', { name: 'Unit cost' })[0],
      );
    // The catalog lists Claude first by name; descending puts Llama first.
    await sortByUnitCost();
    await sortByUnitCost();
    await waitFor(() =>
      expect(names()).toEqual([
        'Llama 3.1 8B Instruct (H100)',
        'Claude Sonnet 4.5 (Anthropic via gateway)',
      ]),
    );
    await sortByUnitCost();
    await waitFor(() =>
      expect(names()[0]).toBe('Claude Sonnet 4.5 (Anthropic via gateway)'),
    );
  });

  it('says why an endpoint’s cost is unavailable', async () => {
    const reason =
      'Prometheus of cluster gpu-eu-west-1 did not answer: connect ECONNREFUSED';
    renderPage({
      ...fleetSummaryFixture,
      fleet: fleetSummaryFixture.fleet.map(item =>
        item.entityRef === LLAMA_REF
          ? {
              ...item,
              spendMtdUsd: null,
              costBasis: 'unavailable',
              unitCost: null,
              costUnavailableReason: reason,
            }
          : item,
      ),
    });

    const llama = await endpointRow(/Llama 3\.1 8B Instruct/);
    expect(within(llama).getByLabelText(reason)).toHaveTextContent(
      'unavailable',
    );
  });

  it('sums GPU cost and idle cost, counts the sources and lists right-sizing recommendations', async () => {
    renderPage();

    const gpu = await screen.findByRole('region', { name: 'GPU cost' });
    expect(
      within(gpu).getByRole('group', { name: 'GPU cost month to date' }),
    ).toHaveTextContent('$310.002 endpoints');
    expect(
      within(gpu).getByRole('group', { name: 'Idle GPU cost' }),
    ).toHaveTextContent('$0.00');
    expect(
      within(gpu).getByRole('group', { name: 'GPU-hours sources' }),
    ).toHaveTextContent(
      'Prometheus: 1Estimated from the spec: 1 estimateUnavailable: 0',
    );
    const recommendations = within(gpu).getByRole('region', {
      name: 'Right-sizing',
    });
    expect(recommendations).toHaveTextContent('Right-sizing (1)');
    // (3.20 − 0.80) USD × 730 h.
    expect(
      within(recommendations).getByLabelText(
        'Recommendation: GPU profile h100-80gb → l4-24gb',
      ),
    ).toHaveTextContent(
      'Llama 3.1 8B Instruct (H100): GPU profile h100-80gb → l4-24gb, saves $1,752 a month',
    );
    expect(
      within(recommendations).getByRole('link', {
        name: 'Llama 3.1 8B Instruct (H100)',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/modelendpoint/llama-3-1-8b-instruct',
    );
    expect(recommendations).toHaveTextContent(
      'the portal never changes anything by itself',
    );
  });

  it('says how many endpoints are not counted when their source is unavailable', async () => {
    renderPage({
      ...fleetSummaryFixture,
      gpuCost: {
        ...fleetSummaryFixture.gpuCost!,
        unavailableEndpointCount: 1,
        recommendations: [],
      },
    });

    const gpu = await screen.findByRole('region', { name: 'GPU cost' });
    expect(
      within(gpu).getByRole('group', { name: 'GPU cost month to date' }),
    ).toHaveTextContent('3 endpoints, 1 not counted');
    expect(gpu).toHaveTextContent('Right-sizing (0)');
  });

  it('keeps working with a backend that sends no GPU cost', async () => {
    const { gpuCost: _gpuCost, ...withoutGpuCost } = fleetSummaryFixture;
    renderPage({
      ...withoutGpuCost,
      spendByTeam: fleetSummaryFixture.spendByTeam.map(
        ({
          selfHostedGpuSpendMtdUsd: _gpu,
          estimatedSpendMtdUsd: _estimated,
          idleCostMtdUsd: _idle,
          ...team
        }) => team,
      ),
      fleet: fleetSummaryFixture.fleet.map(
        ({ costBasis: _basis, unitCost: _unitCost, ...item }) => item,
      ),
    });

    const spend = await screen.findByRole('region', { name: 'Spend by team' });
    expect(screen.queryByRole('region', { name: 'GPU cost' })).toBeNull();
    expect(within(spend).queryByText('of which GPU-hours')).toBeNull();
    const llama = await endpointRow(/Llama 3\.1 8B Instruct/);
    expect(llama).toHaveTextContent('$310.00');
    expect(llama).not.toHaveTextContent('GPU · estimate');
  });
});
