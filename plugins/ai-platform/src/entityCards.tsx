import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isAgentEntityV1alpha1,
  isModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * The overview of a ModelEndpoint on its entity page (overview tab).
 *
 * @remarks
 * Extension id `entity-card:ai-platform/model-endpoint-overview`.
 *
 * @alpha
 */
export const modelEndpointOverviewEntityCard = EntityCardBlueprint.make({
  name: 'model-endpoint-overview',
  params: {
    type: 'content',
    filter: isModelEndpointEntityV1alpha1,
    loader: () =>
      import('./components/ModelEndpointOverviewCard').then(m => (
        <m.EntityModelEndpointOverviewCard />
      )),
  },
});

/**
 * The agents that use a ModelEndpoint, on its entity page (overview tab).
 *
 * @remarks
 * Extension id `entity-card:ai-platform/model-endpoint-agents`.
 *
 * @alpha
 */
export const modelEndpointAgentsEntityCard = EntityCardBlueprint.make({
  name: 'model-endpoint-agents',
  params: {
    type: 'content',
    filter: isModelEndpointEntityV1alpha1,
    loader: () =>
      import('./components/ModelEndpointAgentsCard').then(m => (
        <m.EntityModelEndpointAgentsCard />
      )),
  },
});

/**
 * The overview of an Agent on its entity page (overview tab).
 *
 * @remarks
 * Extension id `entity-card:ai-platform/agent-overview`.
 *
 * @alpha
 */
export const agentOverviewEntityCard = EntityCardBlueprint.make({
  name: 'agent-overview',
  params: {
    type: 'content',
    filter: isAgentEntityV1alpha1,
    loader: () =>
      import('./components/AgentOverviewCard').then(m => (
        <m.EntityAgentOverviewCard />
      )),
  },
});

/**
 * The model endpoints and tools of an Agent, on its entity page (overview tab).
 *
 * @remarks
 * Extension id `entity-card:ai-platform/agent-dependencies`.
 *
 * @alpha
 */
export const agentDependenciesEntityCard = EntityCardBlueprint.make({
  name: 'agent-dependencies',
  params: {
    type: 'content',
    filter: isAgentEntityV1alpha1,
    loader: () =>
      import('./components/AgentDependenciesCard').then(m => (
        <m.EntityAgentDependenciesCard />
      )),
  },
});
