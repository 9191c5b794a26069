import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { storeAgentSpans } from '../agents/AgentSpanIngest';
import { AgentRunStore } from '../agents/types';
import { DatabaseGatewayHistogramStore } from '../database/DatabaseGatewayHistogramStore';
import {
  entitySubject,
  unattributedSubject,
} from '../database/telemetrySubject';
import { TelemetryStore } from '../database/TelemetryStore';
import { EvalRunStore } from '../scorecards/types';
import { GatewayHistogramPoint } from './gatewayHistogramPoint';
import { DEFAULT_INGEST_LIMITS, IngestLimits } from './ingestLimits';
import { hasEvaluationResults, mapEvalLogRecords } from './mapEvalLogRecords';
import { mapGenAiSpans } from './mapGenAiSpans';
import { mapLiteLlmPayloads } from './mapLiteLlmPayloads';
import { OtlpLogRecord } from './otlpLogsRequest';
import { OtlpSpan } from './otlpTraceRequest';
import { TelemetryEntityResolver } from './TelemetryEntityResolver';
import {
  RejectedTelemetryItem,
  UnresolvedTelemetryEvent,
} from './UnresolvedTelemetryEvent';

/**
 * Stores decoded telemetry batches: maps them to events, eval runs or
 * histogram points, attributes them to catalog entities and writes each
 * batch in one transaction. Store and catalog errors propagate (the routes
 * answer 503 for outages); items that cannot be stored are returned as
 * rejections.
 *
 * @internal
 */
export class TelemetryIngestService {
  constructor(
    private readonly options: {
      telemetryStore: TelemetryStore;
      entityResolver: TelemetryEntityResolver;
      /** Where `gen_ai.evaluation.result` log records are stored as eval runs. */
      evalRunStore: EvalRunStore;
      /** Where the GenAI histograms of `POST /v1/metrics` are kept. */
      gatewayHistogramStore: DatabaseGatewayHistogramStore;
      /** Plausibility windows and caps; defaults when absent. */
      limits?: IngestLimits;
      /** Where agent runs and tool calls are kept; not stored when absent. */
      agentRunStore?: AgentRunStore;
    },
  ) {}

  private get limits(): IngestLimits {
    return this.options.limits ?? DEFAULT_INGEST_LIMITS;
  }

  /** Resolves and stores events in one transaction. */
  private async storeEvents(events: UnresolvedTelemetryEvent[]) {
    const resolved = await this.options.entityResolver.resolve(events);
    return await this.options.telemetryStore.insertEvents(resolved);
  }

  /** Stores the GenAI model calls of a batch of spans. */
  async ingestSpans(spans: OtlpSpan[]): Promise<RejectedTelemetryItem[]> {
    // Lets other requests (health, reads) in between the CPU-bound steps.
    await yieldToEventLoop();
    const mapped = mapGenAiSpans(spans, this.limits);
    await yieldToEventLoop();
    const events = await this.options.entityResolver.resolve(mapped.events);
    const { refused = [] } = await this.options.telemetryStore.insertEvents(
      events,
    );
    const { agentRunStore } = this.options;
    if (!agentRunStore) {
      return [...mapped.rejected, ...refused];
    }
    // Runs and tool calls, with the tokens and cost of their stored calls.
    const refusedEvents = new Set(refused.map(item => item.index));
    const agentRejected = await storeAgentSpans({
      spans,
      events: events.filter((_, index) => !refusedEvents.has(index)),
      store: agentRunStore,
      entityResolver: this.options.entityResolver,
      limits: this.limits,
      alreadyRejected: new Set(mapped.rejected.map(item => item.index)),
    });
    return [...mapped.rejected, ...refused, ...agentRejected];
  }

  /** Stores the evaluation results of a batch of log records as eval runs. */
  async ingestLogRecords(
    records: OtlpLogRecord[],
  ): Promise<RejectedTelemetryItem[]> {
    if (!hasEvaluationResults(records)) {
      return [];
    }
    const index = await this.options.entityResolver.getJoinKeyIndex();
    const mapped = mapEvalLogRecords(records, index, new Date());
    // One transaction: a failure stores none of the runs, and as each run
    // is unique on (source, run id) a retry stores each run once.
    await this.options.evalRunStore.insertEvalRuns(mapped.runs);
    return mapped.rejected;
  }

  /** Stores histogram points, each on its model's entity or unattributed. */
  async ingestHistogramPoints(points: GatewayHistogramPoint[]): Promise<void> {
    if (points.length === 0) {
      return;
    }
    const index = await this.options.entityResolver.getJoinKeyIndex();
    await this.options.gatewayHistogramStore.insertPoints(
      points.map(point => {
        const entityRef = index.models.get(point.joinKey);
        return {
          ...point,
          subject: entityRef
            ? entitySubject(entityRef)
            : unattributedSubject(point.joinKey),
        };
      }),
    );
  }

  /**
   * Stores LiteLLM spend-log payloads. `merged` counts the payloads that
   * were a second report of a call already stored from its span (counted
   * once, see `reportMatching`).
   */
  async ingestLiteLlmPayloads(payloads: unknown[]) {
    const mapped = mapLiteLlmPayloads(payloads, this.limits);
    const {
      inserted,
      duplicates,
      merged = 0,
      refused = [],
    } = await this.storeEvents(mapped.events);
    return {
      inserted,
      duplicates,
      merged,
      rejected: [...mapped.rejected, ...refused],
    };
  }
}
