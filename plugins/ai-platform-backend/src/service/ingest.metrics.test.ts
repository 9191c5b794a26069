import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Server } from 'node:http';
import request from 'supertest';
import { aiPlatformPlugin } from '../plugin';
import histogramFixture from '../ingest/__fixtures__/otlp-genai-histograms.json';

jest.setTimeout(60_000);

const METRICS_PATH = '/api/ai-platform/v1/metrics';
const SERVICE = mockCredentials.service.header();
const WINDOW = { from: '2026-09-20T00:00:00Z', to: '2026-09-21T00:00:00Z' };

const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: { gateway: { model: 'gpt-4o-mini' } },
  },
];

async function gatewayTtftOf(server: Server) {
  const response = await request(server)
    .get('/api/ai-platform/usage/by-entity/modelendpoint/default/gpt-4o-mini')
    .query(WINDOW)
    .set('Authorization', mockCredentials.user.header());
  expect(response.status).toBe(200);
  return response.body.ttftMsFromGatewayHistograms;
}

describe('POST /v1/metrics', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'stores GenAI histograms and serves a TTFT p95 estimate in /usage, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          aiPlatformPlugin,
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          catalogServiceMock.factory({ entities: ENTITIES }),
        ],
      });
      expect(await gatewayTtftOf(server)).toEqual({
        p95Estimate: null,
        count: 0,
        estimated: true,
      });

      const response = await request(server)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .send(histogramFixture);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedDataPoints: '1',
          errorMessage:
            "1 data point(s) rejected: data point 3 of 'gen_ai.server.request.duration': has no 'gen_ai.request.model' or 'gen_ai.response.model' attribute to attribute it to an entity",
        },
      });
      // 90 TTFTs in (0.1 s, 0.25 s], 10 in (0.25 s, 0.5 s]: rank 95 is
      // halfway through the second bucket, 0.375 s.
      expect(await gatewayTtftOf(server)).toEqual({
        p95Estimate: 375,
        count: 100,
        estimated: true,
      });

      const rows = await knex('ai_platform_histogram_buckets')
        .select('metric', 'bucket_index', 'count')
        .orderBy(['metric', 'bucket_index']);
      expect(
        rows.map(row => [row.metric, row.bucket_index, Number(row.count)]),
      ).toEqual([
        ['gen_ai.client.token.usage.input', 6, 3],
        ['gen_ai.client.token.usage.output', 4, 3],
        ['gen_ai.server.time_to_first_token', 8, 90],
        ['gen_ai.server.time_to_first_token', 9, 10],
      ]);

      // A retry counts once; the next cumulative export adds its delta.
      await request(server)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .send(histogramFixture);
      const next = structuredClone(histogramFixture) as any;
      const ttftPoint =
        next.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram
          .dataPoints[0];
      ttftPoint.timeUnixNano = '1789899420000000000';
      ttftPoint.bucketCounts[8] = '90';
      ttftPoint.bucketCounts[9] = '110';
      next.resourceMetrics[0].scopeMetrics[0].metrics.splice(1, 2);
      const nextResponse = await request(server)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .send(next);
      expect(nextResponse.body).toEqual({});
      // 90 in the first bucket, 110 in the second: rank 190 → 0.25 + 0.25 × 100 / 110
      const ttft = await gatewayTtftOf(server);
      expect(ttft).toEqual({ p95Estimate: 477.3, count: 200, estimated: true });
    },
  );

  it('answers 415 for protobuf and 400 for malformed JSON', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: ENTITIES }),
      ],
    });
    const protobuf = await request(server)
      .post(METRICS_PATH)
      .set('Authorization', SERVICE)
      .set('Content-Type', 'application/x-protobuf')
      .send(Buffer.from([0x0a, 0x00]));
    expect(protobuf.status).toBe(415);
    expect(protobuf.body.error.message).toBe(
      "POST /v1/metrics accepts OTLP JSON only (Content-Type application/json); protobuf metrics are not supported yet, set the exporter's protocol to http/json",
    );
    const malformed = await request(server)
      .post(METRICS_PATH)
      .set('Authorization', SERVICE)
      .send({ resourceMetrics: {} });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toBe(
      "Invalid OTLP metrics request: 'resourceMetrics' must be an array",
    );
    const asUser = await request(server)
      .post(METRICS_PATH)
      .set('Authorization', mockCredentials.user.header())
      .send(histogramFixture);
    expect(asUser.status).toBe(403);
  });
});
