import {
  ApiBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import {
  ALL_RELATIONS,
  ALL_RELATION_PAIRS,
  DefaultCatalogGraphApi,
  catalogGraphApiRef,
} from '@backstage/plugin-catalog-graph';
import {
  RELATION_MODEL_USED_BY,
  RELATION_USES_MODEL,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * The relations the catalog graph knows: Backstage's built-in ones plus the
 * AI platform's `usesModel` / `modelUsedBy` pair.
 *
 * @public
 */
export const aiPlatformCatalogGraphRelations: string[] = [
  ...ALL_RELATIONS,
  RELATION_USES_MODEL,
  RELATION_MODEL_USED_BY,
];

/**
 * The relation pairs the catalog graph knows: Backstage's built-in ones plus
 * `[usesModel, modelUsedBy]`, so a merged edge reads "usesModel / modelUsedBy".
 *
 * @public
 */
export const aiPlatformCatalogGraphRelationPairs: [string, string][] = [
  ...ALL_RELATION_PAIRS,
  [RELATION_USES_MODEL, RELATION_MODEL_USED_BY],
];

/**
 * The `api:catalog-graph` extension of {@link aiPlatformCatalogGraphModule}.
 *
 * @internal
 */
export const catalogGraphApiWithAiPlatformRelations = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: catalogGraphApiRef,
      deps: {},
      factory: () =>
        new DefaultCatalogGraphApi({
          knownRelations: aiPlatformCatalogGraphRelations,
          knownRelationPairs: aiPlatformCatalogGraphRelationPairs,
          defaultRelationTypes: { exclude: [] },
        }),
    }),
});

/**
 * A module for the catalog graph plugin that replaces its `api:catalog-graph`
 * extension with one that also knows (and draws by default) the AI platform
 * relations, in the entity graph card and on the graph page.
 *
 * @remarks
 * Add it to the app's features next to the catalog graph plugin. Only a
 * module of the `catalog-graph` plugin may provide `catalogGraphApiRef`,
 * which is why this is a separate feature from the AI platform plugin.
 *
 * @alpha
 */
export const aiPlatformCatalogGraphModule = createFrontendModule({
  pluginId: 'catalog-graph',
  extensions: [catalogGraphApiWithAiPlatformRelations],
});
