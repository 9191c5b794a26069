import { TestDatabases } from '@backstage/backend-test-utils';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { ReadableSpan } from '@opentelemetry/sdk-trace';
import { embed, embedMany, generateText, streamText } from 'ai';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../../__testUtils__/ingestTestBackend';
import {
  BROKEN_MODEL,
  CHAT_USAGE,
  EMBEDDING_TOKENS_PER_INPUT,
  exportingTracerProvider,
  ExportFormat,
  startModelServer,
  storedCalls,
} from './__testUtils__/producerKit';

jest.setTimeout(60_000);

type Mode = 'legacy ai.* (LegacyOpenTelemetry)' | 'GenAI semconv (OpenTelemetry)';

/**
 * One app session with the real Vercel AI SDK (`ai` 7, provider
 * `@ai-sdk/openai-compatible`, telemetry through `@ai-sdk/otel` in either
 * mode) against the local OpenAI-compatible server: generateText,
 * streamText, embed, embedMany of 2 values, and a generateText the server
 * fails (HTTP 500, no retry).
 */
async function runSession(modelUrl: string, mode: Mode, provider: any) {
  const tracer = provider.getTracer('vercel-ai-app');
  const integration = mode.startsWith('legacy')
    ? new LegacyOpenTelemetry({ tracer })
    : new OpenTelemetry({ tracer });
  const telemetry = { isEnabled: true, integrations: [integration] };
  const vllm = createOpenAICompatible({
    name: 'vllm',
    baseURL: modelUrl,
    apiKey: 'test-key-not-a-secret',
    includeUsage: true,
  });
  await generateText({
    model: vllm.chatModel('llama-chat'),
    prompt: 'Summarize ticket 7.',
    telemetry,
  });
  const stream = streamText({
    model: vllm.chatModel('llama-chat'),
    prompt: 'Close ticket 7.',
    telemetry,
  });
  await stream.text;
  await embed({
    model: vllm.embeddingModel('embedder'),
    value: 'ticket 7',
    telemetry,
  });
  await embedMany({
    model: vllm.embeddingModel('embedder'),
    values: ['ticket 7', 'ticket 8'],
    telemetry,
  });
  await expect(
    generateText({
      model: vllm.chatModel(BROKEN_MODEL),
      prompt: 'Fail.',
      maxRetries: 0,
      telemetry,
    }),
  ).rejects.toThrow('model crashed');
}

/** The TTFT the SDK put on the streamed call's span, in ms. */
function sentTtftMs(spans: ReadableSpan[]): number {
  for (const span of spans) {
    const ms = span.attributes['ai.response.msToFirstChunk'];
    if (typeof ms === 'number') {
      return ms;
    }
    const seconds =
      span.attributes['gen_ai.client.operation.time_to_first_chunk'];
    if (typeof seconds === 'number') {
      return seconds * 1000;
    }
  }
  throw new Error('the SDK sent no TTFT attribute');
}

const MODES: Array<[Mode, ExportFormat, number]> = [
  // mode, encoding, spans the SDK exports for the session
  ['legacy ai.* (LegacyOpenTelemetry)', 'json', 10],
  ['GenAI semconv (OpenTelemetry)', 'protobuf', 13],
];

describe('Vercel AI SDK spans exported over OTLP', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'counts each model call once with its tokens, errors and TTFT, %p',
    async databaseId => {
      const { server, knex } = await startIngestTestBackend(
        databases,
        databaseId,
      );
      const model = await startModelServer();
      try {
        for (const [mode, format, spanCount] of MODES) {
          await knex('ai_platform_events').delete();
          const { provider, sent } = exportingTracerProvider(server, format);
          await runSession(model.url, mode, provider);
          await provider.forceFlush();
          const spans = sent();
          await provider.shutdown();
          // Wrappers (ai.generateText, invoke_agent, agent_step, the outer
          // embeddings span) were sent but add no call.
          expect(spans).toHaveLength(spanCount);
          const calls = await storedCalls(knex);
          const ttftMs = sentTtftMs(spans);
          expect(ttftMs).toBeGreaterThan(0);
          expect(
            calls.map(call => ({
              operation: call.operation,
              joinKey: call.joinKey,
              status: call.status,
              errorType: call.errorType,
              streamed: call.streamed,
              inputTokens: call.inputTokens,
              outputTokens: call.outputTokens,
            })),
          ).toEqual([
            {
              operation: 'chat',
              joinKey: 'llama-chat',
              status: 'ok',
              errorType: null,
              streamed: false,
              inputTokens: CHAT_USAGE.input,
              outputTokens: CHAT_USAGE.output,
            },
            {
              operation: 'chat',
              joinKey: 'llama-chat',
              status: 'ok',
              errorType: null,
              streamed: true,
              inputTokens: CHAT_USAGE.input,
              outputTokens: CHAT_USAGE.output,
            },
            {
              operation: 'embeddings',
              joinKey: 'embedder',
              status: 'ok',
              errorType: null,
              streamed: false,
              inputTokens: EMBEDDING_TOKENS_PER_INPUT,
              outputTokens: 0,
            },
            {
              operation: 'embeddings',
              joinKey: 'embedder',
              status: 'ok',
              errorType: null,
              streamed: false,
              inputTokens: 2 * EMBEDDING_TOKENS_PER_INPUT,
              outputTokens: 0,
            },
            {
              operation: 'chat',
              joinKey: BROKEN_MODEL,
              status: 'error',
              errorType: 'model crashed',
              streamed: false,
              inputTokens: 0,
              outputTokens: 0,
            },
          ]);
          expect(calls.map(call => call.ttftMs)).toEqual([
            null,
            expect.any(Number),
            null,
            null,
            null,
          ]);
          expect(calls[1].ttftMs).toBeCloseTo(ttftMs, 6);
        }
      } finally {
        await model.close();
      }
    },
  );
});
