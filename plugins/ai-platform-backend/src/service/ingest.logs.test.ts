import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import evalFixture from '../ingest/__fixtures__/otlp-eval-results.json';

jest.setTimeout(60_000);

const LOGS_PATH = '/api/ai-platform/v1/logs';
const SERVICE = mockCredentials.service.header();
const ENDPOINT_REF = 'modelendpoint:default/gpt-4o-mini';
const AGENT_REF = 'agent:default/checkout-agent';

const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: { gateway: { model: 'gpt-4o-mini' } },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: { gateway: { agentId: 'agt_01J9' } },
  },
];

/** Sends a Buffer as is (superagent would JSON-encode it otherwise). */
const rawBody = (body: Buffer) => body as unknown as string;

function binaryBody(
  res: any,
  callback: (error: Error | null, body: Buffer) => void,
) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** The two runs the fixture's valid eval records give. */
const EXPECTED_RUNS = [
  {
    entity_ref: AGENT_REF,
    suite: 'Relevance',
    suite_version: '2.1.0',
    run_id: '5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174:Relevance',
    source: 'otlp',
    score: 0.8,
    passed: 0,
    failed: 0,
    total: 1,
    errors: 0,
    metrics: null,
    started_at: 1789899310000,
    finished_at: 1789899310000,
  },
  {
    entity_ref: ENDPOINT_REF,
    suite: 'Groundedness',
    suite_version: 'v3',
    run_id: 'chatcmpl-77aa:Groundedness',
    source: 'otlp',
    score: 0,
    passed: 0,
    failed: 1,
    total: 1,
    errors: 0,
    metrics: null,
    started_at: 1789899320000,
    finished_at: 1789899320000,
  },
];

const EXPECTED_ERROR_MESSAGE =
  "2 log record(s) rejected: log record 3: evaluation 'Relevance': 'gen_ai.evaluation.score.value' must be a number between 0 and 1, got 4; " +
  "log record 4: evaluation 'Relevance': no catalog entity found; set 'aiplatform.entity_ref' or a gen_ai.agent.id / gen_ai.agent.name / gen_ai.request.model that an Agent or ModelEndpoint declares (seen: 'agt_unknown', 'eval-runner')";

describe('POST /v1/logs', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  const startBackend = (databaseId: TestDatabaseId) =>
    startIngestTestBackend(databases, databaseId, {
      entities: ENTITIES,
      permission: AuthorizeResult.ALLOW,
    });

  async function storedRuns(
    knex: Awaited<ReturnType<typeof startBackend>>['knex'],
  ) {
    const rows = await knex('ai_platform_eval_runs').orderBy('started_at');
    return rows.map(({ id: _id, created_at: _createdAt, ...row }) => ({
      ...row,
      score: Number(row.score),
      started_at: Number(row.started_at),
      finished_at: Number(row.finished_at),
    }));
  }

  it.each(databases.eachSupportedId())(
    'stores gen_ai.evaluation.result records as eval runs and reports the bad ones, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      const response = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .send(evalFixture);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedLogRecords: '2',
          errorMessage: EXPECTED_ERROR_MESSAGE,
        },
      });
      expect(await storedRuns(knex)).toEqual(EXPECTED_RUNS);

      // A retried batch stores nothing twice.
      const retried = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize(rawBody)
        .send(gzipSync(Buffer.from(JSON.stringify(evalFixture))));
      expect(retried.status).toBe(200);
      expect(await storedRuns(knex)).toEqual(EXPECTED_RUNS);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers {} for a batch without eval events and stores nothing, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      const response = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .send({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    {
                      timeUnixNano: '1789899321000000000',
                      body: { stringValue: 'hello' },
                    },
                  ],
                },
              ],
            },
          ],
        });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({});
      expect(await knex('ai_platform_eval_runs')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'decodes protobuf from the OpenTelemetry serializer and answers in protobuf, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      const resource = {
        attributes: { 'service.name': 'eval-runner' },
        droppedAttributesCount: 0,
      };
      const scope = { name: 'example.genai.evals' };
      const record = (spanId: string, score: number) => ({
        hrTime: [1789899310, 0],
        hrTimeObserved: [1789899310, 0],
        eventName: 'gen_ai.evaluation.result',
        severityNumber: 9,
        attributes: {
          'gen_ai.evaluation.name': 'Relevance',
          'gen_ai.evaluation.score.value': score,
          'gen_ai.evaluation.score.label': 'pass',
          'gen_ai.agent.id': 'agt_01J9',
        },
        droppedAttributesCount: 0,
        spanContext: {
          traceId: '5b8efff798038103d269b633813fc60c',
          spanId,
          traceFlags: 1,
        },
        resource,
        instrumentationScope: scope,
      });
      const body = Buffer.from(
        ProtobufLogsSerializer.serializeRequest([
          record('eee19b7ec3c1b174', 0.75),
          record('eee19b7ec3c1b175', 1.5),
        ] as any)!,
      );
      const response = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/x-protobuf')
        .buffer(true)
        .parse(binaryBody)
        .send(body);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(
        /application\/x-protobuf/,
      );
      const decoded = ProtobufLogsSerializer.deserializeResponse(
        new Uint8Array(response.body),
      );
      expect(Number(decoded.partialSuccess?.rejectedLogRecords)).toBe(1);
      expect(decoded.partialSuccess?.errorMessage).toBe(
        "1 log record(s) rejected: log record 1: evaluation 'Relevance': 'gen_ai.evaluation.score.value' must be a number between 0 and 1, got 1.5",
      );
      const rows = await knex('ai_platform_eval_runs');
      expect(rows).toEqual([
        expect.objectContaining({
          entity_ref: AGENT_REF,
          suite: 'Relevance',
          suite_version: 'unversioned',
          run_id: '5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174:Relevance',
          source: 'otlp',
          passed: 1,
          failed: 0,
          total: 1,
        }),
      ]);
      expect(Number(rows[0].score)).toBe(0.75);
      expect(Number(rows[0].started_at)).toBe(1789899310000);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects malformed bodies with 400, other content types with 415, %p',
    async databaseId => {
      const { server } = await startBackend(databaseId);
      const notJson = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/json')
        .send('{"resourceLogs": [');
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toMatch(
        /^Malformed JSON body: .*; expected an OTLP ExportLogsServiceRequest$/,
      );

      const wrongShape = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .send({ resourceLogs: [{ scopeLogs: { logRecords: [] } }] });
      expect(wrongShape.status).toBe(400);
      expect(wrongShape.body.error.message).toBe(
        "Invalid OTLP logs request: 'resourceLogs[0].scopeLogs' must be an array",
      );

      const notProtobuf = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/x-protobuf')
        .send(Buffer.from([0x0a, 0xff, 0xff, 0xff]));
      expect(notProtobuf.status).toBe(400);
      expect(notProtobuf.body.error.message).toMatch(
        /^Malformed protobuf body/,
      );

      const text = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'text/plain')
        .send('hello');
      expect(text.status).toBe(415);
    },
  );

  it.each(databases.eachSupportedId())(
    'accepts only service credentials (401 / 403) and then stores nothing, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      for (const [authorization, status] of [
        [mockCredentials.none.header(), 401],
        ['Bearer not-a-valid-token', 401],
        [mockCredentials.user.header(), 403],
      ] as const) {
        const response = await request(server)
          .post(LOGS_PATH)
          .set('Authorization', authorization)
          .send(evalFixture);
        expect(response.status).toBe(status);
      }
      expect(await knex('ai_platform_eval_runs')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 503 with Retry-After when the database is gone, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      await knex.destroy();
      const response = await request(server)
        .post(LOGS_PATH)
        .set('Authorization', SERVICE)
        .send(evalFixture);
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('30');
    },
  );
});
