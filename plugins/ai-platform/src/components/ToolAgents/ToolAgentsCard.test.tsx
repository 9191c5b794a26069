import { screen, within } from '@testing-library/react';
import { zendeskMcpApi } from '../../__testUtils__/aiEntityFixtures';
import {
  backendResponseError,
  createMockAiPlatformApi,
} from '../../__testUtils__/mockAiPlatformApi';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { EntityToolAgentsCard } from './ToolAgentsCard';
import { isToolApiEntity } from './toolApiEntity';

const toolApi = {
  ...zendeskMcpApi,
  metadata: {
    ...zendeskMcpApi.metadata,
    name: 'ticketing-mcp',
    annotations: { 'aiplatform.io/tools': 'search_tickets, close_ticket' },
  },
};

describe('EntityToolAgentsCard', () => {
  it('lists the agents calling the tools, attributed or not, with calls, error rate and trace links', async () => {
    const api = createMockAiPlatformApi();
    await renderWithAiPlatformApi(<EntityToolAgentsCard />, toolApi, api);
    const table = await screen.findByRole('table', {
      name: 'Agents calling this tool',
    });
    expect(api.getToolAgents).toHaveBeenCalledWith({
      kind: 'API',
      namespace: 'default',
      name: 'ticketing-mcp',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(
      within(rows[1]).getByRole('link', { name: /support-triage-agent/ }),
    ).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('search_tickets');
    expect(rows[1]).toHaveTextContent('1.67 %');
    expect(rows[1]).toHaveTextContent('2026-11-22 16:00 UTC');
    expect(
      within(rows[1]).getByRole('link', { name: /^Trace / }),
    ).toHaveAttribute(
      'href',
      'https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c',
    );
    expect(rows[2]).toHaveTextContent('nightly-triage-bot');
    expect(rows[2]).toHaveTextContent('unattributed');
    expect(rows[2]).toHaveTextContent('close_ticket');
  });

  it('says which tools nobody called', async () => {
    const api = createMockAiPlatformApi({
      getToolAgents: async () => ({
        entityRef: 'api:default/ticketing-mcp',
        window: {
          from: '2026-11-09T10:00:00.000Z',
          to: '2026-11-23T10:00:00.000Z',
        },
        toolNames: ['search_tickets', 'close_ticket'],
        agents: [],
      }),
    });
    await renderWithAiPlatformApi(<EntityToolAgentsCard />, toolApi, api);
    expect(
      await screen.findByText(/No agent called 'search_tickets', 'close_ticket'/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error, e.g. an invalid tools annotation", async () => {
    const api = createMockAiPlatformApi({
      getToolAgents: async () => {
        throw await backendResponseError(
          400,
          "Annotation 'aiplatform.io/tools' of api:default/ticketing-mcp: 'a b' is not a tool name",
        );
      },
    });
    await renderWithAiPlatformApi(<EntityToolAgentsCard />, toolApi, api);
    expect(
      (await screen.findAllByText(/is not a tool name/)).length,
    ).toBeGreaterThan(0);
  });

  it('applies to API entities with the tools annotation only', () => {
    expect(isToolApiEntity(toolApi)).toBe(true);
    expect(isToolApiEntity(zendeskMcpApi)).toBe(false);
    expect(
      isToolApiEntity({ ...toolApi, kind: 'Component' }),
    ).toBe(false);
  });
});
