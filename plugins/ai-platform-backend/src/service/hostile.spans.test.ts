import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import { lookupOtlpProtoType } from '../otlp/otlpProto';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(120_000);

const TRACES_PATH = '/api/ai-platform/v1/traces';
const LITELLM_PATH = '/api/ai-platform/ingest/litellm';
const SERVICE = mockCredentials.service.header();
const AGENT_REF = 'agent:default/checkout-agent';

const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: {
      owner: 'group:default/payments',
      gateway: { model: 'gpt-4o-mini' },
    },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: { owner: 'group:default/payments', gateway: { agentId: 'agt_01J9' } },
  },
];

const HOUR_MS = 60 * 60 * 1000;
/** What cut text ends with. */
const TRUNCATION_MARKER = '…[truncated]';
/** An hour ago, rounded to the second: well inside the default window. */
const BASE_MS = Math.floor((Date.now() - HOUR_MS) / 1000) * 1000;
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
const TRACE_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const spanIdOf = (n: number) => n.toString(16).padStart(16, '0');

type JsonAnyValue = Record<string, unknown>;

function anyValue(value: string | number | boolean): JsonAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value)
    ? { intValue: String(value) }
    : { doubleValue: value };
}

/** An OTLP JSON span of a chat call; `attributes` override the defaults. */
function chatSpan(
  n: number,
  attributes: Record<string, string | number | boolean | JsonAnyValue> = {},
  overrides: Record<string, unknown> = {},
) {
  const all: Record<string, string | number | boolean | JsonAnyValue> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.provider.name': 'openai',
    'gen_ai.usage.input_tokens': 100 + n,
    'gen_ai.usage.output_tokens': 20,
    ...attributes,
  };
  return {
    traceId: TRACE_ID,
    spanId: spanIdOf(n),
    name: `chat ${n}`,
    kind: 3,
    startTimeUnixNano: nanos(BASE_MS + n * 1000),
    endTimeUnixNano: nanos(BASE_MS + n * 1000 + 1500),
    attributes: Object.entries(all).map(([key, value]) => ({
      key,
      value: typeof value === 'object' ? value : anyValue(value),
    })),
    ...overrides,
  };
}

const traceRequest = (spans: unknown[]) => ({
  resourceSpans: [{ scopeSpans: [{ spans }] }],
});

const LONG_PROVIDER_MESSAGE = `Error code: 400 - {'error': {'message': "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. ${'Please reduce the length of the messages. '.repeat(
  14,
)}", 'type': 'invalid_request_error'}}`;

/**
 * The hostile OTLP batch: 3 good spans (one a provider error with a 600+
 * character message, one with a 300 character `error.type` of emoji) and
 * 11 bad ones, one per case of the issue.
 */
const HOSTILE_SPANS = [
  chatSpan(1, {
    'gen_ai.agent.id': 'agt_01J9',
    'gen_ai.request.stream': true,
    'gen_ai.response.time_to_first_chunk': 0.25,
  }),
  chatSpan(2, {}, { status: { code: 2, message: LONG_PROVIDER_MESSAGE } }),
  chatSpan(3, { 'error.type': `RateLimit${'🚦'.repeat(300)}` }),
  // bad from here on (index 3 to 13)
  chatSpan(4, { 'gen_ai.request.model': 'm'.repeat(300) }),
  chatSpan(5, { 'gen_ai.request.model': 'x'.repeat(70_000) }),
  chatSpan(6, { 'gen_ai.provider.name': 'p'.repeat(100) }),
  chatSpan(7, { 'gen_ai.operation.name': 'o'.repeat(100) }),
  chatSpan(8, {}, { startTimeUnixNano: '99999999999999999999999' }),
  chatSpan(9, {
    'gen_ai.request.stream': true,
    'gen_ai.response.time_to_first_chunk': 1e308,
  }),
  chatSpan(
    10,
    {},
    { startTimeUnixNano: '86400000000000', endTimeUnixNano: '86401000000000' },
  ),
  chatSpan(
    11,
    {},
    {
      startTimeUnixNano: nanos(Date.UTC(3000, 0, 1)),
      endTimeUnixNano: nanos(Date.UTC(3000, 0, 1) + 1000),
    },
  ),
  chatSpan(12, { 'gen_ai.usage.input_tokens': Number.MAX_SAFE_INTEGER }),
  chatSpan(13, { 'gen_ai.agent.id': 'a'.repeat(300) }),
  chatSpan(14, { 'gen_ai.request.model': 'gpt\u0000-4o-mini' }),
];
const GOOD_SPAN_IDS = [1, 2, 3].map(n => `${TRACE_ID}${spanIdOf(n)}`);

const SECOND = BASE_MS / 1000;
function litellmPayload(id: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    call_type: 'acompletion',
    stream: true,
    model: 'gpt-4o-mini-2024-07-18',
    model_group: 'gpt-4o-mini',
    custom_llm_provider: 'openai',
    prompt_tokens: 1043,
    completion_tokens: 142,
    response_cost: 0.00041325,
    startTime: SECOND + 0.112,
    endTime: SECOND + 2.871,
    completionStartTime: SECOND + 0.53,
    status: 'success',
    metadata: { spend_logs_metadata: { agent_id: 'agt_01J9' } },
    ...fields,
  };
}

const HOSTILE_PAYLOADS = [
  litellmPayload('ll-ok'),
  // Times in epoch milliseconds: detected and converted.
  litellmPayload('ll-ms', {
    startTime: BASE_MS + 5_000,
    endTime: BASE_MS + 7_000,
    completionStartTime: BASE_MS + 5_300,
  }),
  litellmPayload('ll-failure', {
    status: 'failure',
    error_information: {
      error_class: `ContextWindowExceeded${'!'.repeat(400)}`,
    },
  }),
  // bad from here on (index 3 to 9)
  litellmPayload(`ll-${'i'.repeat(300)}`),
  litellmPayload('ll-time-1e308', { startTime: 1e308, endTime: 1e308 }),
  litellmPayload('ll-cost', { response_cost: 1e308 }),
  litellmPayload('ll-tokens', { prompt_tokens: Number.MAX_SAFE_INTEGER }),
  litellmPayload('ll-group', { model_group: 'g'.repeat(300) }),
  litellmPayload('ll-provider', { custom_llm_provider: 'v'.repeat(100) }),
  litellmPayload('ll-1970', { startTime: 86_400, endTime: 86_401 }),
];

/** Event rows without the generated id, in the same types on both databases. */
async function storedEvents(knex: Knex) {
  const rows = await knex('ai_platform_events')
    .select(
      'source',
      'source_event_id',
      'occurred_at',
      'entity_ref',
      'join_key',
      'agent_entity_ref',
      'agent_join_key',
      'operation',
      'model',
      'provider',
      'streamed',
      'status',
      'error_type',
      'input_tokens',
      'output_tokens',
      'cost_usd',
      'cost_source',
      'ttft_ms',
      'latency_ms',
    )
    .orderBy(['source', 'source_event_id']);
  return rows.map(row => ({
    ...row,
    occurred_at: Number(row.occurred_at),
    streamed: Boolean(row.streamed),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cost_usd: Number(row.cost_usd),
    ttft_ms: row.ttft_ms === null ? null : Number(row.ttft_ms),
    latency_ms: Number(row.latency_ms),
  }));
}

async function storedRollups(knex: Knex) {
  const rows = await knex('ai_platform_rollups_hourly')
    .select('*')
    .orderBy(['subject', 'hour_start']);
  return rows.map(row => ({
    subject: row.subject,
    hour_start: Number(row.hour_start),
    requests: Number(row.requests),
    errors: Number(row.errors),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cost_usd: Number(row.cost_usd),
  }));
}

describe('hostile spans and LiteLLM payloads', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function startBackend(databaseId: TestDatabaseId, config = {}) {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({ data: config }),
        catalogServiceMock.factory({ entities: ENTITIES }),
      ],
    });
    return { server, knex };
  }

  async function postHostileBatches(server: Server) {
    const traces = await request(server)
      .post(TRACES_PATH)
      .set('Authorization', SERVICE)
      .send(traceRequest(HOSTILE_SPANS));
    const litellm = await request(server)
      .post(LITELLM_PATH)
      .set('Authorization', SERVICE)
      .send(HOSTILE_PAYLOADS);
    return { traces, litellm };
  }

  it.each(databases.eachSupportedId())(
    'stores the good items of a hostile batch once and reports each bad one, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);

      for (const attempt of [1, 2]) {
        const { traces, litellm } = await postHostileBatches(server);
        expect(traces.status).toBe(200);
        expect(traces.body.partialSuccess).toEqual({
          rejectedSpans: '11',
          errorMessage: expect.stringMatching(/^11 span\(s\) rejected: /),
        });
        expect(traces.body.partialSuccess.errorMessage).toContain(
          "'gen_ai.request.model' \"mmmmmmmm",
        );
        expect(traces.body.partialSuccess.errorMessage).toContain(
          'is 300 characters long, more than the 255 allowed',
        );
        expect(traces.body.partialSuccess.errorMessage).toContain(
          'is 70,000 characters long, more than the 255 allowed',
        );
        expect(litellm.status).toBe(200);
        expect(litellm.body.accepted).toBe(attempt === 1 ? 3 : 0);
        expect(litellm.body.duplicates).toBe(attempt === 1 ? 0 : 3);
        expect(litellm.body.rejected).toEqual([
          {
            index: 3,
            message: expect.stringMatching(
              /^'id' "ll-i+"… \(303 characters\) is 303 characters long, more than the 255 allowed$/,
            ),
          },
          {
            index: 4,
            message: expect.stringMatching(
              /^'startTime' 1e\+308 is outside the accepted window .* \(aiPlatform\.ingest\.plausibility\.maxAge \/ maxClockSkew\)$/,
            ),
          },
          {
            index: 5,
            message:
              "'response_cost' 1e+308 is more than the 10,000 USD allowed per call (aiPlatform.ingest.plausibility.maxCostUsdPerCall)",
          },
          {
            index: 6,
            message:
              "'prompt_tokens' 9007199254740991 is more than the 10,000,000 tokens allowed per call (aiPlatform.ingest.plausibility.maxTokensPerCall)",
          },
          {
            index: 7,
            message: expect.stringContaining("'model_group' \"gggg"),
          },
          {
            index: 8,
            message: expect.stringContaining(
              'is 100 characters long, more than the 64 allowed',
            ),
          },
          {
            index: 9,
            message: expect.stringMatching(
              /^'startTime' 86400 \(1970-01-02T00:00:00\.000Z\) is outside the accepted window/,
            ),
          },
        ]);
      }

      const events = await storedEvents(knex);
      expect(events.map(e => e.source_event_id)).toEqual([
        'll-failure',
        'll-ms',
        'll-ok',
        ...GOOD_SPAN_IDS,
      ]);
      const byId = new Map(events.map(e => [e.source_event_id, e]));
      const errorSpan = byId.get(GOOD_SPAN_IDS[1])!;
      expect(errorSpan.status).toBe('error');
      expect(errorSpan.error_type).toHaveLength(255);
      expect(errorSpan.error_type).toBe(
        `${LONG_PROVIDER_MESSAGE.slice(
          0,
          255 - TRUNCATION_MARKER.length,
        )}${TRUNCATION_MARKER}`,
      );
      // 300 emoji: cut on characters, never inside a surrogate pair.
      const emojiError = byId.get(GOOD_SPAN_IDS[2])!.error_type as string;
      expect([...emojiError]).toHaveLength(255);
      expect(emojiError.endsWith(`🚦${TRUNCATION_MARKER}`)).toBe(true);
      expect(byId.get('ll-failure')!.error_type).toMatch(
        /^ContextWindowExceeded!+…\[truncated\]$/,
      );
      expect(byId.get('ll-ms')).toMatchObject({
        occurred_at: BASE_MS + 5_000,
        latency_ms: 2_000,
        ttft_ms: 300,
      });
      expect(byId.get(GOOD_SPAN_IDS[0])).toMatchObject({
        agent_entity_ref: AGENT_REF,
        ttft_ms: 250,
      });
      // Rollups count each good call once, after two posts of the batch.
      const rollups = await storedRollups(knex);
      const modelRollups = rollups.filter(
        r => r.subject === 'entity:modelendpoint:default/gpt-4o-mini',
      );
      expect(modelRollups.reduce((sum, r) => sum + r.requests, 0)).toBe(6);
      expect(
        rollups.every(r => Number.isFinite(r.cost_usd) && r.cost_usd < 1),
      ).toBe(true);
    },
  );

  it('stores the same rows from the same hostile batches on POSTGRES_15 and SQLITE_3', async () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toEqual(['POSTGRES_15', 'SQLITE_3']);
    const stored = [];
    for (const databaseId of ids) {
      const { server, knex } = await startBackend(databaseId);
      const { traces, litellm } = await postHostileBatches(server);
      // The accepted window moves with the clock between the two posts.
      const withoutWindow = (body: unknown) =>
        JSON.parse(
          JSON.stringify(body).replace(
            /window \S+ to \S+ \(/g,
            'window (now - maxAge) to (now + maxClockSkew) (',
          ),
        );
      stored.push({
        traces: { status: traces.status, body: withoutWindow(traces.body) },
        litellm: { status: litellm.status, body: withoutWindow(litellm.body) },
        events: await storedEvents(knex),
        rollups: await storedRollups(knex),
      });
    }
    expect(stored[0].events).toHaveLength(6);
    expect(stored[0]).toEqual(stored[1]);
  });

  it.each(databases.eachSupportedId())(
    'rejects the spans over aiPlatform.ingest.limits.maxSpansPerRequest and calls outside a configured window, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId, {
        aiPlatform: {
          ingest: {
            limits: { maxSpansPerRequest: 5 },
            plausibility: { maxAge: 'PT2H', maxClockSkew: { minutes: 1 } },
          },
        },
      });
      const now = Date.now();
      const at = (ms: number) => ({
        startTimeUnixNano: nanos(ms),
        endTimeUnixNano: nanos(ms + 1000),
      });
      const response = await request(server)
        .post(TRACES_PATH)
        .set('Authorization', SERVICE)
        .send(
          traceRequest([
            chatSpan(1, {}, at(now - 10 * 60 * 1000)),
            chatSpan(2, {}, at(now - 3 * HOUR_MS)), // older than 2 h
            chatSpan(3, {}, at(now + 5 * 60 * 1000)), // 5 min ahead
            chatSpan(4, {}, at(now - 60 * 1000)),
            chatSpan(5, {}, at(now - 60 * 1000)),
            chatSpan(6, {}, at(now - 60 * 1000)), // over the span cap
            chatSpan(7, {}, at(now - 60 * 1000)), // over the span cap
          ]),
        );
      expect(response.status).toBe(200);
      expect(response.body.partialSuccess.rejectedSpans).toBe('4');
      expect(response.body.partialSuccess.errorMessage).toContain(
        'span 5: more than 5 spans in one request (aiPlatform.ingest.limits.maxSpansPerRequest)',
      );
      expect(response.body.partialSuccess.errorMessage).toContain(
        "'startTimeUnixNano'",
      );
      expect(
        (await storedEvents(knex)).map(e => e.source_event_id.slice(-1)),
      ).toEqual(['1', '4', '5']);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers health within 1 s while a chain of 8,000 spans is attributed, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const CHAIN = 8_000;
      const chain = (traceId: string, length: number) => [
        {
          traceId,
          spanId: spanIdOf(1),
          name: 'invoke_agent checkout',
          startTimeUnixNano: nanos(BASE_MS),
          endTimeUnixNano: nanos(BASE_MS + 60_000),
          attributes: [
            { key: 'gen_ai.operation.name', value: anyValue('invoke_agent') },
            { key: 'gen_ai.agent.id', value: anyValue('agt_01J9') },
          ],
        },
        ...Array.from({ length: length - 1 }, (_, i) => ({
          traceId,
          spanId: spanIdOf(i + 2),
          parentSpanId: spanIdOf(i + 1),
          name: 'chat',
          startTimeUnixNano: nanos(BASE_MS + i),
          endTimeUnixNano: nanos(BASE_MS + i + 100),
          attributes: [
            { key: 'gen_ai.operation.name', value: anyValue('chat') },
            { key: 'gen_ai.request.model', value: anyValue('gpt-4o-mini') },
          ],
        })),
      ];

      // A warm backend, as in production: one smaller chain first.
      const warmUp = await request(server)
        .post(TRACES_PATH)
        .set('Authorization', SERVICE)
        .send(traceRequest(chain(`${'0'.repeat(31)}1`, 1_000)));
      expect(warmUp.status).toBe(200);
      const body = JSON.stringify(traceRequest(chain(TRACE_ID, CHAIN)));
      // Health is polled back to back through the whole ingest; the
      // longest wait for an answer is what a probe would have seen.
      let ingesting = true;
      let lastAnswerMs = performance.now();
      let longestWaitMs = 0;
      const poll = (async () => {
        while (ingesting) {
          const health = await fetch(`${base}/api/ai-platform/health`);
          expect(health.status).toBe(200);
          const answeredMs = performance.now();
          longestWaitMs = Math.max(longestWaitMs, answeredMs - lastAnswerMs);
          lastAnswerMs = answeredMs;
          await new Promise(resolve => setTimeout(resolve, 10));
        }
      })();
      const ingest = await fetch(`${base}${TRACES_PATH}`, {
        method: 'POST',
        headers: { Authorization: SERVICE, 'Content-Type': 'application/json' },
        body,
      });
      ingesting = false;
      await poll;

      expect(ingest.status).toBe(200);
      expect(await ingest.json()).toEqual({});
      expect(longestWaitMs).toBeLessThan(1_000);
      // Every call inherits the agent of the chain's root.
      const [{ count }] = await knex('ai_platform_events')
        .where({ agent_entity_ref: AGENT_REF })
        .count({ count: '*' });
      expect(Number(count)).toBe(CHAIN - 1 + 999);
    },
  );

  /**
   * A JSON request of one span with an attribute holding a string inside
   * `depth - 1` nested arrays, written as text: JSON.stringify itself
   * overflows the stack on such a value.
   */
  function deepJsonRequest(n: number, depth: number): string {
    const placeholder = { stringValue: '__deep__' };
    const text = JSON.stringify(
      traceRequest([chatSpan(n, { 'deep.value': placeholder })]),
    );
    const deep = `${'{"arrayValue":{"values":['.repeat(
      depth - 1,
    )}{"stringValue":"bottom"}${']}}'.repeat(depth - 1)}`;
    return text.replace(JSON.stringify(placeholder), deep);
  }

  function varint(value: number): Buffer {
    const bytes: number[] = [];
    let rest = value;
    while (rest > 0x7f) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    return Buffer.from(bytes);
  }
  /** A length-delimited protobuf field. */
  const lengthDelimited = (field: number, payload: Buffer) =>
    Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);

  /** A protobuf request of one span with an attribute `depth` levels deep. */
  function deepProtobufRequest(n: number, depth: number): Buffer {
    const spanType = lookupOtlpProtoType('Span');
    const span = chatSpan(n);
    const spanBytes = Buffer.from(
      spanType
        .encode(
          spanType.fromObject({
            ...span,
            traceId: Buffer.from(span.traceId, 'hex'),
            spanId: Buffer.from(span.spanId, 'hex'),
          }),
        )
        .finish(),
    );
    let value = lengthDelimited(1, Buffer.from('bottom')); // string_value
    for (let i = 1; i < depth; i++) {
      value = lengthDelimited(5, lengthDelimited(1, value)); // array_value
    }
    const keyValue = Buffer.concat([
      lengthDelimited(1, Buffer.from('deep.value')),
      lengthDelimited(2, value),
    ]);
    // Span.attributes = 9, ScopeSpans.spans = 2, ResourceSpans.scope_spans = 2,
    // ExportTraceServiceRequest.resource_spans = 1.
    const fullSpan = Buffer.concat([spanBytes, lengthDelimited(9, keyValue)]);
    return lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, fullSpan)));
  }

  it.each(databases.eachSupportedId())(
    'stores a span whose attribute is nested 5,000 deep, in JSON and protobuf, and stays up, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      const json = await request(server)
        .post(TRACES_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/json')
        .send(deepJsonRequest(1, 5_000));
      expect(json.status).toBe(200);
      expect(json.body).toEqual({});

      const protobuf = await request(server)
        .post(TRACES_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/x-protobuf')
        .send(deepProtobufRequest(2, 5_000) as unknown as string);
      expect(protobuf.status).toBe(200);

      const health = await request(server).get('/api/ai-platform/health');
      expect(health.status).toBe(200);
      expect((await storedEvents(knex)).map(e => e.source_event_id)).toEqual([
        `${TRACE_ID}${spanIdOf(1)}`,
        `${TRACE_ID}${spanIdOf(2)}`,
      ]);
    },
  );
});

describe('DatabaseTelemetryStore refuses what does not fit its columns', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  const event = (overrides: Partial<TelemetryEvent>): TelemetryEvent => ({
    source: 'otlp',
    sourceEventId: 'fits',
    occurredAt: new Date(BASE_MS),
    entityRef: null,
    joinKey: 'gpt-4o-mini',
    agentEntityRef: null,
    agentJoinKey: null,
    operation: 'chat',
    model: 'gpt-4o-mini',
    provider: 'openai',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    costSource: null,
    ttftMs: null,
    latencyMs: 10,
    ...overrides,
  });

  it.each(databases.eachSupportedId())(
    'refuses those events one by one and stores the rest, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      await expect(
        store.insertEvents([
          event({}),
          event({ sourceEventId: 'long-model', model: 'm'.repeat(256) }),
          event({ sourceEventId: 'nul', errorType: 'bad\u0000byte' }),
          event({ sourceEventId: 'long-provider', provider: 'p'.repeat(65) }),
        ]),
      ).resolves.toEqual({
        inserted: 1,
        duplicates: 0,
        refused: [
          {
            index: 1,
            message: expect.stringContaining("'model' \"mmmm"),
          },
          {
            index: 2,
            message: expect.stringContaining(
              '\'error_type\' "bad\\u0000byte" contains a NUL character',
            ),
          },
          {
            index: 3,
            message: expect.stringContaining(
              'is 65 characters long, more than the 64 allowed',
            ),
          },
        ],
      });
      expect(
        await knex('ai_platform_events').select('source_event_id'),
      ).toEqual([{ source_event_id: 'fits' }]);
    },
  );
});
