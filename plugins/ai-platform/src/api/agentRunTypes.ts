/*
 * The wire types of the agent-run routes, defined once in the common package.
 */
export type {
  AgentRuns,
  ToolAgents,
  ToolCallStats,
} from '@ai-platform/plugin-ai-platform-common';
