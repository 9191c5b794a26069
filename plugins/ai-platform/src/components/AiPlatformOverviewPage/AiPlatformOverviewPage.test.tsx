import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AiPlatformOverviewPage } from './AiPlatformOverviewPage';
import { aiPlatformApiRef } from '../../api';
import { createMockAiPlatformApi } from '../../__testUtils__/mockAiPlatformApi';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const selfHostedEndpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'llama-3-1-8b-chat', namespace: 'default' },
  spec: {
    type: 'chat',
    lifecycle: 'production',
    owner: 'group:ml-platform',
    model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
    serving: {
      mode: 'self-hosted',
      runtime: 'vllm',
      gpuProfile: 'nvidia-l4-1x',
    },
    gateway: { model: 'llama-3.1-8b' },
    dataClassification: 'confidential',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/ml-platform' }],
};

const managedEndpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'gpt-4o', namespace: 'default' },
  spec: {
    type: 'chat',
    lifecycle: 'experimental',
    owner: 'search-team',
    model: { name: 'gpt-4o' },
    serving: { mode: 'managed', provider: 'openai' },
    gateway: { model: 'gpt-4o-gw' },
    dataClassification: 'internal',
  },
};

const embeddingEndpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'bge-embed', namespace: 'default' },
  spec: {
    type: 'embedding',
    lifecycle: 'production',
    owner: 'group:ml-platform',
    model: { name: 'BAAI/bge-m3' },
    serving: { mode: 'self-hosted', runtime: 'kserve' },
  },
};

const triageAgent: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'Agent',
  metadata: { name: 'support-triage', namespace: 'default' },
  spec: {
    type: 'assistant',
    lifecycle: 'production',
    owner: 'group:customer-support',
    audience: 'product',
    autonomyLevel: 'L3',
    riskTier: 'limited',
    models: ['llama-3-1-8b-chat', 'modelendpoint:default/gpt-4o'],
  },
};

const reviewAgent: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'Agent',
  metadata: { name: 'code-review-bot', namespace: 'default' },
  spec: {
    type: 'coding-agent',
    lifecycle: 'experimental',
    owner: 'group:dev-productivity',
    audience: 'internal-tool',
    autonomyLevel: 'L4',
    riskTier: 'high',
    models: ['gpt-4o'],
  },
};

const unrelatedComponent: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-service', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:payments' },
};

function tile(label: string) {
  return screen.getByRole('region', { name: label });
}

// The page renders every fleet panel; on a loaded CI machine a render took over Jest's 5 s.
jest.setTimeout(30_000);

describe('AiPlatformOverviewPage', () => {
  it('shows counts, endpoints and agents from the catalog', async () => {
    renderInTestApp(<AiPlatformOverviewPage />, {
      mountedRoutes,
      apis: [
        [aiPlatformApiRef, createMockAiPlatformApi()],
        catalogApiMock({
          entities: [
            selfHostedEndpoint,
            managedEndpoint,
            embeddingEndpoint,
            triageAgent,
            reviewAgent,
            unrelatedComponent,
          ],
        }),
      ],
    });

    expect(
      await screen.findByRole('region', { name: 'Model endpoints' }),
    ).toHaveTextContent('3');
    expect(tile('Self-hosted')).toHaveTextContent('2');
    expect(tile('Managed')).toHaveTextContent('1');
    expect(tile('Agents')).toHaveTextContent('2');

    const autonomyItems = within(tile('Agents by autonomy level'))
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(autonomyItems).toEqual(['L1 0', 'L2 0', 'L3 1', 'L4 1', 'L5 0']);

    // Endpoint rows link to their entity pages and show serving details.
    const llamaLink = screen.getByRole('link', { name: 'llama-3-1-8b-chat' });
    expect(llamaLink).toHaveAttribute(
      'href',
      '/catalog/default/modelendpoint/llama-3-1-8b-chat',
    );
    const llamaRow = llamaLink.closest('tr')!;
    expect(llamaRow).toHaveTextContent('Self-hosted · vllm');
    expect(llamaRow).toHaveTextContent('nvidia-l4-1x');
    expect(llamaRow).toHaveTextContent('llama-3.1-8b');
    expect(llamaRow).toHaveTextContent('confidential');
    expect(
      within(llamaRow).getByRole('link', { name: 'ml-platform' }),
    ).toHaveAttribute('href', '/catalog/default/group/ml-platform');

    const gptRow = screen.getByRole('link', { name: 'gpt-4o' }).closest('tr')!;
    expect(gptRow).toHaveTextContent('Managed · openai');
    expect(gptRow).toHaveTextContent('gpt-4o-gw');
    expect(gptRow).toHaveTextContent('experimental');
    // Without relations yet, the owner comes from spec.owner (default kind Group).
    expect(
      within(gptRow).getByRole('link', { name: 'search-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/search-team');

    // Agent rows show the autonomy level with its meaning and the model count.
    const triageLink = screen.getByRole('link', { name: 'support-triage' });
    expect(triageLink).toHaveAttribute(
      'href',
      '/catalog/default/agent/support-triage',
    );
    const triageRow = triageLink.closest('tr')!;
    expect(triageRow).toHaveTextContent('L3');
    expect(triageRow).toHaveTextContent('Recommends, humans approve');
    expect(triageRow).toHaveTextContent('Product');
    expect(triageRow).toHaveTextContent('limited');
    expect(within(triageRow).getByText('2')).toBeInTheDocument();

    const reviewRow = screen
      .getByRole('link', { name: 'code-review-bot' })
      .closest('tr')!;
    expect(reviewRow).toHaveTextContent('Acts, humans supervise');
    expect(reviewRow).toHaveTextContent('Internal tool');

    expect(screen.queryByText('checkout-service')).not.toBeInTheDocument();
    expect(
      screen.queryByText('No model endpoints registered yet'),
    ).not.toBeInTheDocument();
  });

  it('explains autonomy levels and flags agents whose level is unknown', async () => {
    const misconfiguredAgent: Entity = {
      ...reviewAgent,
      metadata: { name: 'legacy-bot', namespace: 'default' },
      spec: { ...reviewAgent.spec, autonomyLevel: 'L9' },
    };
    renderInTestApp(<AiPlatformOverviewPage />, {
      mountedRoutes,
      apis: [
        [aiPlatformApiRef, createMockAiPlatformApi()],
        catalogApiMock({
          entities: [selfHostedEndpoint, triageAgent, misconfiguredAgent],
        }),
      ],
    });

    const legacyRow = (
      await screen.findByRole('link', { name: 'legacy-bot' })
    ).closest('tr')!;
    expect(legacyRow).toHaveTextContent('Unknown level');
    const autonomyItems = within(tile('Agents by autonomy level'))
      .getAllByRole('listitem')
      .map(item => item.textContent);
    expect(autonomyItems).toEqual([
      'L1 0',
      'L2 0',
      'L3 1',
      'L4 0',
      'L5 0',
      'Not set 1',
    ]);

    const triageRow = screen
      .getByRole('link', { name: 'support-triage' })
      .closest('tr')!;
    await userEvent.hover(within(triageRow).getByText('L3'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'carries them out only after a person approves each one',
    );
  });

  it('explains how to register a ModelEndpoint when there are none', async () => {
    renderInTestApp(<AiPlatformOverviewPage />, {
      mountedRoutes,
      apis: [
        [aiPlatformApiRef, createMockAiPlatformApi()],
        catalogApiMock({ entities: [unrelatedComponent] }),
      ],
    });

    expect(
      await screen.findByText('No model endpoints registered yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /kind ModelEndpoint and apiVersion aiplatform.io\/v1alpha1/,
      ),
    ).toBeInTheDocument();
    const exampleYaml = await screen.findByText(
      (_, element) =>
        element?.tagName === 'CODE' &&
        element.textContent?.includes('kind: ModelEndpoint') === true,
    );
    expect(exampleYaml).toHaveTextContent('apiVersion: aiplatform.io/v1alpha1');
    expect(tile('Model endpoints')).toHaveTextContent('0');
    expect(screen.getByText(/No agents registered yet/)).toBeInTheDocument();
  });

  it('shows the catalog error when loading fails', async () => {
    const catalogApi = catalogApiMock.mock({
      getEntities: jest
        .fn()
        .mockRejectedValue(new Error('catalog is unavailable')),
    });
    renderInTestApp(<AiPlatformOverviewPage />, {
      mountedRoutes,
      apis: [[aiPlatformApiRef, createMockAiPlatformApi()], catalogApi],
    });

    expect(
      await screen.findByText('Error: catalog is unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Model endpoints' }),
    ).not.toBeInTheDocument();
    expect(catalogApi.getEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        filter: [{ kind: 'ModelEndpoint' }, { kind: 'Agent' }],
      }),
    );
  });
});
