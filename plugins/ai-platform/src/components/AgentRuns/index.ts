export { AgentRunsPanel, AgentRunsDetails } from './AgentRunsPanel';
