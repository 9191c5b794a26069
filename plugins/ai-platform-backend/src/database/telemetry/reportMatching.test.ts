import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DatabaseTelemetryStore } from '../DatabaseTelemetryStore';
import { TelemetryEvent } from '../TelemetryStore';
import {
  entitySubject,
  unattributedAgentSubject,
  unattributedSubject,
} from '../telemetrySubject';
import { FALLBACK_MATCH_WINDOW_MS } from './reportMatching';

jest.setTimeout(60_000);

const T0 = new Date('2026-11-23T10:15:00.000Z');
const WINDOW = {
  from: new Date('2026-11-23T00:00:00.000Z'),
  to: new Date('2026-11-24T00:00:00.000Z'),
};
const ENDPOINT_REF = 'modelendpoint:default/llama-chat';
const AGENT_REF = 'agent:default/checkout-agent';

/** The gateway's report: LiteLLM's tokens and cost, its own timing. */
function gatewayReport(
  overrides: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: 'chatcmpl-abc',
    reporter: 'gateway',
    matchKey: 'chatcmpl-abc',
    occurredAt: new Date(T0.getTime() + 40),
    entityRef: ENDPOINT_REF,
    joinKey: 'llama-chat',
    agentJoinKey: null,
    agentEntityRef: null,
    operation: 'chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    provider: 'hosted_vllm',
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 1043,
    outputTokens: 142,
    costUsd: 0.00041325,
    costSource: 'gateway',
    ttftMs: 350,
    latencyMs: 2700,
    ...overrides,
  };
}

/**
 * The application's span of the same call: starts earlier and ends later
 * (client side), names the agent, its TTFT is client side, its cost is an
 * estimate from a price table, and its tokens are off by one (a client
 * that counts differently) so that the gateway's are visibly the ones kept.
 */
function spanReport(overrides: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    source: 'otlp',
    sourceEventId: '5b8efff798038103d269b633813fc60ceee19b7ec3c1b174',
    reporter: 'application',
    matchKey: 'chatcmpl-abc',
    occurredAt: T0,
    entityRef: ENDPOINT_REF,
    joinKey: 'llama-chat',
    agentJoinKey: 'checkout-agent',
    agentEntityRef: AGENT_REF,
    operation: 'chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    provider: 'openai',
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 1044,
    outputTokens: 142,
    costUsd: 0.0009,
    costSource: 'config-pricing',
    ttftMs: 418,
    latencyMs: 2800,
    ...overrides,
  };
}

describe('two reports of one call (gateway and application)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  /** Rollups and sketch buckets as stored, in key order. */
  async function countedState(knex: Knex) {
    const rollups = await knex('ai_platform_rollups_hourly').orderBy([
      'subject',
      'hour_start',
    ]);
    const buckets = await knex('ai_platform_sketch_buckets').orderBy([
      'subject',
      'hour_start',
      'metric',
      'bucket',
    ]);
    return {
      rollups: rollups.map(row => ({
        subject: row.subject,
        hourStart: Number(row.hour_start),
        requests: Number(row.requests),
        errors: Number(row.errors),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        // 12 digits: a pair is counted by adding and subtracting doubles.
        costUsd: Number(Number(row.cost_usd).toPrecision(12)),
      })),
      buckets: buckets.map(row => ({
        subject: row.subject,
        metric: row.metric,
        bucket: Number(row.bucket),
        count: Number(row.count),
      })),
    };
  }

  async function usage(store: DatabaseTelemetryStore, subject: string) {
    return store.getUsage({ subject, ...WINDOW });
  }

  it.each(databases.eachSupportedId())(
    'counts the call once whichever report comes first or in one batch, %p',
    async databaseId => {
      const states = [];
      for (const batches of [
        [[gatewayReport()], [spanReport()]],
        [[spanReport()], [gatewayReport()]],
        [[spanReport(), gatewayReport()]],
      ]) {
        const { knex, store } = await createStore(databaseId);
        const results = [];
        for (const batch of batches) {
          results.push(await store.insertEvents(batch));
        }
        expect(results.at(-1)).toEqual({
          inserted: batches.at(-1)!.length,
          duplicates: 0,
          merged: 1,
        });
        // Both raw reports kept; the later one points at the first.
        const raw = await knex('ai_platform_events').orderBy('source');
        expect(raw.map(row => row.reporter)).toEqual([
          'gateway',
          'application',
        ]);
        expect(raw.filter(row => row.merged_into_event_id)).toHaveLength(1);
        const merged = raw.find(row => row.merged_into_event_id)!;
        expect(raw.map(row => row.id)).toContain(merged.merged_into_event_id);

        const endpoint = await usage(store, entitySubject(ENDPOINT_REF));
        expect(endpoint).toMatchObject({
          requests: 1,
          errors: 0,
          // The gateway's tokens and cost, not the span's.
          inputTokens: 1043,
          outputTokens: 142,
        });
        expect(endpoint.costUsd).toBeCloseTo(0.00041325, 12);
        // TTFT from the span (client side), latency from the span too.
        expect(endpoint.ttftMs.count).toBe(1);
        expect(Math.abs(endpoint.ttftMs.p50! - 418)).toBeLessThan(418 * 0.02);
        expect(Math.abs(endpoint.latencyMs.p50! - 2800)).toBeLessThan(
          2800 * 0.02,
        );
        // The agent named by the span counts the call, with gateway cost.
        const agent = await usage(store, entitySubject(AGENT_REF));
        expect(agent).toMatchObject({
          requests: 1,
          inputTokens: 1043,
          outputTokens: 142,
        });
        expect(agent.costUsd).toBeCloseTo(0.00041325, 12);
        states.push(await countedState(knex));
      }
      expect(states[1]).toEqual(states[0]);
      expect(states[2]).toEqual(states[0]);
      expect(states[0].rollups.map(row => row.subject)).toEqual([
        entitySubject(AGENT_REF),
        entitySubject(ENDPOINT_REF),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    're-sending either report changes nothing, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.insertEvents([gatewayReport()]);
      await store.insertEvents([spanReport()]);
      const before = await countedState(knex);

      expect(await store.insertEvents([spanReport()])).toEqual({
        inserted: 0,
        duplicates: 1,
      });
      expect(await store.insertEvents([gatewayReport()])).toEqual({
        inserted: 0,
        duplicates: 1,
      });
      expect(await store.insertEvents([spanReport(), gatewayReport()])).toEqual(
        { inserted: 0, duplicates: 2 },
      );
      expect(await countedState(knex)).toEqual(before);
      expect(
        before.rollups.find(row => row.subject === entitySubject(ENDPOINT_REF)),
      ).toMatchObject({ requests: 1, inputTokens: 1043 });
    },
  );

  it.each(databases.eachSupportedId())(
    'matches reports without a shared id by alias, tokens, status and time, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      // An embedding call: the span has no response id, LiteLLM's id is its own.
      const gateway = gatewayReport({
        sourceEventId: 'litellm-call-7f1e',
        matchKey: 'litellm-call-7f1e',
        operation: 'embeddings',
        streamed: false,
        ttftMs: null,
        inputTokens: 512,
        outputTokens: 0,
        costUsd: 0.0000512,
        occurredAt: new Date(T0.getTime() + 900),
        latencyMs: 100,
      });
      const span = spanReport({
        matchKey: null,
        operation: 'embeddings',
        streamed: false,
        ttftMs: null,
        inputTokens: 512,
        outputTokens: 0,
        costUsd: 0,
        latencyMs: 1200,
      });
      expect(await store.insertEvents([span])).toMatchObject({ inserted: 1 });
      expect(await store.insertEvents([gateway])).toEqual({
        inserted: 1,
        duplicates: 0,
        merged: 1,
      });
      const endpoint = await usage(store, entitySubject(ENDPOINT_REF));
      expect(endpoint).toMatchObject({ requests: 1, inputTokens: 512 });
      expect(endpoint.costUsd).toBeCloseTo(0.0000512, 12);
      expect(await usage(store, entitySubject(AGENT_REF))).toMatchObject({
        requests: 1,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'does not merge different calls: equal tokens far apart, other tokens, other response ids, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const farApart = new Date(T0.getTime() + FALLBACK_MATCH_WINDOW_MS + 1);
      await store.insertEvents([spanReport({ matchKey: null })]);
      const results = [
        // Same alias and tokens, one millisecond outside the window.
        await store.insertEvents([
          gatewayReport({
            sourceEventId: 'g-far',
            matchKey: 'g-far',
            occurredAt: farApart,
            inputTokens: 1044,
          }),
        ]),
        // In the window, other tokens.
        await store.insertEvents([
          gatewayReport({ sourceEventId: 'g-tokens', matchKey: 'g-tokens' }),
        ]),
        // Same tokens and time, another model alias.
        await store.insertEvents([
          gatewayReport({
            sourceEventId: 'g-alias',
            matchKey: 'g-alias',
            joinKey: 'llama-other',
            entityRef: null,
            inputTokens: 1044,
          }),
        ]),
      ];
      for (const result of results) {
        expect(result).toEqual({ inserted: 1, duplicates: 0 });
      }
      // Two spans with other response ids than a gateway report with
      // equal tokens at the same time: different calls.
      await store.insertEvents([
        spanReport({
          sourceEventId: 's-2',
          matchKey: 'chatcmpl-2',
          inputTokens: 7,
        }),
      ]);
      expect(
        await store.insertEvents([
          gatewayReport({
            sourceEventId: 'chatcmpl-3',
            matchKey: 'chatcmpl-3',
            inputTokens: 7,
          }),
        ]),
      ).toEqual({ inserted: 1, duplicates: 0 });

      expect(
        await knex('ai_platform_events').whereNotNull('merged_into_event_id'),
      ).toHaveLength(0);
      expect(await usage(store, entitySubject(ENDPOINT_REF))).toMatchObject({
        requests: 5,
      });
      expect(
        await usage(store, unattributedSubject('llama-other')),
      ).toMatchObject({ requests: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    "moves the call from the gateway's agent to the span's and leaves no empty rollup, %p",
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      // The gateway named another agent (e.g. from a key alias), an hour
      // earlier by its clock than the span.
      await store.insertEvents([
        gatewayReport({
          agentJoinKey: 'shared-key',
          occurredAt: new Date('2026-11-23T09:59:59.000Z'),
        }),
      ]);
      expect(
        await usage(store, unattributedAgentSubject('shared-key')),
      ).toMatchObject({ requests: 1 });
      await store.insertEvents([
        spanReport({ occurredAt: new Date('2026-11-23T10:00:01.000Z') }),
      ]);
      const state = await countedState(knex);
      expect(state.rollups).toEqual([
        expect.objectContaining({
          subject: entitySubject(AGENT_REF),
          hourStart: Date.parse('2026-11-23T09:00:00.000Z'),
          requests: 1,
          inputTokens: 1043,
        }),
        expect.objectContaining({
          subject: entitySubject(ENDPOINT_REF),
          hourStart: Date.parse('2026-11-23T09:00:00.000Z'),
          requests: 1,
          inputTokens: 1043,
        }),
      ]);
      expect(state.buckets.every(bucket => bucket.count > 0)).toBe(true);
      expect(
        state.buckets.filter(bucket => bucket.subject.includes('shared-key')),
      ).toEqual([]);
      expect(await store.countUnattributed(WINDOW)).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'pairs each report once when a batch holds several calls of both reporters, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const calls = [0, 1, 2].map(i => ({
        gateway: gatewayReport({
          sourceEventId: `chatcmpl-${i}`,
          matchKey: i === 2 ? `litellm-${i}` : `chatcmpl-${i}`,
          inputTokens: 100 + i,
          outputTokens: 10,
          costUsd: 0.001 * (i + 1),
          occurredAt: new Date(T0.getTime() + i * 200),
        }),
        span: spanReport({
          sourceEventId: `span-${i}`,
          // The third span has no response id: fallback match.
          matchKey: i === 2 ? null : `chatcmpl-${i}`,
          inputTokens: 100 + i,
          outputTokens: 10,
          occurredAt: new Date(T0.getTime() + i * 200 - 30),
        }),
      }));
      const result = await store.insertEvents([
        ...calls.map(call => call.span),
        ...calls.map(call => call.gateway),
      ]);
      expect(result).toEqual({ inserted: 6, duplicates: 0, merged: 3 });
      const endpoint = await usage(store, entitySubject(ENDPOINT_REF));
      expect(endpoint).toMatchObject({
        requests: 3,
        inputTokens: 303,
        outputTokens: 30,
      });
      expect(endpoint.costUsd).toBeCloseTo(0.006, 12);
    },
  );
});

describe('migration 20261205110000_event_match_key', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  const directory = resolvePackagePath(
    '@ai-platform/plugin-ai-platform-backend',
    'migrations',
  );

  it.each(databases.eachSupportedId())(
    'goes down and up again with events stored, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'SQLITE_3');
      const store = await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      await store.insertEvents([gatewayReport(), spanReport()]);
      // By name: a later migration may exist by the time this runs.
      await knex.migrate.down({
        directory,
        name: '20261205110000_event_match_key.js',
      });
      const columns = Object.keys(
        await knex('ai_platform_events').columnInfo(),
      );
      expect(columns).not.toContain('match_key');
      expect(columns).not.toContain('merged_into_event_id');
      expect(await knex('ai_platform_events')).toHaveLength(2);

      await knex.migrate.latest({ directory });
      await store.insertEvents([
        gatewayReport({
          sourceEventId: 'chatcmpl-new',
          matchKey: 'chatcmpl-new',
        }),
        spanReport({ sourceEventId: 'span-new', matchKey: 'chatcmpl-new' }),
      ]);
      expect(
        await knex('ai_platform_events').whereNotNull('merged_into_event_id'),
      ).toHaveLength(1);
    },
  );
});
