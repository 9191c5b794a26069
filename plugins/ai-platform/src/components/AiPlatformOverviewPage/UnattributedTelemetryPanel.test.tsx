import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { fleetSummaryFixture } from '../../__testUtils__/fleetSummaryFixture';
import { UnattributedTelemetryPanel } from './UnattributedTelemetryPanel';

jest.setTimeout(30_000);

const unattributed = fleetSummaryFixture.unattributed;

describe('UnattributedTelemetryPanel', () => {
  it('says which page of a longer list it shows, worst first', async () => {
    renderInTestApp(
      <UnattributedTelemetryPanel
        unattributed={{ ...unattributed, total: 1234, offset: 50 }}
      />,
    );
    const panel = await screen.findByRole('region', {
      name: 'Unattributed telemetry',
    });
    expect(panel).toHaveTextContent(
      'Showing join keys 51–52 of 1,234, the most requests first.',
    );
    expect(within(panel).getByText('gpt-4o-mini')).toBeInTheDocument();
    expect(within(panel).getByText('agt_01J9')).toBeInTheDocument();
  });

  it('names the cost order', async () => {
    renderInTestApp(
      <UnattributedTelemetryPanel
        unattributed={{ ...unattributed, total: 60, order: 'cost' }}
      />,
    );
    expect(
      await screen.findByText(/of 60, the highest cost first/),
    ).toBeInTheDocument();
  });

  it('shows no page caption when the whole list fits, or for an older backend without a total', async () => {
    const { total: _total, ...withoutTotal } = unattributed;
    renderInTestApp(
      <>
        <UnattributedTelemetryPanel unattributed={unattributed} />
        <UnattributedTelemetryPanel unattributed={withoutTotal} />
      </>,
    );
    const panels = await screen.findAllByRole('region', {
      name: 'Unattributed telemetry',
    });
    expect(panels).toHaveLength(2);
    for (const panel of panels) {
      expect(panel).not.toHaveTextContent('Showing join keys');
      expect(within(panel).getByText('gpt-4o-mini')).toBeInTheDocument();
    }
  });
});
