/**
 * The AI Platform frontend plugin: the AI Platform page with model endpoints
 * and agents from the catalog, entity cards for the ModelEndpoint and Agent
 * kinds, and a catalog graph module that draws their relations.
 *
 * @packageDocumentation
 */

export { aiPlatformPlugin as default } from './plugin';
export { aiPlatformPlugin, aiPlatformOverviewPage } from './plugin';
export {
  agentDependenciesEntityCard,
  agentOverviewEntityCard,
  modelEndpointAgentsEntityCard,
  modelEndpointOverviewEntityCard,
} from './entityCards';
export {
  aiPlatformCatalogGraphModule,
  aiPlatformCatalogGraphRelationPairs,
  aiPlatformCatalogGraphRelations,
} from './catalogGraphModule';
export { rootRouteRef as aiPlatformRootRouteRef } from './routes';
export { AiPlatformOverviewPage } from './components/AiPlatformOverviewPage';
export { EntityModelEndpointOverviewCard } from './components/ModelEndpointOverviewCard';
export { EntityModelEndpointAgentsCard } from './components/ModelEndpointAgentsCard';
export { EntityAgentOverviewCard } from './components/AgentOverviewCard';
export { EntityAgentDependenciesCard } from './components/AgentDependenciesCard';
