import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../../__testUtils__/ingestTestBackend';
import { storedCalls } from './__testUtils__/producerKit';

jest.setTimeout(60_000);

/*
 * Python producers (pydantic-ai / logfire, the Python OTel SDK's OTLP JSON
 * encoder, OpenLLMetry and OpenInference for Python) cannot be installed
 * here (no Python runtime in the test), so their OTLP JSON is written by
 * hand in the shapes they send: `intValue` as a JSON string, `kind` and
 * `status.code` as enum names, pydantic-ai's `gen_ai.aggregated_usage.*`
 * on the agent span and `operation.cost` on each call, both
 * `gen_ai.provider.name` and the deprecated `gen_ai.system`, TTFT as
 * `gen_ai.response.time_to_first_chunk` in seconds. It is posted to the
 * real route as the Python exporter would.
 */

const TRACES_PATH = '/api/ai-platform/v1/traces';
const SERVICE = mockCredentials.service.header();
const NOW_MS = Date.now() - 60_000;

type Value = string | number | boolean;
/** One value as the Python OTLP JSON encoder writes it: ints as strings. */
function anyValue(value: Value) {
  if (typeof value === 'string') {
    return { stringValue: value };
  }
  if (typeof value === 'boolean') {
    return { boolValue: value };
  }
  return Number.isInteger(value)
    ? { intValue: String(value) }
    : { doubleValue: value };
}

function attributes(values: Record<string, Value>) {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value: anyValue(value),
  }));
}

const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const id = (n: number) => n.toString(16).padStart(16, '0');

function span(
  traceId: string,
  n: number,
  parent: number | null,
  name: string,
  values: Record<string, Value>,
  options: {
    kind?: string;
    status?: string;
    statusMessage?: string;
    startMs?: number;
    ms?: number;
  } = {},
) {
  const startMs = NOW_MS + (options.startMs ?? n * 10);
  return {
    traceId,
    spanId: id(n),
    ...(parent === null ? {} : { parentSpanId: id(parent) }),
    name,
    kind: options.kind ?? 'SPAN_KIND_INTERNAL',
    startTimeUnixNano: nanos(startMs),
    endTimeUnixNano: nanos(startMs + (options.ms ?? 5)),
    attributes: attributes(values),
    status: {
      code: options.status ?? 'STATUS_CODE_UNSET',
      ...(options.statusMessage ? { message: options.statusMessage } : {}),
    },
  };
}

function exportRequest(spans: object[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': 'py-agent' }) },
        scopeSpans: [{ scope: { name: 'pydantic-ai' }, spans }],
      },
    ],
  };
}

const RUN_TRACE = 'a1'.repeat(16);
const ALONE_TRACE = 'b2'.repeat(16);
const BAD_TRACE = 'c3'.repeat(16);

/** A pydantic-ai agent run: the agent span (aggregate) and 3 model calls. */
const AGENT_RUN = [
  span(
    RUN_TRACE,
    1,
    null,
    'invoke_agent support_bot',
    {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support_bot',
      'gen_ai.aggregated_usage.input_tokens': 130,
      'gen_ai.aggregated_usage.output_tokens': 21,
      'operation.cost': 0.0009,
    },
    { startMs: 0, ms: 500 },
  ),
  span(
    RUN_TRACE,
    2,
    1,
    'chat gpt-4o-mini',
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 60,
      'gen_ai.usage.output_tokens': 12,
      'operation.cost': 0.0004,
    },
    { kind: 'SPAN_KIND_CLIENT', startMs: 10 },
  ),
  span(
    RUN_TRACE,
    3,
    1,
    'chat gpt-4o-mini',
    {
      'gen_ai.operation.name': 'chat',
      // Older instrumentations send only the deprecated name.
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 70,
      'gen_ai.usage.output_tokens': 9,
      'gen_ai.response.time_to_first_chunk': 0.25,
      'operation.cost': 0.0005,
    },
    { kind: 'SPAN_KIND_CLIENT', startMs: 100 },
  ),
  span(
    RUN_TRACE,
    4,
    1,
    'chat gpt-4o-mini',
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
    },
    {
      kind: 'SPAN_KIND_CLIENT',
      // Only the status (by name) says it failed.
      status: 'STATUS_CODE_ERROR',
      statusMessage: 'Rate limit reached',
      startMs: 400,
    },
  ),
  // A tool call of the run: never a model call.
  span(
    RUN_TRACE,
    5,
    1,
    'execute_tool lookup_order',
    { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order' },
    { startMs: 300 },
  ),
];

/**
 * An older pydantic-ai "agent run" span alone in its batch (its model
 * calls were not exported): the only report of the run's usage, counted
 * once there.
 */
const AGENT_ALONE = [
  span(ALONE_TRACE, 1, null, 'agent run', {
    agent_name: 'support_bot',
    model_name: 'gpt-4o-mini',
    'gen_ai.system': 'openai',
    'gen_ai.usage.input_tokens': 300,
    'gen_ai.usage.output_tokens': 40,
  }),
];

describe('Python-side OTLP shapes (hand-written, see above)', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'counts each model call once, the aggregate only when alone, and reports malformed spans, %p',
    async databaseId => {
      const { server, knex } = await startIngestTestBackend(
        databases,
        databaseId,
      );
      const post = (body: object) =>
        request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(body);

      const run = await post(exportRequest(AGENT_RUN));
      expect(run.status).toBe(200);
      expect(run.body).toEqual({});
      const runCalls = await storedCalls(knex);
      expect(runCalls).toEqual([
        {
          spanId: id(2),
          operation: 'chat',
          joinKey: 'gpt-4o-mini',
          model: 'gpt-4o-mini-2024-07-18',
          status: 'ok',
          errorType: null,
          streamed: false,
          inputTokens: 60,
          outputTokens: 12,
          costUsd: 0.0004,
          ttftMs: null,
        },
        {
          spanId: id(3),
          operation: 'chat',
          joinKey: 'gpt-4o-mini',
          model: 'gpt-4o-mini',
          status: 'ok',
          errorType: null,
          streamed: true,
          inputTokens: 70,
          outputTokens: 9,
          costUsd: 0.0005,
          ttftMs: 250,
        },
        {
          spanId: id(4),
          operation: 'chat',
          joinKey: 'gpt-4o-mini',
          model: 'gpt-4o-mini',
          status: 'error',
          errorType: 'Rate limit reached',
          streamed: false,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          ttftMs: null,
        },
      ]);
      const providers = await knex('ai_platform_events')
        .where('source', 'otlp')
        .orderBy('occurred_at')
        .pluck('provider');
      expect(providers).toEqual(['openai', 'openai', 'openai']);

      // Re-sent (an exporter retry): nothing changes.
      expect((await post(exportRequest(AGENT_RUN))).status).toBe(200);
      expect(await storedCalls(knex)).toHaveLength(3);

      await knex('ai_platform_events').delete();
      const alone = await post(exportRequest(AGENT_ALONE));
      expect(alone.body).toEqual({});
      expect(await storedCalls(knex)).toEqual([
        expect.objectContaining({
          spanId: id(1),
          operation: 'chat',
          joinKey: 'gpt-4o-mini',
          inputTokens: 300,
          outputTokens: 40,
        }),
      ]);

      await knex('ai_platform_events').delete();
      const bad = await post(
        exportRequest([
          span(BAD_TRACE, 1, null, 'chat gpt-4o-mini', {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 'twelve',
          }),
          span(BAD_TRACE, 2, null, 'chat gpt-4o-mini', {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 8,
            'operation.cost': -1,
          }),
          span(BAD_TRACE, 3, null, 'chat gpt-4o-mini', {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 8,
          }),
          // An aggregate with usage but no model, alone: cannot be a call.
          span('d4'.repeat(16), 1, null, 'invoke_agent x', {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.aggregated_usage.input_tokens': 5,
          }),
        ]),
      );
      expect(bad.status).toBe(200);
      expect(bad.body.partialSuccess.rejectedSpans).toBe('3');
      const message: string = bad.body.partialSuccess.errorMessage;
      expect(message).toContain(
        "attribute 'gen_ai.usage.input_tokens' must be a non-negative integer, got \"twelve\"",
      );
      expect(message).toContain(
        "attribute 'operation.cost' must be a non-negative number of USD, got -1",
      );
      expect(message).toContain("GenAI 'chat' span has no model");
      expect(await storedCalls(knex)).toEqual([
        expect.objectContaining({ spanId: id(3), inputTokens: 8 }),
      ]);
    },
  );
});
