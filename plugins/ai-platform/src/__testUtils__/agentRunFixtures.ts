import type { AgentRuns, ToolAgents } from '../api';

// Responses shaped like the ai-platform backend's
// (plugins/ai-platform-backend/src/service/agentRunsRouter.ts).

export const supportTriageAgentRuns: AgentRuns = {
  entityRef: 'agent:default/support-triage-agent',
  window: { from: '2026-11-09T10:00:00.000Z', to: '2026-11-23T10:00:00.000Z' },
  runs: 40,
  failedRuns: 4,
  successRatePercent: 90,
  p95DurationMs: 8400,
  costUsd: 1.2,
  costPerRunUsd: 0.03,
  modelCalls: 120,
  inputTokens: 240000,
  outputTokens: 36000,
  days: [
    { day: '2026-11-21', runs: 15, failedRuns: 1, costUsd: 0.45 },
    { day: '2026-11-22', runs: 25, failedRuns: 3, costUsd: 0.75 },
  ],
  tools: [
    {
      toolName: 'search_tickets',
      apiEntityRef: 'api:default/ticketing-mcp',
      calls: 60,
      errors: 1,
      errorRatePercent: 1.6666666666666667,
      p95DurationMs: 420,
      latestFailingTraceId: '0af7651916cd43dd8448eb211c80319c',
      latestFailingTraceUrl:
        'https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c',
    },
    {
      toolName: 'lookup_weather',
      apiEntityRef: null,
      calls: 10,
      errors: 3,
      errorRatePercent: 30,
      p95DurationMs: 1250,
      latestFailingTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      latestFailingTraceUrl: null,
    },
  ],
  latestFailingRuns: [
    {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      startedAt: '2026-11-22T16:00:00.000Z',
      durationMs: 9100,
      errorType: 'ToolError',
      traceUrl:
        'https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736',
    },
  ],
};

export const ticketingToolAgents: ToolAgents = {
  entityRef: 'api:default/ticketing-mcp',
  window: { from: '2026-11-09T10:00:00.000Z', to: '2026-11-23T10:00:00.000Z' },
  toolNames: ['search_tickets', 'close_ticket'],
  agents: [
    {
      agentEntityRef: 'agent:default/support-triage-agent',
      agentJoinKey: 'support-triage',
      toolName: 'search_tickets',
      lastCalledAt: '2026-11-22T16:00:00.000Z',
      calls: 60,
      errors: 1,
      errorRatePercent: 1.6666666666666667,
      p95DurationMs: 420,
      latestFailingTraceId: '0af7651916cd43dd8448eb211c80319c',
      latestFailingTraceUrl:
        'https://jaeger.example.com/trace/0af7651916cd43dd8448eb211c80319c',
    },
    {
      agentEntityRef: null,
      agentJoinKey: 'nightly-triage-bot',
      toolName: 'close_ticket',
      lastCalledAt: '2026-11-21T02:00:00.000Z',
      calls: 5,
      errors: 0,
      errorRatePercent: 0,
      p95DurationMs: 300,
      latestFailingTraceId: null,
      latestFailingTraceUrl: null,
    },
  ],
};
