import { screen, within } from '@testing-library/react';
import {
  claudeSonnetEndpoint,
  llamaEndpoint,
  supportTriageAgent,
  zendeskMcpApi,
} from '../../__testUtils__/aiEntityFixtures';
import { renderEntityCard } from '../../__testUtils__/renderEntityCard';
import { EntityAgentDependenciesCard } from './AgentDependenciesCard';

describe('EntityAgentDependenciesCard', () => {
  it('links the model endpoints with serving and classification, and the tools with API type', async () => {
    renderEntityCard(<EntityAgentDependenciesCard />, supportTriageAgent, [
      claudeSonnetEndpoint,
      llamaEndpoint,
      zendeskMcpApi,
    ]);

    const models = await screen.findByRole('table', {
      name: 'Model endpoints',
    });
    const claude = within(models).getByRole('link', {
      name: /Claude Sonnet 4\.5/,
    });
    expect(claude).toHaveAttribute(
      'href',
      '/catalog/default/modelendpoint/claude-sonnet',
    );
    const claudeRow = claude.closest('tr')!;
    expect(claudeRow).toHaveTextContent('Managed · anthropic');
    expect(claudeRow).toHaveTextContent('confidential');

    const llamaRow = within(models)
      .getByRole('link', { name: /Llama 3\.1 8B Instruct/ })
      .closest('tr')!;
    expect(llamaRow).toHaveTextContent('Self-hosted · vllm · h100-80gb');
    expect(llamaRow).toHaveTextContent('internal');

    const tools = screen.getByRole('table', { name: 'Tools' });
    const zendesk = within(tools).getByRole('link', {
      name: /Zendesk MCP server/,
    });
    expect(zendesk).toHaveAttribute('href', '/catalog/default/api/zendesk-mcp');
    expect(zendesk.closest('tr')).toHaveTextContent('mcp-server');
  });

  it('explains when the agent has no tools', async () => {
    renderEntityCard(
      <EntityAgentDependenciesCard />,
      {
        ...supportTriageAgent,
        relations: supportTriageAgent.relations!.filter(
          relation => relation.type !== 'consumesApi',
        ),
      },
      [claudeSonnetEndpoint, llamaEndpoint],
    );

    expect(
      await screen.findByText(/This agent uses no tools/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Tools' })).toBeNull();
    expect(
      screen.getByRole('table', { name: 'Model endpoints' }),
    ).toBeVisible();
  });
});
