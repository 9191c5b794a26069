import { EventRow } from './eventRows';
import { ReportPair } from './reportMatching';

/**
 * The call as counted once: tokens, cost, status, model alias and entity
 * from the gateway (it bills the call); the agent from the application's
 * span when it names one (the gateway's otherwise); TTFT and latency from
 * the span, measured where the caller waits (the gateway's TTFT when the
 * span has none).
 */
export function mergedReport(pair: ReportPair): EventRow {
  const [gateway, application] =
    pair.first.reporter === 'gateway'
      ? [pair.first, pair.later]
      : [pair.later, pair.first];
  const spanHasAgent = application.agent_join_key !== null;
  const spanHasTtft = application.streamed && application.ttft_ms !== null;
  return {
    ...gateway,
    agent_join_key: spanHasAgent
      ? application.agent_join_key
      : gateway.agent_join_key,
    agent_entity_ref: spanHasAgent
      ? application.agent_entity_ref
      : gateway.agent_entity_ref,
    streamed: gateway.streamed || application.streamed,
    ttft_ms: spanHasTtft ? application.ttft_ms : gateway.ttft_ms,
    latency_ms: application.latency_ms,
    // The call's trace: the gateway's propagated one, else the span's.
    trace_id: gateway.trace_id ?? application.trace_id,
  };
}
