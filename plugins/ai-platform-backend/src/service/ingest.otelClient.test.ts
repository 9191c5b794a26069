import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  ReadableSpan,
  SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Agent, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  CATALOG_ONLY_TOKEN,
  INGEST_TOKEN,
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

/**
 * The OTLP exporters load `http` with a dynamic `import()`, which Jest
 * cannot run without `--experimental-vm-modules`. This hands the exporter's
 * HTTP transport the same `http` functions up front; serialization, headers,
 * the request and the response handling stay the exporter's own.
 */
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

/** `ExportResultCode` of `@opentelemetry/core`. */
const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;

/** Wraps an exporter to remember whether every export succeeded. */
class RecordingExporter implements SpanExporter {
  readonly results: number[] = [];
  constructor(private readonly inner: SpanExporter) {}
  export(
    spans: ReadableSpan[],
    done: Parameters<SpanExporter['export']>[1],
  ): void {
    this.inner.export(spans, result => {
      this.results.push(result.code);
      done(result);
    });
  }
  shutdown() {
    return this.inner.shutdown();
  }
  forceFlush() {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * Sends what an instrumented app sends for one agent turn: an invoke_agent
 * span and three streamed chat calls below it (one failing), through the
 * real OpenTelemetry SDK (default batch processor) and OTLP exporter.
 */
async function sendAgentTurn(exporter: SpanExporter) {
  const recording = new RecordingExporter(exporter);
  const provider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter: recording })],
  });
  const tracer = provider.getTracer('support-bot');
  const start = Date.now() - 60_000;
  const agentSpan = tracer.startSpan('invoke_agent support-bot', {
    kind: SpanKind.INTERNAL,
    startTime: start,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support-bot',
    },
  });
  const parent = trace.setSpan(context.active(), agentSpan);
  for (const [index, tokens] of [
    [0, 100],
    [1, 200],
    [2, 300],
  ]) {
    const span = tracer.startSpan(
      'chat llama-chat',
      {
        kind: SpanKind.CLIENT,
        startTime: start + index * 1000,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'llama-chat',
          'gen_ai.usage.prompt_tokens': tokens,
          'gen_ai.usage.completion_tokens': tokens / 10,
          'gen_ai.request.stream': true,
          'gen_ai.response.time_to_first_chunk': 0.25,
          ...(index === 2 ? { 'error.type': 'timeout' } : {}),
        },
      },
      parent,
    );
    span.end(start + index * 1000 + 800);
  }
  agentSpan.end(start + 3000);
  // A failed export rejects the flush; the recorded result tells the test.
  await provider.forceFlush().catch(() => {});
  await provider.shutdown().catch(() => {});
  return recording.results;
}

function tracesUrl(server: Server) {
  const { port } = server.address() as AddressInfo;
  return `http://localhost:${port}/api/ai-platform/v1/traces`;
}

describe('OpenTelemetry SDK → OTLP ingest', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'accepts the OTLP/HTTP JSON exporter with an external access static token, %p',
    async databaseId => {
      const { server, knex, store } = await startIngestTestBackend(
        databases,
        databaseId,
        { entities: ENTITIES, ingestToken: true },
      );

      const wrongToken = await sendAgentTurn(
        preloadHttpTransport(
          new OTLPHttpJsonTraceExporter({
            url: tracesUrl(server),
            headers: { Authorization: 'Bearer not-the-ingest-token' },
          }),
        ),
      );
      expect(wrongToken).toEqual([ExportResultCode.FAILED]);
      const otherPluginsToken = await sendAgentTurn(
        preloadHttpTransport(
          new OTLPHttpJsonTraceExporter({
            url: tracesUrl(server),
            headers: { Authorization: `Bearer ${CATALOG_ONLY_TOKEN}` },
          }),
        ),
      );
      expect(otherPluginsToken).toEqual([ExportResultCode.FAILED]);
      expect(await knex('ai_platform_events')).toEqual([]);

      const results = await sendAgentTurn(
        preloadHttpTransport(
          new OTLPHttpJsonTraceExporter({
            url: tracesUrl(server),
            headers: { Authorization: `Bearer ${INGEST_TOKEN}` },
          }),
        ),
      );
      expect(results).toEqual([ExportResultCode.SUCCESS]);

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
          requests: 3,
          errors: 1,
          inputTokens: 600,
          outputTokens: 60,
          ttftMs: { count: 2 },
          latencyMs: { count: 2 },
        });
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'accepts the OTLP/HTTP protobuf exporter; the usage API shows the calls, %p',
    async databaseId => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        entities: ENTITIES,
        permission: AuthorizeResult.ALLOW,
      });

      const results = await sendAgentTurn(
        preloadHttpTransport(
          new OTLPProtobufTraceExporter({
            url: tracesUrl(server),
            headers: { Authorization: mockCredentials.service.header() },
          }),
        ),
      );
      expect(results).toEqual([ExportResultCode.SUCCESS]);

      const response = await request(server)
        .get(
          '/api/ai-platform/usage/by-entity/modelendpoint/default/llama-chat',
        )
        .query({
          from: new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString(),
          to: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
        })
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        requests: 3,
        errors: 1,
        errorRatePercent: expect.closeTo(33.33, 1),
        inputTokens: 600,
        outputTokens: 60,
        ttftMs: { count: 2 },
      });
      expect(
        Math.abs(response.body.ttftMs.p95 - 250) / 250,
      ).toBeLessThanOrEqual(0.01);
      expect(
        Math.abs(response.body.latencyMs.p95 - 800) / 800,
      ).toBeLessThanOrEqual(0.01);
    },
  );
});
