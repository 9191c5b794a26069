import { Entity } from '@backstage/catalog-model';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  isAgentEntityV1alpha1,
  isModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import { isToolApiEntity } from './components/ToolAgents/toolApiEntity';

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

/**
 * The agents calling the tools of an API entity that declares some
 * (`aiplatform.io/tools`), on its overview tab.
 *
 * @remarks
 * Extension id `entity-card:ai-platform/tool-agents`.
 *
 * @alpha
 */
export const toolAgentsEntityCard = EntityCardBlueprint.make({
  name: 'tool-agents',
  params: {
    type: 'content',
    filter: isToolApiEntity,
    loader: () =>
      import('./components/ToolAgents/ToolAgentsCard').then(m => (
        <m.EntityToolAgentsCard />
      )),
  },
});

function isAiPlatformEntity(entity: Entity): boolean {
  return isModelEndpointEntityV1alpha1(entity) || isAgentEntityV1alpha1(entity);
}

/**
 * The scorecard in brief (level, month-to-date spend, TTFT p95, eval score)
 * on the overview tab of a ModelEndpoint or Agent.
 *
 * @remarks
 * Extension id `entity-card:ai-platform/scorecard-summary`.
 *
 * @alpha
 */
export const scorecardSummaryEntityCard = EntityCardBlueprint.make({
  name: 'scorecard-summary',
  params: {
    type: 'content',
    filter: isAiPlatformEntity,
    loader: () =>
      import('./components/ScorecardSummaryCard').then(m => (
        <m.EntityScorecardSummaryCard />
      )),
  },
});

/**
 * The Scorecard tab of a ModelEndpoint or Agent, at `scorecard`.
 *
 * @remarks
 * Extension id `entity-content:ai-platform/scorecard`.
 *
 * @alpha
 */
export const scorecardEntityContent = EntityContentBlueprint.make({
  name: 'scorecard',
  params: {
    path: 'scorecard',
    title: 'Scorecard',
    filter: isAiPlatformEntity,
    loader: () =>
      import('./components/EntityScorecard').then(m => (
        <m.EntityScorecardContent />
      )),
  },
});

/**
 * The AI scorecards tab of a Group, at `ai-scorecards`: the ModelEndpoints and
 * Agents the group and its sub-groups own, graded.
 *
 * @remarks
 * Extension id `entity-content:ai-platform/group-scorecards`.
 *
 * @alpha
 */
export const groupAiScorecardsEntityContent = EntityContentBlueprint.make({
  name: 'group-scorecards',
  params: {
    path: 'ai-scorecards',
    title: 'AI scorecards',
    filter: entity => entity.kind.toLocaleLowerCase('en-US') === 'group',
    loader: () =>
      import('./components/GroupAiScorecards').then(m => (
        <m.GroupAiScorecardsContent />
      )),
  },
});

/**
 * The audit history of an Agent or ModelEndpoint on its entity page
 * (overview tab): plans, commits, approval requests, approvals and
 * rejections, with who and why.
 *
 * @remarks
 * Extension id `entity-card:ai-platform/audit-history`.
 *
 * @alpha
 */
export const auditHistoryEntityCard = EntityCardBlueprint.make({
  name: 'audit-history',
  params: {
    type: 'content',
    filter: (entity: Entity) =>
      isAgentEntityV1alpha1(entity) || isModelEndpointEntityV1alpha1(entity),
    loader: () =>
      import('./components/AuditHistory').then(m => (
        <m.EntityAuditHistoryCard />
      )),
  },
});
