/**
 * Wire types of the agent-run answers of the AI platform REST API
 * (`GET /agent-runs/by-entity/...`, `GET /tools/by-entity/api/...`). Defined
 * once here; the backend builds them and the frontend client reads them.
 */

/**
 * Calls, errors and p95 duration of a tool over a window.
 *
 * @public
 */
export interface ToolCallStats {
  calls: number;
  errors: number;
  /** `null` without calls. */
  errorRatePercent: number | null;
  p95DurationMs: number | null;
  /** Trace of the latest failed call, `null` when none failed. */
  latestFailingTraceId: string | null;
  /** Link to that trace (`aiPlatform.telemetry.traceLinks`), when configured. */
  latestFailingTraceUrl: string | null;
}

/**
 * An agent's runs and tools over a window
 * (`GET /agent-runs/by-entity/:kind/:namespace/:name`, last 14 days).
 *
 * @public
 */
export interface AgentRuns {
  entityRef: string;
  window: { from: string; to: string };
  runs: number;
  failedRuns: number;
  /** `null` without runs. */
  successRatePercent: number | null;
  p95DurationMs: number | null;
  costUsd: number;
  /** `null` without runs. */
  costPerRunUsd: number | null;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Runs per UTC day (`YYYY-MM-DD`), days with runs only. */
  days: Array<{
    day: string;
    runs: number;
    failedRuns: number;
    costUsd: number;
  }>;
  /** Tools the agent called, most called first. */
  tools: Array<
    {
      toolName: string;
      /** The API entity declaring the tool (`aiplatform.io/tools`), if any. */
      apiEntityRef: string | null;
    } & ToolCallStats
  >;
  /** The latest failed runs, latest first. */
  latestFailingRuns: Array<{
    traceId: string;
    startedAt: string;
    durationMs: number;
    errorType: string | null;
    traceUrl: string | null;
  }>;
}

/**
 * The agents calling the tools of an API entity
 * (`GET /tools/by-entity/api/:namespace/:name`, last 14 days).
 *
 * @public
 */
export interface ToolAgents {
  entityRef: string;
  window: { from: string; to: string };
  /** The tool names the entity declares. */
  toolNames: string[];
  agents: Array<
    {
      /** `null`: an agent id no Agent entity declares. */
      agentEntityRef: string | null;
      agentJoinKey: string | null;
      toolName: string;
      lastCalledAt: string;
    } & ToolCallStats
  >;
}
