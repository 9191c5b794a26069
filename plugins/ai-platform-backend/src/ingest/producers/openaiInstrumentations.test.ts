import { TestDatabases } from '@backstage/backend-test-utils';
import { OpenAIInstrumentation as OpenInferenceOpenAI } from '@arizeai/openinference-instrumentation-openai';
import { context, metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OpenAIInstrumentation as OpenLLMetryOpenAI } from '@traceloop/instrumentation-openai';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../../__testUtils__/ingestTestBackend';
import {
  BROKEN_MODEL,
  CHAT_USAGE,
  exportingTracerProvider,
  ExportFormat,
  SERVED_MODEL,
  startModelServer,
  StoredCall,
  storedCalls,
} from './__testUtils__/producerKit';

jest.setTimeout(60_000);

/** An OpenAI instrumentation as both packages shape it. */
interface Instrumentation {
  setTracerProvider(provider: unknown): void;
  setMeterProvider?(provider: unknown): void;
  patch(module: unknown, version?: string): unknown;
  unpatch(module: unknown, version?: string): void;
}

interface Producer {
  name: string;
  format: ExportFormat;
  create: () => Instrumentation;
  /** The attributes of the wrapper span the app opens around its calls. */
  wrapper: Record<string, string | number>;
  /** The attributes of a tool span the app opens between the calls. */
  tool: Record<string, string>;
  /** Spans exported for the session: wrapper, tool, the calls that end. */
  spanCount: number;
  expected: Array<Partial<StoredCall>>;
}

const PRODUCERS: Producer[] = [
  {
    // OpenLLMetry's SDK (`@traceloop/node-server-sdk`, not installed here)
    // opens `withWorkflow` / `withTool` spans with `traceloop.span.kind`;
    // the app makes them by hand with the same attributes.
    name: 'OpenLLMetry @traceloop/instrumentation-openai 0.27',
    format: 'protobuf',
    create: () => new OpenLLMetryOpenAI() as unknown as Instrumentation,
    wrapper: {
      'traceloop.span.kind': 'workflow',
      'traceloop.entity.name': 'close-ticket',
    },
    tool: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search' },
    spanCount: 4,
    expected: [
      {
        operation: 'chat',
        joinKey: 'llama-chat',
        model: SERVED_MODEL,
        status: 'ok',
        streamed: false,
        inputTokens: CHAT_USAGE.input,
        outputTokens: CHAT_USAGE.output,
        ttftMs: null,
      },
      // 0.27 reads no usage from a stream's final usage chunk (only with
      // `enrichTokens`, by counting tokens itself) and sets no stream flag.
      {
        operation: 'chat',
        joinKey: 'llama-chat',
        model: SERVED_MODEL,
        status: 'ok',
        streamed: false,
        inputTokens: 0,
        outputTokens: 0,
        ttftMs: null,
      },
    ],
  },
  {
    // OpenInference agent frameworks open AGENT spans carrying the sum of
    // their calls' tokens, and TOOL spans; the app makes them by hand.
    name: 'OpenInference @arizeai/openinference-instrumentation-openai 4.2',
    format: 'json',
    create: () => new OpenInferenceOpenAI() as unknown as Instrumentation,
    wrapper: {
      'openinference.span.kind': 'AGENT',
      'llm.token_count.prompt': 2 * CHAT_USAGE.input,
      'llm.token_count.completion': 2 * CHAT_USAGE.output,
    },
    tool: { 'openinference.span.kind': 'TOOL', 'tool.name': 'search' },
    spanCount: 5,
    expected: [
      // The request model comes from `llm.invocation_parameters`,
      // `llm.model_name` is the one that answered.
      {
        operation: 'chat',
        joinKey: 'llama-chat',
        model: SERVED_MODEL,
        status: 'ok',
        streamed: false,
        inputTokens: CHAT_USAGE.input,
        outputTokens: CHAT_USAGE.output,
        ttftMs: null,
      },
      // 4.2 records no usage for streams; the stream flag comes from the
      // invocation parameters.
      {
        operation: 'chat',
        joinKey: 'llama-chat',
        model: 'llama-chat',
        status: 'ok',
        streamed: true,
        inputTokens: 0,
        outputTokens: 0,
        ttftMs: null,
      },
      // Embedding spans name `embedding.model_name` and carry no tokens.
      {
        operation: 'embeddings',
        joinKey: 'embedder',
        model: 'embedder',
        status: 'ok',
        streamed: false,
        inputTokens: 0,
        outputTokens: 0,
        ttftMs: null,
      },
    ],
  },
];

/**
 * One app session with the real `openai` client instrumented by `producer`
 * (patched onto the module: Jest's module system bypasses the require
 * hook): inside a wrapper span, a chat completion, a tool span, a streamed
 * completion, an embedding and a completion the server fails.
 */
async function runSession(producer: Producer, modelUrl: string, provider: any) {
  const instrumentation = producer.create();
  instrumentation.setTracerProvider(provider);
  instrumentation.setMeterProvider?.(metrics.getMeterProvider());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const openaiModule = require('openai');
  instrumentation.patch(openaiModule, openaiModule.VERSION);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracer = provider.getTracer('instrumented-app');
  const client = new openaiModule.OpenAI({
    baseURL: modelUrl,
    apiKey: 'test-key-not-a-secret',
    maxRetries: 0,
  });
  const wrapper = tracer.startSpan('close-ticket', {
    attributes: producer.wrapper,
  });
  try {
    await context.with(trace.setSpan(context.active(), wrapper), async () => {
      await client.chat.completions.create({
        model: 'llama-chat',
        messages: [{ role: 'user', content: 'Summarize ticket 7.' }],
      });
      const tool = tracer.startSpan('search', { attributes: producer.tool });
      tool.setStatus({ code: SpanStatusCode.ERROR, message: 'not found' });
      tool.end();
      const stream = await client.chat.completions.create({
        model: 'llama-chat',
        messages: [{ role: 'user', content: 'Close ticket 7.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _chunk of stream) {
        // drained
      }
      await client.embeddings.create({
        model: 'embedder',
        input: ['ticket 7', 'ticket 8'],
      });
      await expect(
        client.chat.completions.create({
          model: BROKEN_MODEL,
          messages: [{ role: 'user', content: 'Fail.' }],
        }),
      ).rejects.toThrow('model crashed');
    });
  } finally {
    wrapper.end();
    instrumentation.unpatch(openaiModule, openaiModule.VERSION);
    context.disable();
  }
}

describe('OpenAI instrumentations exporting over OTLP', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'count each exported model call once with its tokens, never the wrapper or tool, %p',
    async databaseId => {
      const { server, knex } = await startIngestTestBackend(
        databases,
        databaseId,
      );
      const model = await startModelServer();
      try {
        for (const producer of PRODUCERS) {
          await knex('ai_platform_events').delete();
          const { provider, sent } = exportingTracerProvider(
            server,
            producer.format,
          );
          await runSession(producer, model.url, provider);
          await provider.forceFlush();
          const spans = sent();
          await provider.shutdown();
          // Neither instrumentation ends the span of a call whose promise
          // rejects (HTTP 500), so the failed call is never exported and
          // cannot be counted: a gap of the producer, asserted here so a
          // fixed release shows up.
          expect(spans).toHaveLength(producer.spanCount);
          expect(
            spans.filter(span => JSON.stringify(span.attributes).includes(BROKEN_MODEL)),
          ).toEqual([]);
          const calls = await storedCalls(knex);
          expect(
            calls.map(({ spanId: _id, errorType: _e, costUsd: _c, ...call }) => call),
          ).toEqual(producer.expected);
        }
      } finally {
        await model.close();
      }
    },
  );
});
