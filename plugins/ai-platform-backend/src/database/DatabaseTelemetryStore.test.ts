import { TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { DatabaseTelemetryStore } from './DatabaseTelemetryStore';
import { SKETCH_RELATIVE_ACCURACY } from './logBucketSketch';
import { TelemetryEvent } from './TelemetryStore';
import {
  entitySubject,
  unattributedAgentSubject,
  unattributedSubject,
} from './telemetrySubject';

jest.setTimeout(60_000);

const HOUR_MS = 60 * 60 * 1000;
const T0 = new Date('2026-11-23T10:00:00.000Z');
const WINDOW = {
  from: new Date('2026-11-23T00:00:00.000Z'),
  to: new Date('2026-11-24T00:00:00.000Z'),
};
const ENDPOINT_REF = 'modelendpoint:default/llama-chat';

function event(overrides: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: 'req-1',
    occurredAt: T0,
    entityRef: ENDPOINT_REF,
    joinKey: 'llama-chat',
    operation: 'chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    provider: 'vllm',
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.001,
    ttftMs: 200,
    latencyMs: 1000,
    ...overrides,
  };
}

/** Exact quantile by the sketch's rank definition: floor(q * (n - 1)). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe('DatabaseTelemetryStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  async function rollupRows(knex: Knex) {
    const rows = await knex('ai_platform_rollups_hourly').orderBy([
      'subject',
      'hour_start',
    ]);
    return rows.map(row => ({
      subject: row.subject,
      hourStart: Number(row.hour_start),
      requests: Number(row.requests),
      errors: Number(row.errors),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    }));
  }

  it.each(databases.eachSupportedId())(
    'stores awkward text and large numbers exactly as given, %p',
    async databaseId => {
      // The insert path sends column arrays (PostgreSQL) and multi-row
      // VALUES (SQLite): quotes, commas, braces, backslashes, the word NULL
      // and non-ASCII text must come back unchanged.
      const { knex, store } = await createStore(databaseId);
      const awkward = `we"ird,{k}\\e'y NULL ü 😀`;
      const base = event({
        entityRef: null,
        joinKey: awkward,
        agentJoinKey: 'NULL',
        status: 'error',
        errorType: 'x"y',
        inputTokens: 2 ** 40,
        costUsd: 0.1 + 0.2,
        latencyMs: 1e-7,
      });
      await expect(
        store.insertEvents([
          { ...base, sourceEventId: 'a' },
          { ...base, sourceEventId: 'b' },
        ]),
      ).resolves.toEqual({ inserted: 2, duplicates: 0 });

      const rows = await knex('ai_platform_events')
        .orderBy('source_event_id')
        .select(
          'join_key',
          'agent_join_key',
          'error_type',
          'input_tokens',
          'cost_usd',
          'latency_ms',
        );
      expect(
        rows.map(row => ({
          joinKey: row.join_key,
          agentJoinKey: row.agent_join_key,
          errorType: row.error_type,
          inputTokens: Number(row.input_tokens),
          costUsd: Number(row.cost_usd),
          latencyMs: Number(row.latency_ms),
        })),
      ).toEqual(
        ['a', 'b'].map(() => ({
          joinKey: awkward,
          agentJoinKey: 'NULL',
          errorType: 'x"y',
          inputTokens: 2 ** 40,
          costUsd: 0.1 + 0.2,
          latencyMs: 1e-7,
        })),
      );
      const unattributed = await store.listUnattributed(WINDOW);
      expect(unattributed.map(item => item.joinKey)).toContain(awkward);
      const usage = await store.getUsage({
        subject: unattributedSubject(awkward),
        ...WINDOW,
      });
      expect(usage).toMatchObject({ requests: 2, errors: 2 });
      expect(usage.inputTokens).toBe(2 * 2 ** 40);
    },
  );

  it.each(databases.eachSupportedId())(
    'counts a retried batch only once, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const batch = [
        event({ sourceEventId: 'a' }),
        event({ sourceEventId: 'b', status: 'error', errorType: '429' }),
        event({ sourceEventId: 'c', entityRef: null, joinKey: 'gpt-4o' }),
      ];

      await expect(store.insertEvents(batch)).resolves.toEqual({
        inserted: 3,
        duplicates: 0,
      });
      const rollupsAfterFirst = await rollupRows(knex);
      const sketchesAfterFirst = await knex('ai_platform_sketch_buckets')
        .select('subject', 'metric', 'bucket', 'count')
        .orderBy(['subject', 'metric', 'bucket']);

      await expect(store.insertEvents(batch)).resolves.toEqual({
        inserted: 0,
        duplicates: 3,
      });
      expect(await rollupRows(knex)).toEqual(rollupsAfterFirst);
      expect(
        await knex('ai_platform_sketch_buckets')
          .select('subject', 'metric', 'bucket', 'count')
          .orderBy(['subject', 'metric', 'bucket']),
      ).toEqual(sketchesAfterFirst);
      expect(await knex('ai_platform_events').count({ n: '*' })).toEqual([
        { n: databaseId === 'SQLITE_3' ? 3 : '3' },
      ]);

      // A batch mixing old and new events only counts the new ones, and a
      // duplicate inside the same batch counts once.
      await expect(
        store.insertEvents([
          event({ sourceEventId: 'a' }),
          event({ sourceEventId: 'd' }),
          event({ sourceEventId: 'd' }),
        ]),
      ).resolves.toEqual({ inserted: 1, duplicates: 2 });
      const usage = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });
      expect(usage.requests).toBe(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps exact hourly rollups for a known batch, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.insertEvents([
        event({ sourceEventId: '1', inputTokens: 100, outputTokens: 10 }),
        event({
          sourceEventId: '2',
          occurredAt: new Date(T0.getTime() + 59 * 60 * 1000),
          inputTokens: 200,
          outputTokens: 20,
          costUsd: 0.25,
        }),
        event({
          sourceEventId: '3',
          status: 'error',
          errorType: 'timeout',
          inputTokens: 300,
          outputTokens: 0,
          costUsd: 0,
        }),
        event({
          sourceEventId: '4',
          occurredAt: new Date(T0.getTime() + HOUR_MS),
          inputTokens: 50,
          outputTokens: 5,
          costUsd: 0.5,
        }),
        // Entity refs are matched case-insensitively.
        event({
          sourceEventId: '5',
          entityRef: 'ModelEndpoint:default/Llama-Chat',
          inputTokens: 1,
          outputTokens: 1,
          costUsd: 0.125,
        }),
      ]);

      expect(await rollupRows(knex)).toEqual([
        {
          subject: 'entity:modelendpoint:default/llama-chat',
          hourStart: T0.getTime(),
          requests: 4,
          errors: 1,
          inputTokens: 601,
          outputTokens: 31,
          costUsd: 0.376,
        },
        {
          subject: 'entity:modelendpoint:default/llama-chat',
          hourStart: T0.getTime() + HOUR_MS,
          requests: 1,
          errors: 0,
          inputTokens: 50,
          outputTokens: 5,
          costUsd: 0.5,
        },
      ]);

      const usage = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });
      expect(usage).toMatchObject({
        subject: 'entity:modelendpoint:default/llama-chat',
        window: {
          from: '2026-11-23T00:00:00.000Z',
          to: '2026-11-24T00:00:00.000Z',
        },
        requests: 5,
        errors: 1,
        errorRatePercent: 20,
        inputTokens: 651,
        outputTokens: 36,
      });
      expect(usage.costUsd).toBeCloseTo(0.876, 10);
      // Errors are left out of the percentiles.
      expect(usage.latencyMs.count).toBe(4);

      // Counters only: the same totals, no sketches read.
      const countsOnly = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
        percentiles: false,
      });
      expect(countsOnly).toEqual({
        ...usage,
        ttftMs: { p50: null, p95: null, count: 0 },
        latencyMs: { p50: null, p95: null, count: 0 },
      });

      // A window covering only the second hour sees only that hour.
      const secondHour = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        from: new Date(T0.getTime() + HOUR_MS),
        to: new Date(T0.getTime() + 2 * HOUR_MS),
      });
      expect(secondHour).toMatchObject({ requests: 1, inputTokens: 50 });

      const empty = await store.getUsage({
        subject: entitySubject('agent:default/nobody'),
        ...WINDOW,
      });
      expect(empty).toMatchObject({
        requests: 0,
        errors: 0,
        errorRatePercent: null,
        costUsd: 0,
        ttftMs: { p50: null, p95: null, count: 0 },
        latencyMs: { p50: null, p95: null, count: 0 },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reads p95 TTFT from merged sketches within the relative accuracy, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      // 1000 long-tailed values from 50 ms to about 8 s, spread over 3 hours
      // so the query has to merge several sketches.
      const ttftValues = Array.from(
        { length: 1000 },
        (_, i) => 50 * Math.exp((5 * ((i * 7919) % 1000)) / 1000) + (i % 3),
      );
      const latencyValues = ttftValues.map(v => v * 4 + 100);
      await store.insertEvents(
        ttftValues.map((ttftMs, i) =>
          event({
            sourceEventId: `ttft-${i}`,
            occurredAt: new Date(T0.getTime() + (i % 3) * HOUR_MS),
            ttftMs,
            latencyMs: latencyValues[i],
          }),
        ),
      );

      const usage = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });
      expect(usage.requests).toBe(1000);
      expect(usage.ttftMs.count).toBe(1000);
      expect(usage.latencyMs.count).toBe(1000);

      const checks: Array<[number | null, number]> = [
        [usage.ttftMs.p95, exactQuantile(ttftValues, 0.95)],
        [usage.ttftMs.p50, exactQuantile(ttftValues, 0.5)],
        [usage.latencyMs.p95, exactQuantile(latencyValues, 0.95)],
        [usage.latencyMs.p50, exactQuantile(latencyValues, 0.5)],
      ];
      for (const [estimate, exact] of checks) {
        expect(estimate).not.toBeNull();
        expect(Math.abs(estimate! - exact) / exact).toBeLessThanOrEqual(
          SKETCH_RELATIVE_ACCURACY,
        );
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'does not count TTFT of non-streamed or failed calls, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.insertEvents([
        event({ sourceEventId: 's1', streamed: true, ttftMs: 100 }),
        event({ sourceEventId: 's2', streamed: true, ttftMs: 120 }),
        // LiteLLM reports TTFT = full duration for non-streamed calls.
        event({
          sourceEventId: 'n1',
          streamed: false,
          ttftMs: 5000,
          latencyMs: 5000,
        }),
        event({
          sourceEventId: 'e1',
          streamed: true,
          ttftMs: 9000,
          status: 'error',
        }),
      ]);

      const usage = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });
      expect(usage.requests).toBe(4);
      expect(usage.ttftMs.count).toBe(2);
      expect(usage.ttftMs.p95).toBeLessThan(125);
      expect(usage.latencyMs.count).toBe(3);

      const stored = await knex('ai_platform_events')
        .where('source_event_id', 'n1')
        .first();
      expect(stored.ttft_ms).toBeNull();
    },
  );

  it.each(databases.eachSupportedId())(
    'counts unattributed telemetry per join key, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertEvents([
        event({ sourceEventId: '1', entityRef: null, joinKey: 'gpt-4o' }),
        event({
          sourceEventId: '2',
          entityRef: null,
          joinKey: 'gpt-4o',
          status: 'error',
          occurredAt: new Date(T0.getTime() + 2 * HOUR_MS),
        }),
        event({ sourceEventId: '3', entityRef: null, joinKey: 'gpt-4o' }),
        event({
          sourceEventId: '4',
          entityRef: null,
          joinKey: 'checkout-agent',
          inputTokens: 7,
        }),
        event({ sourceEventId: '5' }),
      ]);

      const unattributed = await store.listUnattributed(WINDOW);
      expect(unattributed).toEqual([
        {
          joinKey: 'gpt-4o',
          joinKeyKind: 'model',
          requests: 3,
          errors: 1,
          inputTokens: 300,
          outputTokens: 60,
          costUsd: expect.closeTo(0.003, 10),
          lastSeenHourStart: '2026-11-23T12:00:00.000Z',
        },
        {
          joinKey: 'checkout-agent',
          joinKeyKind: 'model',
          requests: 1,
          errors: 0,
          inputTokens: 7,
          outputTokens: 20,
          costUsd: expect.closeTo(0.001, 10),
          lastSeenHourStart: '2026-11-23T10:00:00.000Z',
        },
      ]);
      const gpt4o = await store.getUsage({
        subject: unattributedSubject('gpt-4o'),
        ...WINDOW,
      });
      expect(gpt4o.requests).toBe(3);

      await expect(
        store.listUnattributed({
          from: new Date('2026-11-20T00:00:00Z'),
          to: new Date('2026-11-21T00:00:00Z'),
        }),
      ).resolves.toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'counts a call made by an agent for the endpoint and the agent, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      const agentRef = 'agent:default/checkout-agent';
      await store.insertEvents([
        event({
          sourceEventId: 'a1',
          agentJoinKey: 'agt_checkout',
          agentEntityRef: 'Agent:default/Checkout-Agent',
        }),
        event({ sourceEventId: 'a2', agentJoinKey: 'agt_unknown' }),
        event({ sourceEventId: 'a3' }),
      ]);
      // A retried batch changes no counter of either subject.
      await expect(
        store.insertEvents([
          event({
            sourceEventId: 'a1',
            agentJoinKey: 'agt_checkout',
            agentEntityRef: agentRef,
          }),
        ]),
      ).resolves.toEqual({ inserted: 0, duplicates: 1 });

      const endpoint = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });
      expect(endpoint.requests).toBe(3);
      const agent = await store.getUsage({
        subject: entitySubject(agentRef),
        ...WINDOW,
      });
      expect(agent).toMatchObject({
        requests: 1,
        inputTokens: 100,
        ttftMs: { count: 1 },
        latencyMs: { count: 1 },
      });
      const unknownAgent = await store.getUsage({
        subject: unattributedAgentSubject('agt_unknown'),
        ...WINDOW,
      });
      expect(unknownAgent.requests).toBe(1);
      expect(await store.listUnattributed(WINDOW)).toEqual([
        expect.objectContaining({
          joinKey: 'agt_unknown',
          joinKeyKind: 'agent',
          requests: 1,
        }),
      ]);

      const stored = await knex('ai_platform_events')
        .where('source_event_id', 'a1')
        .first();
      expect(stored).toMatchObject({
        entity_ref: ENDPOINT_REF,
        agent_entity_ref: agentRef,
        agent_join_key: 'agt_checkout',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes old raw events but keeps the rollups, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.insertEvents([
        event({ sourceEventId: 'old', occurredAt: T0 }),
        event({
          sourceEventId: 'new',
          occurredAt: new Date(T0.getTime() + 5 * HOUR_MS),
        }),
      ]);
      const before = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });

      await expect(
        store.deleteEventsBefore(new Date(T0.getTime() + HOUR_MS)),
      ).resolves.toBe(1);

      const remaining = await knex('ai_platform_events').select(
        'source_event_id',
      );
      expect(remaining).toEqual([{ source_event_id: 'new' }]);
      const after = await store.getUsage({
        subject: entitySubject(ENDPOINT_REF),
        ...WINDOW,
      });
      expect(after).toEqual(before);
      expect(after.requests).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects invalid events without storing any of the batch, %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await expect(
        store.insertEvents([
          event({ sourceEventId: 'fine' }),
          event({ sourceEventId: 'bad', inputTokens: -1 }),
        ]),
      ).rejects.toThrow(
        new InputError(
          "Telemetry event 1: 'inputTokens' must be an integer >= 0, got -1",
        ),
      );
      await expect(
        store.insertEvents([event({ joinKey: ' ' })]),
      ).rejects.toThrow(/'joinKey' must be a non-empty string/);
      await expect(
        store.insertEvents([event({ entityRef: 'no-kind' })]),
      ).rejects.toThrow(InputError);
      expect(await knex('ai_platform_events')).toEqual([]);
    },
  );
});

describe('DatabaseTelemetryStore.getTimeseries', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'sums rollups and merges TTFT sketches per step, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'SQLITE_3');
      const store = await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      // Two calls at 10:xx, one at 12:xx; steps of 2 h from 10:00.
      await store.insertEvents([
        event({ sourceEventId: 'a', ttftMs: 100, outputTokens: 5 }),
        event({
          sourceEventId: 'b',
          occurredAt: new Date(T0.getTime() + 30 * 60 * 1000),
          ttftMs: 400,
          outputTokens: 7,
        }),
        event({
          sourceEventId: 'c',
          occurredAt: new Date(T0.getTime() + 2 * HOUR_MS),
          ttftMs: 50,
          outputTokens: 11,
        }),
      ]);
      const series = (metric: 'output_tokens' | 'ttft_p95_ms') =>
        store.getTimeseries({
          subject: entitySubject(ENDPOINT_REF),
          metric,
          from: T0,
          stepMs: 2 * HOUR_MS,
          steps: 3,
        });
      expect(await series('output_tokens')).toEqual([
        { start: '2026-11-23T10:00:00.000Z', value: 12 },
        { start: '2026-11-23T12:00:00.000Z', value: 11 },
        { start: '2026-11-23T14:00:00.000Z', value: 0 },
      ]);
      const ttft = await series('ttft_p95_ms');
      // p95 of two values is the lower one (rank floor(0.95 * 1) = 0).
      expect(ttft[0].value).toBeCloseTo(100, -0.3);
      expect(ttft[1].value).toBeCloseTo(50, -0.3);
      expect(ttft[2].value).toBeNull();
      await expect(
        store.getTimeseries({
          subject: entitySubject(ENDPOINT_REF),
          metric: 'requests',
          from: T0,
          stepMs: 1000,
          steps: 1,
        }),
      ).rejects.toThrow(InputError);
    },
  );
});
