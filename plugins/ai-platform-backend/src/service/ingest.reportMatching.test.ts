import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { context, metrics, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import {
  BatchSpanProcessor,
  SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Agent, createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import { entitySubject } from '../database/telemetrySubject';

jest.setTimeout(60_000);

const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'llama-chat', namespace: 'default' },
    spec: { gateway: { model: 'llama-chat' } },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'support-bot', namespace: 'default' },
    spec: { gateway: { agentId: 'support-bot' } },
  },
];
const LITELLM_PATH = '/api/ai-platform/ingest/litellm';
const SERVICE = mockCredentials.service.header();

/** One call the OpenAI-compatible server answers. */
interface ModelCall {
  /** The response id; for a refused call, LiteLLM's own call id. */
  id: string;
  stream: boolean;
  input: number;
  output: number;
  /** Answered 429: the client sees no response id. */
  rateLimited?: boolean;
}

/** What the OpenAI-compatible server answers: ids and usage per call. */
const CALLS: ModelCall[] = [
  { id: 'chatcmpl-e2e-plain', stream: false, input: 57, output: 12 },
  { id: 'chatcmpl-e2e-stream', stream: true, input: 61, output: 9 },
];

/** A call the provider refuses (429): only the trace can match its reports. */
const RATE_LIMITED: ModelCall = {
  id: 'litellm-call-ratelimited',
  stream: false,
  input: 0,
  output: 0,
  rateLimited: true,
};
/** What the gateway bills per call (LiteLLM `response_cost`), USD. */
const GATEWAY_COST_USD = [0.000123, 0.000456];

/**
 * A minimal OpenAI-compatible server on loopback: the next answer of
 * {@link CALLS} per chat completion, as one JSON body or as SSE chunks
 * with a final usage chunk.
 */
async function startModelServer(
  calls: ModelCall[] = CALLS,
): Promise<{ server: Server; url: string }> {
  let next = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const call = calls[next++];
      if (call.rateLimited) {
        res.statusCode = 429;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            error: { message: 'Rate limit reached', type: 'rate_limit' },
          }),
        );
        return;
      }
      const usage = {
        prompt_tokens: call.input,
        completion_tokens: call.output,
        total_tokens: call.input + call.output,
      };
      const base = {
        id: call.id,
        created: Math.floor(Date.now() / 1000),
        model: 'meta-llama/Llama-3.1-8B-Instruct',
      };
      if (!call.stream) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [
              {
                index: 0,
                finish_reason: 'stop',
                message: { role: 'assistant', content: 'Done.' },
              },
            ],
            usage,
          }),
        );
        return;
      }
      res.setHeader('content-type', 'text/event-stream');
      const chunk = (body: object) =>
        res.write(
          `data: ${JSON.stringify({
            ...base,
            object: 'chat.completion.chunk',
            ...body,
          })}\n\n`,
        );
      chunk({
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Do' } }],
      });
      chunk({
        choices: [
          { index: 0, delta: { content: 'ne.' }, finish_reason: 'stop' },
        ],
      });
      chunk({ choices: [], usage });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/v1` };
}

/** See ingest.otelClient.test.ts: Jest cannot run the exporter's `import('http')`. */
function preloadHttpTransport<T extends SpanExporter>(exporter: T): T {
  const transport = (exporter as any)._delegate?._transport?._transport;
  if (!transport || !('_utils' in transport)) {
    throw new Error(
      'The OTLP exporter internals changed: cannot preload its HTTP transport',
    );
  }
  transport._utils = { agent: new Agent(), request: httpRequest };
  return exporter;
}

/**
 * One agent turn of an app that calls the model through the gateway with
 * the real `openai` client, instrumented by
 * `@opentelemetry/instrumentation-openai` (patched onto the module here:
 * Jest's module system bypasses the require hook). Returns what the
 * client saw per call, for the gateway's report of the same calls.
 */
async function runInstrumentedTurn(
  tracesUrl: string,
  modelUrl: string,
  calls: ModelCall[] = CALLS,
) {
  // The model spans find their agent span through the active context.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const provider = new TracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: preloadHttpTransport(
          new OTLPTraceExporter({
            url: tracesUrl,
            headers: { Authorization: SERVICE },
          }),
        ),
      }),
    ],
  });
  const instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(provider);
  // Its duration and token histograms (unused here) need a meter.
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const openaiModule = require('openai');
  const definitions = instrumentation.getModuleDefinitions();
  for (const definition of definitions) {
    definition.patch?.(openaiModule, openaiModule.VERSION);
  }
  const client = new openaiModule.OpenAI({
    baseURL: modelUrl,
    apiKey: 'test-key-not-a-secret',
    maxRetries: 0,
  });
  const tracer = provider.getTracer('support-bot');
  const agentSpan = tracer.startSpan('invoke_agent support-bot', {
    kind: SpanKind.INTERNAL,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'support-bot',
    },
  });
  const traceId = agentSpan.spanContext().traceId;
  const seen: Seen[] = [];
  try {
    await context.with(trace.setSpan(context.active(), agentSpan), async () => {
      for (const call of calls) {
        const startMs = Date.now();
        let id: string;
        if (call.rateLimited) {
          await expect(
            client.chat.completions.create({
              model: 'llama-chat',
              messages: [{ role: 'user', content: 'Reopen ticket 7.' }],
            }),
          ).rejects.toMatchObject({ status: 429 });
          id = call.id;
        } else if (call.stream) {
          const stream = await client.chat.completions.create({
            model: 'llama-chat',
            messages: [{ role: 'user', content: 'Close ticket 7.' }],
            stream: true,
            stream_options: { include_usage: true },
          });
          id = '';
          for await (const chunk of stream) {
            id = chunk.id;
          }
        } else {
          id = (
            await client.chat.completions.create({
              model: 'llama-chat',
              messages: [{ role: 'user', content: 'Summarize ticket 7.' }],
            })
          ).id;
        }
        seen.push({ id, startMs, endMs: Date.now(), traceId });
      }
    });
  } finally {
    agentSpan.end();
    for (const definition of definitions) {
      definition.unpatch?.(openaiModule, openaiModule.VERSION);
    }
    await provider.forceFlush();
    await provider.shutdown();
    context.disable();
  }
  return seen;
}

/** What the client saw of a call, in the trace of its agent turn. */
interface Seen {
  id: string;
  startMs: number;
  endMs: number;
  traceId: string;
}

/** What LiteLLM's `generic_api` callback posts for the calls. */
function gatewayPayloads(seen: Seen[], calls: ModelCall[] = CALLS) {
  return seen.map(({ id, startMs, endMs }, index) => ({
    id,
    call_type: 'acompletion',
    stream: calls[index].stream,
    status: 'success',
    model: 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct',
    model_group: 'llama-chat',
    custom_llm_provider: 'hosted_vllm',
    prompt_tokens: calls[index].input,
    completion_tokens: calls[index].output,
    response_cost: GATEWAY_COST_USD[index] ?? 0,
    // The client's own clock readings: a loopback call can take under 3 ms,
    // so shifting the gateway's times inward could put its end before its
    // start (a refused event; seen in CI).
    startTime: startMs / 1000,
    completionStartTime: endMs / 1000,
    endTime: endMs / 1000,
  }));
}

describe('one call reported by the gateway and by the app (HTTP ingest)', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'counts each call once: gateway tokens and cost, the span’s agent, %p',
    async databaseId => {
      const { server, knex, store } = await startIngestTestBackend(
        databases,
        databaseId,
        { entities: ENTITIES, permission: AuthorizeResult.ALLOW },
      );
      const model = await startModelServer();
      try {
        const { port } = server.address() as AddressInfo;
        const seen = await runInstrumentedTurn(
          `http://localhost:${port}/api/ai-platform/v1/traces`,
          model.url,
        );
        expect(seen.map(call => call.id)).toEqual(CALLS.map(call => call.id));
        const spans = await knex('ai_platform_events').where('source', 'otlp');
        expect(spans.map(row => row.match_key).sort()).toEqual(
          CALLS.map(call => call.id).sort(),
        );

        const payloads = gatewayPayloads(seen);
        const first = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(payloads);
        expect(first.status).toBe(200);
        expect(first.body).toEqual({
          accepted: 2,
          duplicates: 0,
          merged: 2,
          rejected: [],
        });
        // The gateway re-sends (a retry of its batch): nothing changes.
        const again = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(payloads);
        expect(again.body).toEqual({
          accepted: 0,
          duplicates: 2,
          merged: 0,
          rejected: [],
        });

        const window = {
          from: new Date(Date.now() - 2 * 60 * 60 * 1000),
          to: new Date(Date.now() + 60 * 60 * 1000),
        };
        for (const ref of [
          'modelendpoint:default/llama-chat',
          'agent:default/support-bot',
        ]) {
          const usage = await store.getUsage({
            subject: entitySubject(ref),
            ...window,
          });
          expect(usage).toMatchObject({
            requests: 2,
            errors: 0,
            inputTokens: 118,
            outputTokens: 21,
          });
          expect(usage.costUsd).toBeCloseTo(0.000579, 12);
        }
        // Both raw reports are kept; each gateway report points at its span.
        const merged = await knex('ai_platform_events').whereNotNull(
          'merged_into_event_id',
        );
        expect(merged.map(row => row.source)).toEqual(['litellm', 'litellm']);
        expect(merged.map(row => row.merged_into_event_id).sort()).toEqual(
          spans.map(row => row.id).sort(),
        );
      } finally {
        await new Promise(resolve => model.server.close(resolve));
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'matches a refused call without a response id by the caller trace, across a clock skew, %p',
    async databaseId => {
      const { server, knex, store } = await startIngestTestBackend(
        databases,
        databaseId,
        { entities: ENTITIES, permission: AuthorizeResult.ALLOW },
      );
      const calls = [...CALLS, RATE_LIMITED];
      const model = await startModelServer(calls);
      try {
        const { port } = server.address() as AddressInfo;
        const seen = await runInstrumentedTurn(
          `http://localhost:${port}/api/ai-platform/v1/traces`,
          model.url,
          calls,
        );
        const refusedSpan = await knex('ai_platform_events')
          .where({ source: 'otlp', status: 'error' })
          .first();
        expect(refusedSpan).toMatchObject({
          match_key: null,
          trace_id: seen[2].traceId,
        });

        // The app passes its trace id as `litellm_trace_id`; the gateway's
        // clock is 10 s ahead, beyond the 5 s of the fallback.
        const payloads = gatewayPayloads(seen, calls).map((payload, index) =>
          index < CALLS.length
            ? { ...payload, trace_id: seen[index].traceId }
            : {
                ...payload,
                trace_id: seen[index].traceId,
                status: 'failure',
                error_information: { error_class: 'RateLimitError' },
                startTime: payload.startTime + 10,
                completionStartTime: payload.completionStartTime + 10,
                endTime: payload.endTime + 10,
              },
        );
        const response = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(payloads);
        expect(response.body).toEqual({
          accepted: 3,
          duplicates: 0,
          merged: 3,
          rejected: [],
        });
        const usage = await store.getUsage({
          subject: entitySubject('agent:default/support-bot'),
          from: new Date(Date.now() - 2 * 60 * 60 * 1000),
          to: new Date(Date.now() + 60 * 60 * 1000),
        });
        expect(usage).toMatchObject({
          requests: 3,
          errors: 1,
          inputTokens: 118,
          outputTokens: 21,
        });
      } finally {
        await new Promise(resolve => model.server.close(resolve));
      }
    },
  );
});
