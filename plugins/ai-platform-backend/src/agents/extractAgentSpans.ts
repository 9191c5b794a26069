import {
  checkDurationMs,
  checkEventTimeMs,
  checkIdentityText,
  DEFAULT_INGEST_LIMITS,
  describeValue,
  IngestItemRejection,
  IngestLimits,
} from '../ingest/ingestLimits';
import { stringAttribute } from '../ingest/genAiSpanAttributes';
import { OtlpSpan } from '../ingest/otlpTraceRequest';
import { RejectedTelemetryItem } from '../ingest/UnresolvedTelemetryEvent';
import {
  AGENT_IDENTITY_ATTRIBUTES,
  agentIdentitiesOf,
  agentNameOf,
  AgentSpanKind,
  agentSpanKindOf,
  ERROR_TYPE,
  isOpenInferenceSpan,
  TOOL_NAME_ATTRIBUTES,
  toolCallIdOf,
  toolNameOf,
} from './agentSpanKinds';
import { AgentRun, ModelCallUsage, ToolCall } from './types';

/** Longest identity (agent key, tool name, call id, error type) stored. */
const MAX_IDENTITY_CHARS = 255;
const NANOS_PER_MS = 1_000_000n;

/**
 * What {@link extractAgentSpans} made of a batch of spans.
 *
 * @internal
 */
export interface AgentSpanExtraction {
  /** Agent runs, agent not yet resolved to an entity. */
  runs: Array<Omit<AgentRun, 'agentJoinKey' | 'agentEntityRef'>>;
  toolCalls: Array<Omit<ToolCall, 'agentJoinKey' | 'agentEntityRef'>>;
  /** Agent and tool spans that could not be stored, with the reason. */
  rejected: RejectedTelemetryItem[];
}

class AgentSpanRejection extends Error {}

function checkIds(span: OtlpSpan) {
  if (!/^[0-9a-f]{32}$/.test(span.traceId) || /^0+$/.test(span.traceId)) {
    throw new AgentSpanRejection(
      `'traceId' must be 16 bytes (32 hex characters), not all zero`,
    );
  }
  if (!/^[0-9a-f]{16}$/.test(span.spanId) || /^0+$/.test(span.spanId)) {
    throw new AgentSpanRejection(
      `'spanId' must be 8 bytes (16 hex characters), not all zero`,
    );
  }
}

function parseNanos(value: string, field: string): bigint {
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) {
    throw new AgentSpanRejection(
      `'${field}' must be a positive integer of nanoseconds since the epoch, got ${describeValue(
        value,
      )}`,
    );
  }
  return BigInt(value);
}

/** Start (epoch ms), duration, status and error type of a span. */
function timingAndStatus(span: OtlpSpan, limits: IngestLimits) {
  const startNanos = parseNanos(span.startTimeUnixNano, 'startTimeUnixNano');
  const endNanos = parseNanos(span.endTimeUnixNano, 'endTimeUnixNano');
  if (endNanos < startNanos) {
    throw new AgentSpanRejection(
      `'endTimeUnixNano' is before 'startTimeUnixNano'`,
    );
  }
  const startedAtMs = checkEventTimeMs(
    Number(startNanos / NANOS_PER_MS),
    'startTimeUnixNano',
    span.startTimeUnixNano,
    limits,
  );
  const durationMs = checkDurationMs(
    Number(endNanos - startNanos) / Number(NANOS_PER_MS),
    "the span's duration ('endTimeUnixNano' - 'startTimeUnixNano')",
    limits,
  );
  const errorTypeAttribute = stringAttribute(span.attributes, ERROR_TYPE);
  const isError = span.statusCode === 2 || errorTypeAttribute !== null;
  const errorType = isError
    ? (errorTypeAttribute ?? (span.statusMessage || 'error')).slice(
        0,
        MAX_IDENTITY_CHARS,
      )
    : null;
  return {
    startedAt: new Date(startedAtMs),
    durationMs,
    status: isError ? ('error' as const) : ('ok' as const),
    // PostgreSQL text cannot hold NUL characters.
    errorType: errorType?.split('\u0000').join('') ?? null,
  };
}

function identity(value: string, field: string): string {
  return checkIdentityText(value, field, MAX_IDENTITY_CHARS);
}

/** Client text quoted in a message, cut to a few dozen characters. */
function shortText(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

/**
 * Extracts agent runs and tool calls from a batch of OTLP spans (see
 * `agentSpanKinds` for which spans are which). The model calls of a run are
 * the model-call spans whose nearest agent-run ancestor in the batch is the
 * run's span; their tokens and cost (`modelCalls`, keyed by
 * `traceId + spanId`, as priced for the events) are summed onto the run. A
 * tool call belongs to its nearest agent-run ancestor, and takes that run's
 * agent when it names none itself.
 *
 * Rejected, each with a reason and never stored: invalid trace or span ids,
 * bad times, an agent span naming no agent, a tool span naming no tool, a
 * tool span with neither a parent span nor an agent. Spans beyond
 * `limits.maxSpansPerRequest` are left to the model-call mapping, which
 * already rejects them.
 *
 * @internal
 */
export function extractAgentSpans(
  spans: OtlpSpan[],
  modelCalls: ReadonlyMap<string, ModelCallUsage>,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
): AgentSpanExtraction {
  const result: AgentSpanExtraction = { runs: [], toolCalls: [], rejected: [] };
  const accepted =
    spans.length > limits.maxSpansPerRequest
      ? spans.slice(0, limits.maxSpansPerRequest)
      : spans;

  const kinds: Array<AgentSpanKind | null> = accepted.map(span =>
    agentSpanKindOf(span.name, span.attributes),
  );
  if (!kinds.some(kind => kind !== null)) {
    return result;
  }

  const byId = new Map<string, number>();
  accepted.forEach((span, index) => {
    byId.set(`${span.traceId}${span.spanId}`, index);
  });
  const parentOf = (index: number): number | undefined => {
    const span = accepted[index];
    return span.parentSpanId
      ? byId.get(`${span.traceId}${span.parentSpanId}`)
      : undefined;
  };

  /** Nearest agent-run ancestor (index) of each span; memoised, cycle-safe. */
  const nearestRun = new Map<number, number | null>();
  const runAbove = (start: number): number | null => {
    const path: number[] = [];
    const onPath = new Set<number>();
    let current = parentOf(start);
    let found: number | null = null;
    while (current !== undefined) {
      const known = nearestRun.get(current);
      if (known !== undefined) {
        found = known;
        break;
      }
      if (onPath.has(current)) {
        break;
      }
      if (kinds[current] === 'agent-run') {
        found = current;
        break;
      }
      path.push(current);
      onPath.add(current);
      current = parentOf(current);
    }
    // A span on the path has the same nearest run above it as `start`
    // (none of them is a run), and the answer for `start` is this too.
    for (const index of path) {
      nearestRun.set(index, found);
    }
    return found;
  };

  // Usage of the model calls, summed per run span (index).
  const usageByRun = new Map<number, ModelCallUsage & { calls: number }>();
  accepted.forEach((span, index) => {
    const usage = modelCalls.get(`${span.traceId}${span.spanId}`);
    if (!usage || kinds[index] !== null) {
      return;
    }
    const run = runAbove(index);
    if (run === null) {
      return;
    }
    const sum = usageByRun.get(run) ?? {
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    };
    sum.calls += 1;
    sum.inputTokens += usage.inputTokens;
    sum.outputTokens += usage.outputTokens;
    sum.costUsd += usage.costUsd;
    usageByRun.set(run, sum);
  });

  /** Agent identities of each run span, once checked. */
  const runAgents = new Map<number, string[]>();
  const agentsOfRun = (index: number): string[] => {
    let keys = runAgents.get(index);
    if (!keys) {
      const span = accepted[index];
      keys = agentIdentitiesOf(span.attributes);
      if (
        keys.length === 0 &&
        isOpenInferenceSpan(span.attributes) &&
        span.name.trim()
      ) {
        keys = [span.name.trim()];
      }
      runAgents.set(index, keys);
    }
    return keys;
  };

  accepted.forEach((span, index) => {
    const kind = kinds[index];
    if (kind === null) {
      return;
    }
    try {
      checkIds(span);
      if (kind === 'agent-run') {
        const agentKeys = agentsOfRun(index);
        if (agentKeys.length === 0) {
          throw new AgentSpanRejection(
            `agent span names no agent: expected ${AGENT_IDENTITY_ATTRIBUTES}`,
          );
        }
        agentKeys.forEach(key => identity(key, 'gen_ai.agent.id'));
        const usage = usageByRun.get(index);
        const agentName = agentNameOf(span.attributes);
        result.runs.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || null,
          agentJoinKeyCandidates: agentKeys,
          agentName: agentName ? agentName.slice(0, MAX_IDENTITY_CHARS) : null,
          ...timingAndStatus(span, limits),
          modelCalls: usage?.calls ?? 0,
          inputTokens: usage?.inputTokens ?? 0,
          outputTokens: usage?.outputTokens ?? 0,
          costUsd: usage?.costUsd ?? 0,
        });
        return;
      }
      const toolName = toolNameOf(span.attributes);
      if (!toolName) {
        throw new AgentSpanRejection(
          `tool span names no tool: expected ${TOOL_NAME_ATTRIBUTES}`,
        );
      }
      identity(toolName, 'gen_ai.tool.name');
      const toolCallId = toolCallIdOf(span.attributes);
      if (toolCallId) {
        identity(toolCallId, 'gen_ai.tool.call.id');
      }
      const run = runAbove(index);
      let agentKeys = agentIdentitiesOf(span.attributes);
      if (agentKeys.length === 0 && run !== null) {
        agentKeys = agentsOfRun(run);
      }
      if (agentKeys.length === 0 && !span.parentSpanId) {
        throw new AgentSpanRejection(
          `tool call '${shortText(
            toolName,
          )}' has no parent span and names no agent (${AGENT_IDENTITY_ATTRIBUTES}): it cannot be tied to an agent run`,
        );
      }
      agentKeys.forEach(key => identity(key, 'gen_ai.agent.id'));
      result.toolCalls.push({
        traceId: span.traceId,
        spanId: span.spanId,
        runSpanId: run === null ? null : accepted[run].spanId,
        toolName,
        toolCallId,
        agentJoinKeyCandidates: agentKeys,
        ...timingAndStatus(span, limits),
      });
    } catch (error) {
      if (
        !(error instanceof AgentSpanRejection) &&
        !(error instanceof IngestItemRejection)
      ) {
        throw error;
      }
      result.rejected.push({
        index,
        message: `span ${shortText(span.spanId) || index} ('${shortText(
          span.name,
        )}'): ${error.message}`,
      });
    }
  });
  return result;
}
