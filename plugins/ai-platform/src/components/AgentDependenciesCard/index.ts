export { EntityAgentDependenciesCard } from './AgentDependenciesCard';
