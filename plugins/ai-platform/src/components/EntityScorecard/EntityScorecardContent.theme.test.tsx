import { screen, within } from '@testing-library/react';
import { createTheme, ThemeProvider } from '@mui/material/styles';
import { supportTriageAgent } from '../../__testUtils__/aiEntityFixtures';
import { createMockAiPlatformApi } from '../../__testUtils__/mockAiPlatformApi';
import { renderWithAiPlatformApi } from '../../__testUtils__/renderWithAiPlatformApi';
import { EntityScorecardContent } from './EntityScorecardContent';

// A theme whose status colours differ from MUI's defaults: the history
// swatches must follow the app's theme, not fixed hex codes.
const theme = createTheme({
  palette: {
    success: { main: 'rgb(1, 2, 3)' },
    warning: { main: 'rgb(4, 5, 6)' },
    error: { main: 'rgb(7, 8, 9)' },
    grey: { 500: 'rgb(10, 11, 12)' },
  },
});

async function swatchColours(historyLabel: string) {
  const history = await screen.findByRole('img', { name: historyLabel });
  return Array.from(history.children).map(
    swatch => getComputedStyle(swatch).backgroundColor,
  );
}

describe('EntityScorecardContent theme colours', () => {
  it('colours the status history with the theme palette', async () => {
    await renderWithAiPlatformApi(
      <ThemeProvider theme={theme}>
        <EntityScorecardContent />
      </ThemeProvider>,
      supportTriageAgent,
      createMockAiPlatformApi(),
    );

    expect(
      await swatchColours('History of TTFT p95: pass, warn, fail'),
    ).toEqual(['rgb(1, 2, 3)', 'rgb(4, 5, 6)', 'rgb(7, 8, 9)']);
    expect(
      await swatchColours('History of Error rate: not-enough-data, pass, warn'),
    ).toEqual(['rgb(10, 11, 12)', 'rgb(1, 2, 3)', 'rgb(4, 5, 6)']);
    expect(
      within(screen.getByRole('region', { name: 'TTFT panel' })).getByRole(
        'img',
        { name: /History of TTFT p95/ },
      ),
    ).toBeInTheDocument();
  });
});
