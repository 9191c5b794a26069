export { EntityAgentOverviewCard } from './AgentOverviewCard';
