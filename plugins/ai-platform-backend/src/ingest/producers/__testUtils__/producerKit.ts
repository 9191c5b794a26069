import { mockCredentials } from '@backstage/backend-test-utils';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
  SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Knex } from 'knex';
import { Agent, createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** Usage the local model server answers per chat completion. */
export const CHAT_USAGE = { input: 11, output: 7 };
/** Input tokens the local model server counts per embedded input. */
export const EMBEDDING_TOKENS_PER_INPUT = 5;
/** The model the server fails with HTTP 500 for. */
export const BROKEN_MODEL = 'broken-model';
/** The model the server says answered (its `model` field). */
export const SERVED_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

/**
 * A minimal OpenAI-compatible server on loopback (no hosted provider):
 * `/chat/completions` as one JSON body or SSE chunks (the first after
 * 30 ms, then a final usage chunk), `/embeddings`, and HTTP 500 for
 * {@link BROKEN_MODEL}.
 */
export async function startModelServer(): Promise<{
  server: Server;
  url: string;
  close: () => Promise<void>;
}> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const parsed = JSON.parse(body || '{}');
      res.setHeader('content-type', 'application/json');
      if (parsed.model === BROKEN_MODEL) {
        res.statusCode = 500;
        res.end(
          JSON.stringify({
            error: { message: 'model crashed', type: 'server_error' },
          }),
        );
        return;
      }
      if (req.url?.endsWith('/embeddings')) {
        const inputs = Array.isArray(parsed.input) ? parsed.input.length : 1;
        const tokens = EMBEDDING_TOKENS_PER_INPUT * inputs;
        res.end(
          JSON.stringify({
            object: 'list',
            model: parsed.model,
            data: Array.from({ length: inputs }, (_, index) => ({
              object: 'embedding',
              index,
              embedding: [0.1, 0.2, 0.3],
            })),
            usage: { prompt_tokens: tokens, total_tokens: tokens },
          }),
        );
        return;
      }
      const usage = {
        prompt_tokens: CHAT_USAGE.input,
        completion_tokens: CHAT_USAGE.output,
        total_tokens: CHAT_USAGE.input + CHAT_USAGE.output,
      };
      const base = {
        id: `chatcmpl-${Math.random().toString(16).slice(2)}`,
        created: Math.floor(Date.now() / 1000),
        model: SERVED_MODEL,
      };
      if (!parsed.stream) {
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
      const chunk = (fields: object) =>
        res.write(
          `data: ${JSON.stringify({
            ...base,
            object: 'chat.completion.chunk',
            ...fields,
          })}\n\n`,
        );
      setTimeout(() => {
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
      }, 30);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
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

/** The OTLP/HTTP encodings of the real exporters. */
export type ExportFormat = 'json' | 'protobuf';

/**
 * A tracer provider exporting with the real OTLP exporter (JSON:
 * `exporter-trace-otlp-http`, protobuf: `exporter-trace-otlp-proto`)
 * through a batch processor to the backend's `/v1/traces`, and keeping a
 * copy of every finished span (what was sent).
 */
export function exportingTracerProvider(
  backend: Server,
  format: ExportFormat,
): { provider: TracerProvider; sent: () => ReadableSpan[] } {
  const { port } = backend.address() as AddressInfo;
  const options = {
    url: `http://localhost:${port}/api/ai-platform/v1/traces`,
    headers: { Authorization: mockCredentials.service.header() },
  };
  const exporter = preloadHttpTransport(
    format === 'json'
      ? new OTLPJsonExporter(options)
      : new OTLPProtoExporter(options),
  );
  const copy = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({ exporter }),
      new SimpleSpanProcessor({ exporter: copy }),
    ],
  });
  return { provider, sent: () => copy.getFinishedSpans() };
}

/** A stored OTLP event, as the assertions compare it. */
export interface StoredCall {
  spanId: string;
  operation: string;
  joinKey: string;
  model: string | null;
  status: string;
  errorType: string | null;
  streamed: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  ttftMs: number | null;
}

/** The OTLP events stored, oldest first. */
export async function storedCalls(knex: Knex): Promise<StoredCall[]> {
  const rows = await knex('ai_platform_events')
    .where('source', 'otlp')
    .orderBy([
      { column: 'occurred_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
  return rows.map(row => ({
    spanId: String(row.source_event_id).slice(32),
    operation: row.operation,
    joinKey: row.join_key,
    model: row.model,
    status: row.status,
    errorType: row.error_type,
    streamed: Boolean(row.streamed),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: Number(row.cost_usd),
    ttftMs: row.ttft_ms === null ? null : Number(row.ttft_ms),
  }));
}
