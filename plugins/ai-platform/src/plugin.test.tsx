import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen } from '@testing-library/react';
import plugin from './index';
import { rootRouteRef } from './routes';

describe('aiPlatformPlugin', () => {
  it('is the ai-platform plugin', () => {
    expect(plugin.id).toBe('ai-platform');
  });

  it('provides the AI Platform page at /ai-platform, with what the sidebar needs', () => {
    const page = plugin.getExtension('page:ai-platform');
    const tester = createExtensionTester(page);

    expect(tester.get(coreExtensionData.routePath)).toBe('/ai-platform');
    expect(tester.get(coreExtensionData.routeRef)).toBe(rootRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('AI Platform');
    expect(tester.get(coreExtensionData.icon)).toBeTruthy();
  });

  it('renders the overview page when the app navigates to /ai-platform', async () => {
    renderTestApp({
      features: [plugin],
      initialRouteEntries: ['/ai-platform'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        catalogApiMock({
          entities: [
            {
              apiVersion: 'aiplatform.io/v1alpha1',
              kind: 'Agent',
              metadata: { name: 'support-triage' },
              spec: {
                type: 'assistant',
                lifecycle: 'production',
                owner: 'group:customer-support',
                autonomyLevel: 'L2',
                models: ['gpt-4o'],
              },
            },
          ],
        }),
      ],
    });

    expect(await screen.findByText('Suggests')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'AI Platform' }),
    ).toBeInTheDocument();
  });
});
