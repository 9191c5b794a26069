import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseTelemetryStore } from '../DatabaseTelemetryStore';
import { TelemetryEvent } from '../TelemetryStore';
import { entitySubject, unattributedAgentSubject } from '../telemetrySubject';
import {
  FALLBACK_MATCH_WINDOW_MS,
  TRACE_MATCH_WINDOW_MS,
} from './reportMatching';

jest.setTimeout(60_000);

const T0 = new Date('2026-11-23T10:15:00.000Z');
const WINDOW = {
  from: new Date('2026-11-23T00:00:00.000Z'),
  to: new Date('2026-11-24T00:00:00.000Z'),
};
const ENDPOINT_REF = 'modelendpoint:default/llama-chat';
const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';

/**
 * A gateway report without the provider's response id (LiteLLM's own
 * call id as `id`, which no span carries): only the trace or the fallback
 * can match it.
 */
function gatewayReport(
  id: string,
  overrides: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    reporter: 'gateway',
    matchKey: id,
    occurredAt: new Date(T0.getTime() + 40),
    entityRef: ENDPOINT_REF,
    joinKey: 'llama-chat',
    agentJoinKey: null,
    agentEntityRef: null,
    operation: 'chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    provider: 'hosted_vllm',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 500,
    outputTokens: 50,
    costUsd: 0.001,
    costSource: 'gateway',
    ttftMs: null,
    latencyMs: 900,
    ...overrides,
  };
}

/** The application's span (no response id recorded), naming its agent. */
function spanReport(
  spanId: string,
  agent: string,
  overrides: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  return {
    source: 'otlp',
    sourceEventId: `${overrides.traceId ?? TRACE_A}${spanId}`,
    reporter: 'application',
    matchKey: null,
    occurredAt: T0,
    entityRef: ENDPOINT_REF,
    joinKey: 'llama-chat',
    agentJoinKey: agent,
    agentEntityRef: null,
    operation: 'chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    provider: 'openai',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 500,
    outputTokens: 50,
    costUsd: 0,
    ttftMs: null,
    latencyMs: 1000,
    traceId: TRACE_A,
    ...overrides,
  };
}

describe('two reports of one call matched by their trace', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  /** `source_event_id` of each report -> that of the report it merged into. */
  async function mergedPairs(
    knex: Awaited<ReturnType<typeof createStore>>['knex'],
  ) {
    const rows = await knex('ai_platform_events');
    const byId = new Map(rows.map(row => [row.id, row.source_event_id]));
    return Object.fromEntries(
      rows
        .filter(row => row.merged_into_event_id)
        .map(row => [row.source_event_id, byId.get(row.merged_into_event_id)]),
    );
  }

  it.each(databases.eachSupportedId())(
    'matches across a clock skew the fallback does not allow, either order, %p',
    async databaseId => {
      // 20 s apart (host clocks), tokens counted differently by the client.
      const skewMs = 20_000;
      expect(skewMs).toBeGreaterThan(FALLBACK_MATCH_WINDOW_MS);
      expect(skewMs).toBeLessThan(TRACE_MATCH_WINDOW_MS);
      const gateway = gatewayReport('litellm-call-1', {
        traceId: TRACE_A,
        occurredAt: new Date(T0.getTime() + skewMs),
      });
      const span = spanReport('00f067aa0ba902b7', 'checkout-agent', {
        inputTokens: 501,
      });
      for (const batches of [
        [[gateway], [span]],
        [[span], [gateway]],
      ]) {
        const { store } = await createStore(databaseId);
        const results = [];
        for (const batch of batches) {
          results.push(await store.insertEvents(batch));
        }
        expect(results.at(-1)).toMatchObject({ inserted: 1, merged: 1 });
        expect(
          await store.getUsage({
            subject: entitySubject(ENDPOINT_REF),
            ...WINDOW,
          }),
        ).toMatchObject({ requests: 1, inputTokens: 500, outputTokens: 50 });
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'pairs concurrent look-alike calls by trace, not by nearest time, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      // Two agents call the same alias with the same token counts at
      // nearly the same time. Span B starts nearest to gateway A: the
      // fallback alone would pair them crosswise.
      await store.insertEvents([
        spanReport('00f067aa0ba902b7', 'agent-a', {
          occurredAt: new Date(T0.getTime() + 300),
        }),
        spanReport('b7ad6b7169203331', 'agent-b', {
          traceId: TRACE_B,
          occurredAt: new Date(T0.getTime() + 30),
        }),
      ]);
      const result = await store.insertEvents([
        gatewayReport('litellm-a', { traceId: TRACE_A }),
        gatewayReport('litellm-b', {
          traceId: TRACE_B,
          occurredAt: new Date(T0.getTime() + 320),
        }),
      ]);
      expect(result).toMatchObject({ inserted: 2, merged: 2 });
      expect(await mergedPairs(knex)).toEqual({
        'litellm-a': `${TRACE_A}00f067aa0ba902b7`,
        'litellm-b': `${TRACE_B}b7ad6b7169203331`,
      });
      for (const agent of ['agent-a', 'agent-b']) {
        const usage = await store.getUsage({
          subject: unattributedAgentSubject(agent),
          ...WINDOW,
        });
        expect(usage.requests).toBe(1);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'falls back on tokens and time when the gateway trace names no trace of the app, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.insertEvents([
        spanReport('00f067aa0ba902b7', 'agent-a', { traceId: TRACE_B }),
      ]);
      // A W3C-shaped trace id of the gateway's own, not the caller's.
      const result = await store.insertEvents([
        gatewayReport('litellm-a', { traceId: TRACE_A }),
      ]);
      expect(result.merged).toBe(1);
      expect(await mergedPairs(knex)).toEqual({
        'litellm-a': `${TRACE_B}00f067aa0ba902b7`,
      });
      expect(
        await store.getUsage({
          subject: entitySubject(ENDPOINT_REF),
          ...WINDOW,
        }),
      ).toMatchObject({ requests: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'within one trace pairs the report with the same tokens, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.insertEvents([
        spanReport('00f067aa0ba902b7', 'agent-a', {
          occurredAt: new Date(T0.getTime() + 10),
          inputTokens: 800,
          outputTokens: 90,
        }),
        spanReport('b7ad6b7169203331', 'agent-a', {
          occurredAt: new Date(T0.getTime() + 2_000),
        }),
      ]);
      await store.insertEvents([
        // Nearest in time to the first span, but its tokens are the second's.
        gatewayReport('litellm-second', { traceId: TRACE_A }),
      ]);
      expect(await mergedPairs(knex)).toEqual({
        'litellm-second': `${TRACE_A}b7ad6b7169203331`,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'first telemetry reads the first report, not the merged second one, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      // The gateway's report is stored first, in the 11:00 hour; the span
      // of the same call, a moment earlier by its host's clock, arrives
      // later and is merged into it.
      const gatewayAt = new Date('2026-11-23T11:00:00.100Z');
      await store.insertEvents([
        gatewayReport('litellm-call-1', {
          traceId: TRACE_A,
          occurredAt: gatewayAt,
        }),
      ]);
      const result = await store.insertEvents([
        spanReport('00f067aa0ba902b7', 'agent-a', {
          occurredAt: new Date('2026-11-23T10:59:59.900Z'),
        }),
      ]);
      expect(result.merged).toBe(1);
      const first = await store.getFirstTelemetryBySubject([
        entitySubject(ENDPOINT_REF),
      ]);
      expect(first.get(entitySubject(ENDPOINT_REF))).toEqual({
        firstSeenAt: gatewayAt,
        precision: 'event',
      });
    },
  );
});
