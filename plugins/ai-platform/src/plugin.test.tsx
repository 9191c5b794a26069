import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { catalogGraphApiRef } from '@backstage/plugin-catalog-graph';
import { screen, waitFor } from '@testing-library/react';
import plugin from './index';
import { rootRouteRef } from './routes';
import { aiPlatformApiRef, AiPlatformClient } from './api';
import { createMockAiPlatformApi } from './__testUtils__/mockAiPlatformApi';
import {
  aiPlatformCatalogGraphModule,
  catalogGraphApiWithAiPlatformRelations,
} from './catalogGraphModule';
import {
  claudeSonnetEndpoint,
  supportTriageAgent,
} from './__testUtils__/aiEntityFixtures';

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

    // The tables render again when the fleet summary answers: query the
    // current DOM each time rather than holding on to a replaced node.
    await waitFor(() =>
      expect(screen.getByText('Suggests')).toBeInTheDocument(),
    );
    expect(
      screen.getByRole('heading', { name: 'AI Platform' }),
    ).toBeInTheDocument();
  });

  it.each([
    ['entity-card:ai-platform/model-endpoint-overview', true, false],
    ['entity-card:ai-platform/model-endpoint-agents', true, false],
    ['entity-card:ai-platform/agent-overview', false, true],
    ['entity-card:ai-platform/agent-dependencies', false, true],
    ['entity-card:ai-platform/scorecard-summary', true, true],
    ['entity-card:ai-platform/audit-history', true, true],
  ])(
    'provides %s, shown for model endpoints: %s, for agents: %s',
    (id, forModelEndpoint, forAgent) => {
      const tester = createExtensionTester(plugin.getExtension(id as any));
      const filter = tester.get(
        EntityCardBlueprint.dataRefs.filterFunction,
      ) as (entity: Entity) => boolean;
      expect(filter(claudeSonnetEndpoint)).toBe(forModelEndpoint);
      expect(filter(supportTriageAgent)).toBe(forAgent);
      expect(
        filter({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'chat-ui' },
        }),
      ).toBe(false);
      expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
    },
  );

  it('renders the agent cards on an agent entity page, and not the model endpoint cards', async () => {
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: supportTriageAgent }),
        plugin.getExtension('entity-card:ai-platform/agent-overview'),
        plugin.getExtension('entity-card:ai-platform/agent-dependencies'),
        plugin.getExtension('entity-card:ai-platform/model-endpoint-overview'),
        plugin.getExtension('entity-card:ai-platform/model-endpoint-agents'),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [catalogApiMock({ entities: [claudeSonnetEndpoint] })],
    });

    expect(await screen.findByText('Agent')).toBeInTheDocument();
    expect(await screen.findByText('Models and tools')).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: /Claude Sonnet 4\.5/ }),
    ).toBeInTheDocument();
    // The model endpoint overview's fields (e.g. "Serving") are not on the page.
    expect(screen.queryByRole('group', { name: 'Serving' })).toBeNull();
    expect(screen.queryByText('Agents using this model endpoint')).toBeNull();
  });
});

describe('aiPlatformPlugin scorecards', () => {
  const component: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'chat-ui' },
  };

  it('provides api:ai-platform, an AiPlatformClient on discovery and fetch', async () => {
    const tester = createExtensionTester(
      plugin.getExtension('api:ai-platform'),
    );
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe(aiPlatformApiRef.id);
    expect(Object.keys(factory.deps).sort()).toEqual([
      'discoveryApi',
      'fetchApi',
    ]);
    const fetch = jest.fn(
      async () =>
        ({
          ok: true,
          json: async () => ({ checks: [] }),
        } as unknown as Response),
    );
    const client = factory.factory({
      discoveryApi: {
        getBaseUrl: async () => 'http://backend/api/ai-platform',
      },
      fetchApi: { fetch },
    }) as AiPlatformClient;
    expect(client).toBeInstanceOf(AiPlatformClient);
    await client.getEntityScorecard({
      kind: 'agent',
      namespace: 'default',
      name: 'a',
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/ai-platform/scorecards/by-entity/agent/default/a',
    );
  });

  it('provides entity-content:ai-platform/scorecard at scorecard, titled Scorecard, for both kinds only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ai-platform/scorecard'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('scorecard');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Scorecard');
    const filter = tester.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    ) as (entity: Entity) => boolean;
    expect(filter(claudeSonnetEndpoint)).toBe(true);
    expect(filter(supportTriageAgent)).toBe(true);
    expect(filter(component)).toBe(false);
  });

  it('provides entity-content:ai-platform/group-scorecards at ai-scorecards, titled AI scorecards, for groups only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ai-platform/group-scorecards'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('ai-scorecards');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'AI scorecards',
    );
    const filter = tester.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    ) as (entity: Entity) => boolean;
    expect(
      filter({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'customer-support' },
      }),
    ).toBe(true);
    expect(filter(supportTriageAgent)).toBe(false);
    expect(filter(component)).toBe(false);
  });

  it('renders the scorecard summary card on an agent overview', async () => {
    const aiPlatformApi = createMockAiPlatformApi();
    renderTestApp({
      extensions: [
        createTestEntityPage({ entity: supportTriageAgent }),
        plugin.getExtension('entity-card:ai-platform/scorecard-summary'),
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [[aiPlatformApiRef, aiPlatformApi]],
    });

    expect(await screen.findByLabelText('Level: bronze')).toBeInTheDocument();
    expect(aiPlatformApi.getEntityScorecard).toHaveBeenCalledTimes(1);
  });
});

describe('aiPlatformCatalogGraphModule', () => {
  it('makes the catalog graph know and draw usesModel / modelUsedBy besides the built-in relations', () => {
    expect(aiPlatformCatalogGraphModule.pluginId).toBe('catalog-graph');
    const tester = createExtensionTester(
      catalogGraphApiWithAiPlatformRelations,
    );
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe(catalogGraphApiRef.id);
    const api = factory.factory({}) as any;
    expect(api.knownRelations).toEqual(
      expect.arrayContaining([
        'ownedBy',
        'dependsOn',
        'usesModel',
        'modelUsedBy',
      ]),
    );
    expect(api.defaultRelations).toEqual(
      expect.arrayContaining(['usesModel', 'modelUsedBy', 'consumesApi']),
    );
    expect(api.knownRelationPairs).toContainEqual(['usesModel', 'modelUsedBy']);
    expect(api.knownRelationPairs).toContainEqual(['ownerOf', 'ownedBy']);
  });
});
