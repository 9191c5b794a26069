import { screen, within } from '@testing-library/react';
import {
  claudeSonnetEndpoint,
  llamaEndpoint,
  supportTriageAgent,
} from '../../__testUtils__/aiEntityFixtures';
import { renderEntityCard } from '../../__testUtils__/renderEntityCard';
import { EntityModelEndpointAgentsCard } from './ModelEndpointAgentsCard';

describe('EntityModelEndpointAgentsCard', () => {
  it('lists the agents using the endpoint, linked, with owner, audience and autonomy', async () => {
    renderEntityCard(<EntityModelEndpointAgentsCard />, claudeSonnetEndpoint, [
      supportTriageAgent,
    ]);

    const link = await screen.findByRole('link', {
      name: /Support triage agent/,
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/agent/support-triage-agent',
    );
    const row = link.closest('tr')!;
    expect(
      within(row).getByRole('link', { name: /support-experience/ }),
    ).toHaveAttribute('href', '/catalog/default/group/support-experience');
    expect(row).toHaveTextContent('Product');
    expect(row).toHaveTextContent('L3 · Recommends, humans approve');
  });

  it('still lists an agent that is missing from the catalog, marked as such', async () => {
    renderEntityCard(<EntityModelEndpointAgentsCard />, claudeSonnetEndpoint);

    expect(
      await screen.findByText('Not found in the catalog'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /support-triage-agent/ }),
    ).toHaveAttribute('href', '/catalog/default/agent/support-triage-agent');
  });

  it('explains when no agent uses the endpoint', async () => {
    renderEntityCard(<EntityModelEndpointAgentsCard />, llamaEndpoint, [
      supportTriageAgent,
    ]);

    expect(
      await screen.findByText(/No agent uses this model endpoint yet/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });
});
