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
import {
  backendResponseError,
  createMockAiPlatformApi,
} from '../../__testUtils__/mockAiPlatformApi';
import { AiPlatformOverviewPage } from './AiPlatformOverviewPage';

// Tables with sorting render slowly in jsdom on a loaded machine.
jest.setTimeout(30_000);

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

function renderPage(aiPlatformApi = createMockAiPlatformApi()) {
  renderInTestApp(<AiPlatformOverviewPage />, {
    mountedRoutes,
    apis: [
      [aiPlatformApiRef, aiPlatformApi],
      catalogApiMock({
        entities: [claudeSonnetEndpoint, llamaEndpoint, supportTriageAgent],
      }),
    ],
  });
  return aiPlatformApi;
}

function panel(title: string) {
  return screen.getByRole('region', { name: title });
}

function summaryWith(overrides: Partial<FleetSummary>): FleetSummary {
  return { ...fleetSummaryFixture, ...overrides };
}

describe('AiPlatformOverviewPage panels', () => {
  it('adds grade, spend, TTFT and eval to the fleet tables and sorts by them', async () => {
    const api = renderPage();

    await screen.findByRole('region', { name: 'Golden-path adoption' });
    expect(api.getFleetSummary).toHaveBeenCalledTimes(1);
    const llamaRow = screen
      // The first link is the fleet table's; the time to first inference table has one too.
      .getAllByRole('link', {
        name: /Llama 3\.1 8B Instruct|llama-3-1-8b-instruct/,
      })[0]
      .closest('tr')!;
    const endpoints = llamaRow.closest('table')!;
    expect(llamaRow).toHaveTextContent('silver');
    expect(llamaRow).toHaveTextContent('$310.00');
    expect(llamaRow).toHaveTextContent('220 ms');
    const claudeRow = within(endpoints)
      .getByRole('link', { name: /Claude Sonnet|claude-sonnet/ })
      .closest('tr')!;
    expect(claudeRow).toHaveTextContent('gold');
    expect(claudeRow).toHaveTextContent('$2,500.25');

    const triageRow = screen
      .getByRole('link', { name: /Support triage agent|support-triage-agent/ })
      .closest('tr')!;
    expect(triageRow).toHaveTextContent('bronze');
    expect(triageRow).toHaveTextContent('$1,234.50');
    expect(triageRow).toHaveTextContent('812 ms (fail)');
    expect(triageRow).toHaveTextContent('0.91');

    const endpointNames = () =>
      within(endpoints)
        .getAllByRole('row')
        .slice(1)
        .map(row => row.querySelector('a')?.textContent);
    await userEvent.click(
      within(endpoints).getAllByRole('button', { name: 'Spend MTD' })[0],
    );
    await waitFor(() => expect(endpointNames()[0]).toMatch(/llama|Llama/));
    await userEvent.click(
      within(endpoints).getAllByRole('button', { name: 'Spend MTD' })[0],
    );
    await waitFor(() => expect(endpointNames()[0]).toMatch(/claude|Claude/));
  });

  it('shows golden-path adoption per template and week', async () => {
    renderPage();
    const adoption = await screen.findByRole('region', {
      name: 'Golden-path adoption',
    });
    const perTemplate = within(adoption)
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(perTemplate).toEqual([
      'self-hosted-endpoint: 3 entities',
      'managed-model-endpoint: 1 entity (1 without a GitOps commit time)',
    ]);
    expect(
      within(adoption).getByLabelText(
        'Entities created per week: week of 2026-11-09: 1, week of 2026-11-16: 2',
      ),
    ).toBeInTheDocument();
    expect(adoption.querySelector('svg')).not.toBeNull();
    expect(adoption).toHaveTextContent(
      '1 template-created entity has no GitOps commit time',
    );
  });

  it('shows the median time to first inference and each entity, with no traffic yet', async () => {
    renderPage();
    const ttfi = await screen.findByRole('region', {
      name: 'Time to first inference',
    });
    expect(
      within(ttfi).getByRole('group', {
        name: 'Median time to first inference',
      }),
    ).toHaveTextContent('1 h 36 min');
    expect(ttfi).toHaveTextContent(
      'over 2 entities with traffic; 1 with no traffic yet; 1 without a commit time',
    );
    const rowOf = (name: RegExp) =>
      within(ttfi).getByRole('link', { name }).closest('tr')!;
    expect(rowOf(/team-chat-8b/)).toHaveTextContent('No traffic yet');
    expect(rowOf(/team-chat-8b/)).toHaveTextContent('2026-11-20 08:00 UTC');
    expect(rowOf(/Llama 3\.1 8B/)).toHaveTextContent('12 min 30 s');
    // Only the hour of the first call is left: marked approximate.
    expect(rowOf(/qwen-2-5-7b/)).toHaveTextContent('≈ 3 h');
  });

  it('shows spend by team with the entities it leaves out', async () => {
    renderPage();
    const spend = await screen.findByRole('region', { name: 'Spend by team' });
    const rows = within(
      within(spend).getByRole('table', {
        name: 'Spend by team, month to date',
      }),
    )
      .getAllByRole('row')
      .slice(1)
      .map(row => row.textContent);
    expect(rows).toEqual([
      // Endpoints, of which GPU-hours, of which estimated, idle GPU, agents.
      'ml-platform$2,810.25 (2)$310.00$310.00 estimate$0.00$0.00 (0)',
      'support-experience$0.00 (0)$0.00$0.00$0.00$1,234.50 (1)',
    ]);
    expect(spend).toHaveTextContent('since 2026-11-01 UTC');
    expect(spend).toHaveTextContent(
      'Leaves out 1 entity whose telemetry you may not read',
    );
    expect(
      within(spend).getByLabelText(/ml-platform endpoints \$2,810\.25/),
    ).toBeInTheDocument();
  });

  it('shows GPU allocation per cluster and profile and per team against its quota', async () => {
    renderPage();
    const gpus = await screen.findByRole('region', { name: 'GPU allocation' });
    expect(
      within(gpus).getByLabelText(
        'GPUs by cluster and profile: gpu-eu-west-1 h100-80gb 1 to 4; gpu-eu-west-1 l4-24gb 2 to 5',
      ),
    ).toBeInTheDocument();
    const rows = within(
      within(gpus).getByRole('table', { name: 'GPUs per team and profile' }),
    )
      .getAllByRole('row')
      .slice(1)
      .map(row => row.textContent);
    expect(rows).toEqual([
      'ml-platformh100-80gb4 of 8',
      'support-experiencel4-24gb5 of 4 (over quota)',
    ]);
  });

  it('lists unattributed telemetry with the spec field to set', async () => {
    renderPage();
    const unattributed = await screen.findByRole('region', {
      name: 'Unattributed telemetry',
    });
    const row = within(unattributed).getByText('gpt-4o-mini').closest('tr')!;
    expect(row).toHaveTextContent('Gateway model alias');
    expect(row).toHaveTextContent('42');
    expect(row).toHaveTextContent('hour of 2026-11-23 09:00 UTC');
    expect(row).toHaveTextContent(
      'Set spec.gateway.model: gpt-4o-mini on the ModelEndpoint entity',
    );
    const agentRow = within(unattributed).getByText('agt_01J9').closest('tr')!;
    expect(agentRow).toHaveTextContent('Gateway agent id');
    expect(agentRow).toHaveTextContent('Set spec.gateway.agentId: agt_01J9');
  });

  it('counts decommissioned endpoints as retired, with their last call and requests', async () => {
    renderPage();
    const retired = await screen.findByRole('region', {
      name: 'Retired: 2 endpoints, 1 agent',
    });
    const rowOf = (ref: string) =>
      within(retired).getByText(ref).closest('tr')!;
    const mistral = rowOf('modelendpoint:default/mistral-7b-legacy');
    expect(mistral).toHaveTextContent('ModelEndpoint');
    expect(mistral).toHaveTextContent('2026-11-20 14:32 UTC');
    expect(mistral).toHaveTextContent('1,830');
    // Only the hour of its last call is left after retention.
    const bert = rowOf('modelendpoint:default/bert-embed-v1');
    expect(bert).toHaveTextContent('hour of 2026-09-30 17:00 UTC');
    expect(rowOf('agent:default/faq-bot')).toHaveTextContent('Agent');
    // Not a link: the catalog no longer has them.
    expect(within(retired).queryByRole('link')).not.toBeInTheDocument();
    // A gateway price is not shown as the endpoint's cost.
    expect(retired).not.toHaveTextContent('$9.15');
    expect(retired).toHaveTextContent('No GPU cost is shown');
  });

  it.each([
    [
      'there are none',
      {
        ...fleetSummaryFixture.retired!,
        modelEndpointCount: 0,
        agentCount: 0,
        items: [],
      },
    ],
    [
      'the user may not read them',
      { ...fleetSummaryFixture.retired!, allowed: false },
    ],
    ['the backend predates them', undefined],
  ])('shows nothing about retired entities when %s', async (_, retired) => {
    renderPage(
      createMockAiPlatformApi({
        getFleetSummary: async () => summaryWith({ retired }),
      }),
    );
    await screen.findByRole('region', { name: 'Unattributed telemetry' });
    expect(
      screen.queryByRole('region', { name: /Retired/ }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/Retired:/)).not.toBeInTheDocument();
  });

  it('shows the catalog tables while the fleet summary loads', async () => {
    renderPage(
      createMockAiPlatformApi({
        getFleetSummary: () => new Promise<FleetSummary>(() => {}),
      }),
    );
    expect(
      await screen.findByRole('heading', { name: /Model endpoints \(2\)/ }),
    ).toBeInTheDocument();
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Spend by team' }),
    ).not.toBeInTheDocument();
  });

  it('explains how to send telemetry, with the OTLP URL, when there is none', async () => {
    renderPage(
      createMockAiPlatformApi({
        getFleetSummary: async () =>
          summaryWith({
            fleet: fleetSummaryFixture.fleet.map(item => ({
              ...item,
              spendMtdUsd: item.telemetryReadable ? 0 : null,
              requestsMtd: item.telemetryReadable ? 0 : null,
            })),
            spendByTeam: [],
            unattributed: { ...fleetSummaryFixture.unattributed, items: [] },
          }),
      }),
    );
    const help = await screen.findByRole('note', {
      name: 'How to send telemetry',
    });
    expect(help).toHaveTextContent('No telemetry received this month');
    expect(help).toHaveTextContent(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http:\/\/[^ ]+\/api\/ai-platform\/v1\/traces/,
    );
    expect(help).toHaveTextContent('Authorization=Bearer <ingest token>');
    expect(help).toHaveTextContent('backend.auth.externalAccess');
    expect(panel('Spend by team')).toHaveTextContent(
      'No spend you may read this month.',
    );
    expect(panel('Unattributed telemetry')).toHaveTextContent(
      'Every call in this window was matched',
    );
  });

  it('shows the backend error and keeps the catalog tables', async () => {
    const error = await backendResponseError(500, 'database unreachable');
    renderPage(
      createMockAiPlatformApi({
        getFleetSummary: async () => {
          throw error;
        },
      }),
    );
    expect(
      await screen.findByText(
        /Could not load the fleet summary from the ai-platform backend/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database unreachable/)[0]).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: /Model endpoints \(2\)/ }),
    ).toBeInTheDocument();
  });

  it('says the user lacks the permission on a 403', async () => {
    const error = await backendResponseError(403, 'Not allowed');
    renderPage(
      createMockAiPlatformApi({
        getFleetSummary: async () => {
          throw error;
        },
      }),
    );
    expect(
      await screen.findByText(/You may not read AI platform telemetry/),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Could not load the fleet summary/),
    ).not.toBeInTheDocument();
  });

  it('says the user lacks the permission when every entity is denied, and still shows catalog panels', async () => {
    renderPage(
      createMockAiPlatformApi({
        getFleetSummary: async () =>
          summaryWith({
            telemetryAccess: { readableEntityCount: 0, deniedEntityCount: 5 },
            fleet: fleetSummaryFixture.fleet.map(item => ({
              ...item,
              telemetryReadable: false,
              spendMtdUsd: null,
              requestsMtd: null,
            })),
            spendByTeam: [],
            unattributed: {
              ...fleetSummaryFixture.unattributed,
              allowed: false,
              items: [],
            },
          }),
      }),
    );
    expect(
      await screen.findByText(/You may not read AI platform telemetry/),
    ).toBeInTheDocument();
    expect(panel('Unattributed telemetry')).toHaveTextContent(
      'You may not read telemetry that belongs to no entity',
    );
    expect(panel('GPU allocation')).toHaveTextContent('4 of 8');
    const llamaRow = screen
      // The first link is the fleet table's; the time to first inference table has one too.
      .getAllByRole('link', {
        name: /Llama 3\.1 8B Instruct|llama-3-1-8b-instruct/,
      })[0]
      .closest('tr')!;
    expect(llamaRow).toHaveTextContent('no access');
    expect(screen.queryByRole('note')).not.toBeInTheDocument();
  });
});
