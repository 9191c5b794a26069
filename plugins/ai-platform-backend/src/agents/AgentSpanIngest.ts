import { TelemetryEvent } from '../database/TelemetryStore';
import { IngestLimits } from '../ingest/ingestLimits';
import { OTLP_SOURCE } from '../ingest/mapGenAiSpans';
import { OtlpSpan } from '../ingest/otlpTraceRequest';
import { TelemetryEntityResolver } from '../ingest/TelemetryEntityResolver';
import { RejectedTelemetryItem } from '../ingest/UnresolvedTelemetryEvent';
import { extractAgentSpans } from './extractAgentSpans';
import { AgentRunStore, ModelCallUsage } from './types';

/** The agent a set of identities resolves to, like the events' agents. */
function resolveAgent(
  candidates: string[],
  agents: Map<string, string>,
): { agentJoinKey: string | null; agentEntityRef: string | null } {
  for (const key of candidates) {
    const ref = agents.get(key);
    if (ref) {
      return { agentJoinKey: key, agentEntityRef: ref };
    }
  }
  return { agentJoinKey: candidates[0] ?? null, agentEntityRef: null };
}

/**
 * Stores the agent runs and tool calls of a traces batch, after its model
 * calls were stored: `events` are the batch's stored model-call events
 * (attributed and priced), whose tokens and cost are summed onto their
 * runs. Agents resolve through the same join keys as the events' agents
 * (Agent `spec.gateway.agentId`, `aiplatform.io/gateway-agent-id`).
 * Returns the rejected agent and tool spans, leaving out spans in
 * `alreadyRejected` (so a span is counted once in `partialSuccess`).
 *
 * @internal
 */
export async function storeAgentSpans(options: {
  spans: OtlpSpan[];
  events: TelemetryEvent[];
  store: AgentRunStore;
  entityResolver: TelemetryEntityResolver;
  limits: IngestLimits;
  alreadyRejected: ReadonlySet<number>;
}): Promise<RejectedTelemetryItem[]> {
  const { spans, events, store, entityResolver, limits } = options;
  const modelCalls = new Map<string, ModelCallUsage>();
  for (const event of events) {
    if (event.source === OTLP_SOURCE) {
      modelCalls.set(event.sourceEventId, event);
    }
  }
  const extraction = extractAgentSpans(spans, modelCalls, limits);
  if (extraction.runs.length > 0 || extraction.toolCalls.length > 0) {
    const { agents } = await entityResolver.getJoinKeyIndex();
    await store.insert(
      extraction.runs.map(run => {
        const { agentJoinKey, agentEntityRef } = resolveAgent(
          run.agentJoinKeyCandidates,
          agents,
        );
        return {
          ...run,
          agentJoinKey: agentJoinKey ?? run.agentJoinKeyCandidates[0],
          agentEntityRef,
        };
      }),
      extraction.toolCalls.map(call => ({
        ...call,
        ...resolveAgent(call.agentJoinKeyCandidates, agents),
      })),
    );
  }
  return extraction.rejected.filter(
    item => !options.alreadyRejected.has(item.index),
  );
}
