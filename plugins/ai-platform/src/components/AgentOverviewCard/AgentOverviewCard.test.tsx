import { screen } from '@testing-library/react';
import {
  classificationWarningStatus,
  supportTriageAgent,
} from '../../__testUtils__/aiEntityFixtures';
import { renderEntityCard } from '../../__testUtils__/renderEntityCard';
import { EntityAgentOverviewCard } from './AgentOverviewCard';

const field = (label: string) => screen.getByRole('group', { name: label });

describe('EntityAgentOverviewCard', () => {
  it('shows the agent: audience, autonomy with its meaning, risk, budget, SLOs, evals', async () => {
    renderEntityCard(<EntityAgentOverviewCard />, supportTriageAgent);

    expect(await screen.findByText('Agent')).toBeInTheDocument();
    expect(field('Autonomy level')).toHaveTextContent(
      'L3 · Recommends, humans approve',
    );
    expect(field('Autonomy level')).toHaveTextContent(
      'The AI prepares complete actions and carries them out only after a person approves each one.',
    );
    expect(field('Audience')).toHaveTextContent('Product');
    expect(field('Human in the loop')).toHaveTextContent('Yes');
    expect(field('Risk tier')).toHaveTextContent('Limited');
    expect(field('Data classification')).toHaveTextContent('confidential');
    expect(field('Gateway agent id')).toHaveTextContent('support-triage');
    expect(field('TTFT p95 SLO')).toHaveTextContent('1500 ms');
    expect(field('Error rate SLO')).toHaveTextContent('1 %');
    expect(field('Monthly budget')).toHaveTextContent('$4,000');
    expect(field('Evals')).toHaveTextContent(
      'triage-routing-accuracy · min score 0.9',
    );
    expect(field('Evals')).toHaveTextContent(
      'Correct queue and priority on 400 labelled tickets.',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows dashes for what the agent does not declare, and explains an unknown level', async () => {
    renderEntityCard(<EntityAgentOverviewCard />, {
      ...supportTriageAgent,
      spec: {
        type: 'assistant',
        lifecycle: 'experimental',
        owner: 'developer-productivity',
        models: ['gpt-4o'],
        autonomyLevel: 'L9',
        humanInTheLoop: false,
        audience: 'internal-tool',
      },
    });

    expect(await screen.findByText('Agent')).toBeInTheDocument();
    expect(field('Autonomy level')).toHaveTextContent(
      'L9 · Unknown level"L9" is not an autonomy level; expected one of L1, L2, L3, L4, L5.',
    );
    expect(field('Audience')).toHaveTextContent('Internal tool');
    expect(field('Human in the loop')).toHaveTextContent('No');
    expect(field('Risk tier')).toHaveTextContent('—');
    expect(field('Monthly budget')).toHaveTextContent('—');
    expect(field('Evals')).toHaveTextContent('—');
    expect(field('Data classification')).toHaveTextContent('—');
  });

  it('shows the data classification policy warning', async () => {
    renderEntityCard(<EntityAgentOverviewCard />, {
      ...supportTriageAgent,
      status: classificationWarningStatus,
    } as typeof supportTriageAgent);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'AI platform policy warningspec.dataClassification: agent handles confidential data',
    );
  });
});
