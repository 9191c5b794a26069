import { TelemetryEvent } from '../database/TelemetryStore';

/**
 * A normalized call before entity resolution: the join keys are known, the
 * entity refs not yet.
 *
 * @internal
 */
export interface UnresolvedTelemetryEvent
  extends Omit<
    TelemetryEvent,
    'entityRef' | 'agentEntityRef' | 'agentJoinKey' | 'costSource'
  > {
  /**
   * Agent identities seen on the call, most specific first (e.g.
   * `gen_ai.agent.id` before `gen_ai.agent.name`). The first one an entity
   * declares wins; when none matches, the first one is the unattributed
   * agent join key.
   */
  agentJoinKeyCandidates: string[];
  /**
   * Further identities that may name an agent but are not agent ids
   * themselves (e.g. a LiteLLM virtual key alias): used for matching only,
   * never counted as an unattributed agent.
   */
  agentMatchOnlyKeys?: string[];
}

/**
 * An item of an ingest batch that could not be turned into an event.
 *
 * @internal
 */
export interface RejectedTelemetryItem {
  /** Position of the item in the batch (span or payload index). */
  index: number;
  message: string;
}
