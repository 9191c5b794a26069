import type {
  AgentRuns,
  ToolCallStats as WireToolCallStats,
} from '@ai-platform/plugin-ai-platform-common';
import { TimeWindow } from '../database/TelemetryStore';

/**
 * Tokens and cost of one stored model call, as priced for its event.
 *
 * @internal
 */
export interface ModelCallUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * One agent run: an `invoke_agent` span (or equivalent) with the model
 * calls below it in its trace.
 *
 * @internal
 */
export interface AgentRun {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  /** Agent identities on the span, most specific first. */
  agentJoinKeyCandidates: string[];
  /** The identity that resolved, else the first one. */
  agentJoinKey: string;
  /** The Agent entity declaring it, lower case; null if unattributed. */
  agentEntityRef: string | null;
  agentName: string | null;
  startedAt: Date;
  durationMs: number;
  status: 'ok' | 'error';
  errorType: string | null;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the cost of its model calls. */
  costUsd: number;
}

/**
 * One tool call: an `execute_tool` span (or equivalent).
 *
 * @internal
 */
export interface ToolCall {
  traceId: string;
  spanId: string;
  /** The agent span of its run, when the run was in the same batch. */
  runSpanId: string | null;
  toolName: string;
  toolCallId: string | null;
  agentJoinKeyCandidates: string[];
  agentJoinKey: string | null;
  agentEntityRef: string | null;
  startedAt: Date;
  durationMs: number;
  status: 'ok' | 'error';
  errorType: string | null;
}

/**
 * Result of {@link AgentRunStore.insert}.
 *
 * @internal
 */
export interface InsertAgentSpansResult {
  insertedRuns: number;
  insertedToolCalls: number;
  /** Runs and tool calls already stored (same trace and span id). */
  duplicates: number;
}

/**
 * One day of an agent's runs.
 *
 * @internal
 */
export interface AgentRunDay {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  runs: number;
  failedRuns: number;
  costUsd: number;
}

/**
 * Tool statistics over a window (per tool for an agent, or per agent for a
 * tool).
 *
 * @internal
 */
export type ToolCallStats = Omit<WireToolCallStats, 'latestFailingTraceUrl'>;

/**
 * A failed run, for links to its trace.
 *
 * @internal
 */
export interface FailingRun {
  traceId: string;
  startedAt: string;
  durationMs: number;
  errorType: string | null;
}

/**
 * An agent's runs and tool calls over a window, from the store.
 *
 * @internal
 */
export interface AgentRunStats
  extends Omit<
    AgentRuns,
    'entityRef' | 'window' | 'days' | 'tools' | 'latestFailingRuns'
  > {
  days: AgentRunDay[];
  tools: Array<{ toolName: string } & ToolCallStats>;
  latestFailingRuns: FailingRun[];
}

/**
 * The agents calling a set of tools over a window.
 *
 * @internal
 */
export interface ToolCallerStats {
  agentEntityRef: string | null;
  agentJoinKey: string | null;
  toolName: string;
  lastCalledAt: string;
}

/**
 * Where agent runs and tool calls are kept.
 *
 * @internal
 */
export interface AgentRunStore {
  /** Stores runs and tool calls idempotently, in one transaction. */
  insert(
    runs: AgentRun[],
    toolCalls: ToolCall[],
  ): Promise<InsertAgentSpansResult>;
  /** Runs and tools of an Agent entity (lower-case ref) over a window. */
  getAgentRunStats(
    options: { agentEntityRef: string } & TimeWindow,
  ): Promise<AgentRunStats>;
  /** Per agent and tool: calls of `toolNames` over a window. */
  getToolCallers(
    options: { toolNames: string[] } & TimeWindow,
  ): Promise<Array<ToolCallerStats & ToolCallStats>>;
  /** Tool names called over a window with their call counts, most called first. */
  listCalledTools(
    options: { limit: number } & TimeWindow,
  ): Promise<Array<{ toolName: string; calls: number; errors: number }>>;
  /** Deletes runs and tool calls started before `before`; returns how many. */
  deleteBefore(before: Date): Promise<number>;
}
