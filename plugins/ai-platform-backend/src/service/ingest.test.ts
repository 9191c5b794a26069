import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  JsonTraceSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import {
  InMemorySpanExporter,
  ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  IngestTestBackendOptions,
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import otlpFixture from '../ingest/__fixtures__/otlp-agent-streamed-chat.json';
import litellmFixture from '../ingest/__fixtures__/litellm-standard-logging-payloads.json';

jest.setTimeout(60_000);

const TRACES_PATH = '/api/ai-platform/v1/traces';
const LITELLM_PATH = '/api/ai-platform/ingest/litellm';
const WINDOW = { from: '2026-09-20T00:00:00Z', to: '2026-09-21T00:00:00Z' };
const ENDPOINT_REF = 'modelendpoint:default/gpt-4o-mini';
const AGENT_REF = 'agent:default/checkout-agent';

/** Catalog: the gateway alias `gpt-4o-mini` and the agent id `agt_01J9`. */
const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/payments',
      model: { name: 'gpt-4o-mini' },
      serving: { mode: 'managed', provider: 'openai' },
      gateway: { model: 'gpt-4o-mini' },
    },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'group:default/payments',
      models: ['modelendpoint:default/gpt-4o-mini'],
      gateway: { agentId: 'agt_01J9' },
    },
  },
];

const SERVICE = mockCredentials.service.header();

/** Sends a Buffer as is (superagent would JSON-encode it otherwise). */
const rawBody = (body: Buffer) => body as unknown as string;

/** Collects a binary (protobuf) response body into a Buffer. */
function binaryBody(
  res: any,
  callback: (error: Error | null, body: Buffer) => void,
) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

function withinOnePercent(actual: number, expected: number) {
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);
}

/**
 * Config with a plausibility window reaching back to the fixtures'
 * 2026-09-20 (the default window is 30 days back from now).
 */
function withFixtureWindow(config?: {
  aiPlatform: { ingest: Record<string, unknown> };
}) {
  return {
    ...config,
    aiPlatform: {
      ...config?.aiPlatform,
      ingest: {
        plausibility: { maxAge: { years: 100 } },
        ...config?.aiPlatform.ingest,
      },
    },
  };
}

describe('telemetry ingest', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  /** Every test starts its own backend on a fresh database: PostgreSQL 15 and SQLite. */
  async function startBackend(options: {
    databaseId: TestDatabaseId;
    config?: { aiPlatform: { ingest: { maxBodyBytes: number } } };
    entities?: Entity[];
    wrapClient?: IngestTestBackendOptions['wrapClient'];
  }) {
    return startIngestTestBackend(databases, options.databaseId, {
      entities: options.entities ?? ENTITIES,
      config: withFixtureWindow(options.config),
      permission: AuthorizeResult.ALLOW,
      wrapClient: options.wrapClient,
    });
  }

  async function usageOf(server: Server, entityRef: string) {
    const [kind, rest] = entityRef.split(':');
    const [namespace, name] = rest.split('/');
    const response = await request(server)
      .get(`/api/ai-platform/usage/by-entity/${kind}/${namespace}/${name}`)
      .query(WINDOW)
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    return response.body;
  }

  async function unattributedOf(server: Server) {
    const response = await request(server)
      .get('/api/ai-platform/usage/unattributed')
      .query(WINDOW)
      .set('Authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    return response.body.items;
  }

  /** The fixture's streamed chat call, attributed to endpoint and agent. */
  async function expectFixtureChatCall(server: Server, requests = 1) {
    for (const ref of [ENDPOINT_REF, AGENT_REF]) {
      const usage = await usageOf(server, ref);
      expect(usage).toMatchObject({
        requests,
        errors: 0,
        inputTokens: 1043 * requests,
        outputTokens: 142 * requests,
        ttftMs: { count: requests },
        latencyMs: { count: requests },
      });
      withinOnePercent(usage.ttftMs.p50, 418);
      withinOnePercent(usage.latencyMs.p50, 2759);
    }
  }

  describe('POST /v1/traces', () => {
    it.each(databases.eachSupportedId())(
      'stores the GenAI call of an OTLP JSON batch, attributed to endpoint and agent, %p',
      async databaseId => {
        const { server, knex } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(otlpFixture);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(response.body).toEqual({});

        // The invoke_agent span is not a model call: one event only.
        const rows = await knex('ai_platform_events');
        expect(rows).toEqual([
          expect.objectContaining({
            source: 'otlp',
            source_event_id: '5b8efff798038103d269b633813fc60ceee19b7ec3c1b174',
            entity_ref: ENDPOINT_REF,
            join_key: 'gpt-4o-mini',
            agent_entity_ref: AGENT_REF,
            agent_join_key: 'agt_01J9',
            operation: 'chat',
            model: 'gpt-4o-mini-2024-07-18',
            provider: 'openai',
            status: 'ok',
          }),
        ]);
        await expectFixtureChatCall(server);
      },
    );

    it.each(databases.eachSupportedId())(
      'never double counts a retried batch, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        for (let attempt = 0; attempt < 3; attempt++) {
          const response = await request(server)
            .post(TRACES_PATH)
            .set('Authorization', SERVICE)
            .send(otlpFixture);
          expect(response.status).toBe(200);
        }
        await expectFixtureChatCall(server, 1);
      },
    );

    it.each(databases.eachSupportedId())(
      'accepts a gzip-compressed body, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .serialize(rawBody)
          .send(gzipSync(Buffer.from(JSON.stringify(otlpFixture))));
        expect(response.body).toEqual({});
        expect(response.status).toBe(200);
        await expectFixtureChatCall(server);
      },
    );

    it.each(databases.eachSupportedId())(
      'stores the same call from protobuf (gzipped or not) as from JSON, %p',
      async databaseId => {
        const spans = await recordFixtureSpans();
        const json = await startBackend({ databaseId });
        const protobuf = await startBackend({ databaseId });

        const jsonResponse = await request(json.server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .serialize(rawBody)
          .send(Buffer.from(JsonTraceSerializer.serializeRequest(spans)!));
        expect(jsonResponse.status).toBe(200);

        const body = Buffer.from(
          ProtobufTraceSerializer.serializeRequest(spans)!,
        );
        const protobufResponse = await request(protobuf.server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/x-protobuf')
          .buffer(true)
          .parse(binaryBody)
          .send(body);
        expect(protobufResponse.status).toBe(200);
        expect(protobufResponse.headers['content-type']).toMatch(
          /application\/x-protobuf/,
        );
        // An empty ExportTraceServiceResponse: no partial success.
        expect(protobufResponse.body).toEqual(Buffer.alloc(0));

        const gzipped = await request(protobuf.server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/x-protobuf')
          .set('Content-Encoding', 'gzip')
          .send(gzipSync(body));
        expect(gzipped.status).toBe(200);

        for (const server of [json.server, protobuf.server]) {
          await expectFixtureChatCall(server, 1);
        }
        const [fromJson] = await json.knex('ai_platform_events');
        const [fromProtobuf] = await protobuf.knex('ai_platform_events');
        const { id: _a, ...jsonRow } = fromJson;
        const { id: _b, ...protobufRow } = fromProtobuf;
        expect(protobufRow).toEqual(jsonRow);
      },
    );

    it.each(databases.eachSupportedId())(
      'reports GenAI spans without a model as a partial success, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const batch = structuredClone(otlpFixture);
        const spans: any[] = batch.resourceSpans[0].scopeSpans[0].spans;
        spans.push({
          ...structuredClone(spans[1]),
          spanId: 'eee19b7ec3c1b175',
          name: 'chat',
          attributes: spans[1].attributes.filter(
            (attribute: { key: string }) => !attribute.key.includes('model'),
          ),
        });
        // Not a GenAI span: ignored, not rejected.
        spans.push({
          ...structuredClone(spans[0]),
          spanId: 'eee19b7ec3c1b176',
          name: 'GET /checkout',
          attributes: [
            { key: 'http.request.method', value: { stringValue: 'GET' } },
          ],
        });

        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(batch);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          partialSuccess: {
            rejectedSpans: '1',
            errorMessage: expect.stringContaining(
              "span eee19b7ec3c1b175 ('chat'): GenAI 'chat' span has no model",
            ),
          },
        });
        await expectFixtureChatCall(server, 1);
      },
    );

    it.each(databases.eachSupportedId())(
      'answers a partial success in protobuf to a protobuf request, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const spans = await recordFixtureSpans({ withoutModel: true });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/x-protobuf')
          .buffer(true)
          .parse(binaryBody)
          .send(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));
        expect(response.status).toBe(200);
        const decoded = ProtobufTraceSerializer.deserializeResponse(
          new Uint8Array(response.body),
        );
        expect(Number(decoded.partialSuccess?.rejectedSpans)).toBe(1);
        expect(decoded.partialSuccess?.errorMessage).toContain('has no model');
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects malformed JSON with 400 and stores nothing, %p',
      async databaseId => {
        const { server, knex } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .send('{"resourceSpans": [');
        expect(response.status).toBe(400);
        expect(response.body.error.message).toMatch(
          /^Malformed JSON body: .*expected an OTLP ExportTraceServiceRequest/,
        );
        expect(await knex('ai_platform_events')).toEqual([]);
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects a request whose resourceSpans is not an array, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send({ resourceSpans: { scopeSpans: [] } });
        expect(response.status).toBe(400);
        expect(response.body.error.message).toBe(
          "Invalid OTLP trace request: 'resourceSpans' must be an array",
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects malformed protobuf with 400, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/x-protobuf')
          .send(Buffer.from('this is not a protobuf message'));
        expect(response.status).toBe(400);
        expect(response.body.error.message).toMatch(
          /^Malformed protobuf body: .*expected an OTLP ExportTraceServiceRequest/,
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects a body that is not valid gzip with 400, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .send(JSON.stringify(otlpFixture));
        expect(response.status).toBe(400);
        expect(response.body.error.message).toBe(
          'Malformed gzip body: the body could not be decompressed (Z_DATA_ERROR)',
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects an unsupported content type with 415, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'text/plain')
          .send('hello');
        expect(response.status).toBe(415);
        expect(response.body.error.message).toContain(
          'expected application/json or application/x-protobuf',
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects bodies over aiPlatform.ingest.maxBodyBytes with 413, also after gunzip, %p',
      async databaseId => {
        const { server, knex } = await startBackend({
          databaseId,
          config: { aiPlatform: { ingest: { maxBodyBytes: 2000 } } },
        });
        const body = JSON.stringify(otlpFixture);
        expect(body.length).toBeGreaterThan(2000);

        const plain = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .send(body);
        expect(plain.status).toBe(413);
        expect(plain.body.error.message).toBe(
          'Request body exceeds the ingest limit of 2000 bytes (aiPlatform.ingest.maxBodyBytes)',
        );

        const compressed = gzipSync(Buffer.from(body));
        expect(compressed.length).toBeLessThan(2000);
        const gzipped = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .serialize(rawBody)
          .send(compressed);
        expect(gzipped.status).toBe(413);
        expect(gzipped.body.error.message).toContain('after decompression');
        expect(await knex('ai_platform_events')).toEqual([]);
      },
    );

    it.each(databases.eachSupportedId())(
      'counts calls to a model alias no entity declares as unattributed, %p',
      async databaseId => {
        const { server, knex } = await startBackend({
          databaseId,
          entities: [],
        });
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(otlpFixture);
        expect(response.status).toBe(200);
        const [row] = await knex('ai_platform_events');
        expect(row).toMatchObject({ entity_ref: null, agent_entity_ref: null });
        expect(await unattributedOf(server)).toEqual([
          expect.objectContaining({
            joinKey: 'agt_01J9',
            joinKeyKind: 'agent',
            requests: 1,
            inputTokens: 1043,
          }),
          expect.objectContaining({
            joinKey: 'gpt-4o-mini',
            joinKeyKind: 'model',
            requests: 1,
            inputTokens: 1043,
          }),
        ]);
      },
    );
  });

  describe('authentication', () => {
    it.each(
      databases
        .eachSupportedId()
        .flatMap(([databaseId]) => [
          [
            TRACES_PATH,
            databaseId,
            'application/json',
            JSON.stringify(otlpFixture),
          ] as const,
          [
            LITELLM_PATH,
            databaseId,
            'application/json',
            JSON.stringify(litellmFixture),
          ] as const,
        ]),
    )(
      '%s accepts only service credentials, %p',
      async (path, databaseId, contentType, body) => {
        const { server, knex } = await startBackend({ databaseId });

        const asUser = await request(server)
          .post(path)
          .set('Authorization', mockCredentials.user.header())
          .set('Content-Type', contentType)
          .send(body);
        expect(asUser.status).toBe(403);

        const anonymous = await request(server)
          .post(path)
          .set('Authorization', mockCredentials.none.header())
          .set('Content-Type', contentType)
          .send(body);
        expect(anonymous.status).toBe(401);

        const invalidToken = await request(server)
          .post(path)
          .set('Authorization', 'Bearer not-a-valid-token')
          .set('Content-Type', contentType)
          .send(body);
        expect(invalidToken.status).toBe(401);

        expect(await knex('ai_platform_events')).toEqual([]);
      },
    );

    it.each(databases.eachSupportedId())(
      'keeps requiring a user for reads, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .get('/api/ai-platform/usage/unattributed')
          .query(WINDOW)
          .set('Authorization', SERVICE);
        expect(response.status).toBe(403);
      },
    );
  });

  describe('POST /ingest/litellm', () => {
    it.each(databases.eachSupportedId())(
      'stores StandardLoggingPayloads, TTFT only for real first chunks, %p',
      async databaseId => {
        const { server, knex } = await startBackend({ databaseId });
        const batch = [
          ...litellmFixture,
          { ...litellmFixture[1], id: 'bad-6', startTime: '2026-09-20' },
        ];
        const response = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(batch);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          accepted: 5,
          duplicates: 0,
          merged: 0,
          rejected: [
            {
              index: 5,
              message:
                "'startTime' must be epoch seconds (a number or numeric string), an ISO 8601 date-time (e.g. '2026-12-05T10:15:30.123Z'; without a zone it is UTC) or LiteLLM's 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC), got \"2026-09-20\"",
            },
          ],
        });

        const rows = await knex('ai_platform_events').orderBy('occurred_at');
        const bySourceId = Object.fromEntries(
          rows.map(row => [row.source_event_id, row]),
        );
        // Streamed, first chunk 418 ms after the start.
        expect(Number(bySourceId['chatcmpl-stream-1'].ttft_ms)).toBeCloseTo(
          418,
          3,
        );
        // Not streamed: completionStartTime = endTime is not a TTFT.
        expect(bySourceId['chatcmpl-nostream-2'].ttft_ms).toBeNull();
        // Streamed flag, but completionStartTime = endTime (pass-through
        // route without a first-chunk time): still no TTFT.
        expect(bySourceId['passthrough-3'].ttft_ms).toBeNull();
        expect(bySourceId['chatcmpl-failed-4']).toMatchObject({
          status: 'error',
          error_type: 'RateLimitError',
          agent_entity_ref: AGENT_REF,
        });
        // The agent id from spend_logs_metadata wins over the key alias.
        expect(bySourceId['chatcmpl-stream-1']).toMatchObject({
          entity_ref: ENDPOINT_REF,
          join_key: 'gpt-4o-mini',
          agent_entity_ref: AGENT_REF,
          agent_join_key: 'agt_01J9',
          operation: 'chat',
          provider: 'openai',
        });

        const endpoint = await usageOf(server, ENDPOINT_REF);
        expect(endpoint).toMatchObject({
          requests: 4,
          errors: 1,
          inputTokens: 1043 + 500 + 200,
          outputTokens: 142 + 50 + 20,
          ttftMs: { count: 1 },
          latencyMs: { count: 3 },
        });
        expect(endpoint.costUsd).toBeCloseTo(0.00041325 + 0.0001 + 0.0002, 10);
        withinOnePercent(endpoint.ttftMs.p50, 418);

        const agent = await usageOf(server, AGENT_REF);
        expect(agent).toMatchObject({ requests: 2, errors: 1 });

        expect(await unattributedOf(server)).toEqual([
          expect.objectContaining({
            joinKey: 'team-embeddings',
            joinKeyKind: 'model',
            requests: 1,
            inputTokens: 64,
          }),
        ]);
      },
    );

    it.each(databases.eachSupportedId())(
      'accepts a single object and counts a retried batch as duplicates, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const first = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(litellmFixture[0]);
        expect(first.body).toEqual({
          accepted: 1,
          duplicates: 0,
          merged: 0,
          rejected: [],
        });

        const retried = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(litellmFixture);
        expect(retried.body).toEqual({
          accepted: 4,
          duplicates: 1,
          merged: 0,
          rejected: [],
        });
        const again = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(litellmFixture);
        expect(again.body).toEqual({
          accepted: 0,
          duplicates: 5,
          merged: 0,
          rejected: [],
        });

        const endpoint = await usageOf(server, ENDPOINT_REF);
        expect(endpoint.requests).toBe(4);
      },
    );

    it.each(databases.eachSupportedId())(
      'accepts NDJSON (log_format: ndjson), %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const response = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .send(
            litellmFixture.map(payload => JSON.stringify(payload)).join('\n'),
          );
        expect(response.body).toEqual({
          accepted: 5,
          duplicates: 0,
          merged: 0,
          rejected: [],
        });
      },
    );

    it.each(databases.eachSupportedId())(
      'rejects a body that is neither an array nor an object, %p',
      async databaseId => {
        const { server } = await startBackend({ databaseId });
        const notJson = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .send('[{"id": ');
        expect(notJson.status).toBe(400);
        expect(notJson.body.error.message).toMatch(/^Malformed JSON body: /);

        const scalar = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/json')
          .send('42');
        expect(scalar.status).toBe(400);
        expect(scalar.body.error.message).toBe(
          'Invalid LiteLLM body: expected a JSON array of StandardLoggingPayload objects or one object',
        );
      },
    );
  });

  describe('database unavailable', () => {
    it.each(databases.eachSupportedId())(
      'answers 503 with Retry-After and stores the retried batch once the database is back, %p',
      async databaseId => {
        let databaseDown = false;
        // The plugin's knex, whose transactions fail like an unreachable
        // PostgreSQL while `databaseDown` is set.
        const { server, knex } = await startBackend({
          databaseId,
          wrapClient: client =>
            new Proxy(client, {
              get(target, property, receiver) {
                if (property === 'transaction' && databaseDown) {
                  return () =>
                    Promise.reject(
                      Object.assign(
                        new Error('connect ECONNREFUSED 127.0.0.1:5432'),
                        { code: 'ECONNREFUSED' },
                      ),
                    );
                }
                return Reflect.get(target, property, receiver);
              },
            }),
        });

        databaseDown = true;
        const failed = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(litellmFixture);
        expect(failed.status).toBe(503);
        expect(failed.headers['retry-after']).toBe('30');
        expect(failed.body.error.name).toBe('ServiceUnavailableError');

        const failedTraces = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(otlpFixture);
        expect(failedTraces.status).toBe(503);
        expect(failedTraces.headers['retry-after']).toBe('30');
        expect(await knex('ai_platform_events')).toEqual([]);

        databaseDown = false;
        const retried = await request(server)
          .post(LITELLM_PATH)
          .set('Authorization', SERVICE)
          .send(litellmFixture);
        expect(retried.body).toEqual({
          accepted: 5,
          duplicates: 0,
          merged: 0,
          rejected: [],
        });
      },
    );

    it.each(databases.eachSupportedId())(
      'answers 503 when the connection pool is gone, %p',
      async databaseId => {
        const { server, knex } = await startBackend({ databaseId });
        await knex.destroy();
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(otlpFixture);
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBe('30');
      },
    );
  });
});

/**
 * Records the fixture's two spans (invoke_agent + streamed chat) with the
 * OpenTelemetry SDK, so the protobuf body comes from the official
 * serializer rather than from our own .proto.
 */
async function recordFixtureSpans(
  options: { withoutModel?: boolean } = {},
): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('example.genai.instrumentation', '0.1.0');
  const seconds = 1789899302;
  const agentSpan = tracer.startSpan('invoke_agent checkout-agent', {
    kind: SpanKind.INTERNAL,
    startTime: [seconds, 0],
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.name': 'checkout-agent',
      'gen_ai.agent.id': 'agt_01J9',
    },
  });
  const chatSpan = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      startTime: [seconds, 112_000_000],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        ...(options.withoutModel
          ? {}
          : {
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
            }),
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': 0.418,
        'gen_ai.usage.input_tokens': 1043,
        'gen_ai.usage.output_tokens': 142,
      },
    },
    trace.setSpan(context.active(), agentSpan),
  );
  chatSpan.end([seconds + 2, 871_000_000]);
  agentSpan.setStatus({ code: SpanStatusCode.OK });
  agentSpan.end([seconds + 3, 100_000_000]);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}
