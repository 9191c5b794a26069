import { screen, within } from '@testing-library/react';
import {
  claudeSonnetEndpoint,
  classificationWarningStatus,
  llamaEndpoint,
} from '../../__testUtils__/aiEntityFixtures';
import { renderEntityCard } from '../../__testUtils__/renderEntityCard';
import { EntityModelEndpointOverviewCard } from './ModelEndpointOverviewCard';

const field = (label: string) => screen.getByRole('group', { name: label });

describe('EntityModelEndpointOverviewCard', () => {
  it('shows a self-hosted endpoint: model, runtime, cluster link, replicas, GPU pricing', async () => {
    renderEntityCard(<EntityModelEndpointOverviewCard />, llamaEndpoint);

    expect(await screen.findByText('Model endpoint')).toBeInTheDocument();
    expect(field('Model')).toHaveTextContent(
      'meta-llama/Llama-3.1-8B-Instruct',
    );
    expect(field('Version')).toHaveTextContent('0e9e39f2');
    expect(field('Parameters')).toHaveTextContent('8B');
    expect(field('License')).toHaveTextContent('llama3.1');
    expect(field('Serving')).toHaveTextContent('Self-hosted');
    expect(field('Runtime')).toHaveTextContent('vllm');
    expect(field('Namespace')).toHaveTextContent('llm-shared');
    expect(field('GPU profile')).toHaveTextContent('h100-80gb');
    expect(field('Replicas')).toHaveTextContent('1–4');
    expect(field('Gateway alias')).toHaveTextContent('llama-3.1-8b');
    expect(field('TTFT p95 SLO')).toHaveTextContent('400 ms');
    expect(field('Error rate SLO')).toHaveTextContent('1 %');
    expect(field('Monthly budget')).toHaveTextContent('$9,000');
    expect(field('Pricing')).toHaveTextContent('$3.20 / GPU hour');
    expect(field('Data classification')).toHaveTextContent('internal');
    expect(
      within(field('Cluster')).getByRole('link', { name: /gpu-eu-west-1/ }),
    ).toHaveAttribute('href', '/catalog/default/resource/gpu-eu-west-1');
    expect(screen.queryByRole('group', { name: 'Provider' })).toBeNull();
  });

  it('shows a managed endpoint: provider and token pricing, no cluster fields', async () => {
    renderEntityCard(<EntityModelEndpointOverviewCard />, claudeSonnetEndpoint);

    expect(await screen.findByText('Model endpoint')).toBeInTheDocument();
    expect(field('Serving')).toHaveTextContent('Managed');
    expect(field('Provider')).toHaveTextContent('anthropic');
    expect(field('Pricing')).toHaveTextContent(
      '$3 / 1M input tokens · $15 / 1M output tokens',
    );
    expect(field('Version')).toHaveTextContent('—');
    expect(field('Data classification')).toHaveTextContent('confidential');
    expect(screen.queryByRole('group', { name: 'Cluster' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Replicas' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the AI platform policy warnings of the entity, and only those', async () => {
    renderEntityCard(<EntityModelEndpointOverviewCard />, {
      ...llamaEndpoint,
      status: classificationWarningStatus,
    } as typeof llamaEndpoint);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('AI platform policy warning');
    expect(alert).toHaveTextContent(
      'agent handles confidential data but uses model endpoint modelendpoint:default/llama-3-1-8b-instruct classified internal',
    );
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.queryByText('not ours')).toBeNull();
  });
});
