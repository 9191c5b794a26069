import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { Knex } from 'knex';
import { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
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

function binaryBody(
  res: any,
  callback: (error: Error | null, body: Buffer) => void,
) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** OTLP JSON nanoseconds to the SDK's `[seconds, nanoseconds]`. */
function hrTimeOf(nanos: string | undefined): [number, number] {
  const value = BigInt(nanos ?? '0');
  return [Number(value / 1_000_000_000n), Number(value % 1_000_000_000n)];
}

function attributesOf(keyValues: any[] | undefined) {
  return Object.fromEntries(
    (keyValues ?? []).map(({ key, value }) => [
      key,
      value.stringValue ??
        value.boolValue ??
        value.doubleValue ??
        Number(value.intValue),
    ]),
  );
}

// @opentelemetry/sdk-metrics DataPointType / AggregationTemporality and
// @opentelemetry/api ValueType, by value (the serializer reads the numbers).
const DATA_POINT_TYPE = { HISTOGRAM: 0, SUM: 3 };
const SDK_TEMPORALITY: Record<number, number> = { 1: 0, 2: 1 };
const VALUE_TYPE_DOUBLE = 1;

/**
 * The fixture's OTLP JSON as the SDK `ResourceMetrics` the OpenTelemetry
 * protobuf serializer takes: the same data, encoded by the exporter's code.
 */
function sdkResourceMetricsOf(otlpJson: any) {
  const [resourceMetrics] = otlpJson.resourceMetrics;
  return {
    resource: { attributes: attributesOf(resourceMetrics.resource.attributes) },
    scopeMetrics: resourceMetrics.scopeMetrics.map((scopeMetrics: any) => ({
      scope: scopeMetrics.scope,
      metrics: scopeMetrics.metrics.map((metric: any) => {
        const form = metric.histogram ?? metric.sum;
        return {
          descriptor: {
            name: metric.name,
            unit: metric.unit,
            description: '',
            valueType: VALUE_TYPE_DOUBLE,
          },
          dataPointType: metric.histogram
            ? DATA_POINT_TYPE.HISTOGRAM
            : DATA_POINT_TYPE.SUM,
          aggregationTemporality: SDK_TEMPORALITY[form.aggregationTemporality],
          isMonotonic: form.isMonotonic,
          dataPoints: form.dataPoints.map((point: any) => ({
            startTime: hrTimeOf(point.startTimeUnixNano),
            endTime: hrTimeOf(point.timeUnixNano),
            attributes: attributesOf(point.attributes),
            value: metric.histogram
              ? {
                  count: Number(point.count),
                  sum: point.sum,
                  buckets: {
                    boundaries: point.explicitBounds,
                    counts: point.bucketCounts.map(Number),
                  },
                }
              : point.asDouble,
          })),
        };
      }),
    })),
  };
}

async function storedHistogramsOf(knex: Knex) {
  const buckets = await knex('ai_platform_histogram_buckets').orderBy([
    'subject',
    'hour_start',
    'metric',
    'layout_hash',
    'bucket_index',
  ]);
  const series = await knex('ai_platform_histogram_series').orderBy(
    'series_key',
  );
  return {
    buckets: buckets.map(row => ({
      ...row,
      hour_start: Number(row.hour_start),
      count: Number(row.count),
    })),
    series,
  };
}

async function gatewayTtftOf(server: Server) {
  const response = await request(server)
    .get('/api/ai-platform/usage/by-entity/modelendpoint/default/gpt-4o-mini')
    .query(WINDOW)
    .set('Authorization', mockCredentials.user.header());
  expect(response.status).toBe(200);
  return response.body.ttftMsFromGatewayHistograms;
}

describe('POST /v1/metrics', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  const startBackend = (databaseId: TestDatabaseId) =>
    startIngestTestBackend(databases, databaseId, {
      entities: ENTITIES,
      permission: AuthorizeResult.ALLOW,
    });

  it.each(databases.eachSupportedId())(
    'stores GenAI histograms and serves a TTFT p95 estimate in /usage, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
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

  it.each(databases.eachSupportedId())(
    'stores from OpenTelemetry protobuf (gzip) what it stores from the same JSON, %p',
    async databaseId => {
      const { server: jsonServer, knex: jsonKnex } = await startBackend(
        databaseId,
      );
      const jsonResponse = await request(jsonServer)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .send(histogramFixture);
      expect(jsonResponse.status).toBe(200);

      const { server: protobufServer, knex: protobufKnex } = await startBackend(
        databaseId,
      );
      const body = Buffer.from(
        ProtobufMetricsSerializer.serializeRequest(
          sdkResourceMetricsOf(histogramFixture) as any,
        )!,
      );
      const response = await request(protobufServer)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/x-protobuf')
        .set('Content-Encoding', 'gzip')
        .buffer(true)
        .parse(binaryBody)
        .send(gzipSync(body));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(
        /application\/x-protobuf/,
      );
      const decoded = ProtobufMetricsSerializer.deserializeResponse(
        new Uint8Array(response.body),
      );
      expect(Number(decoded.partialSuccess?.rejectedDataPoints)).toBe(
        Number(jsonResponse.body.partialSuccess.rejectedDataPoints),
      );
      expect(decoded.partialSuccess?.errorMessage).toBe(
        "1 data point(s) rejected: data point 3 of 'gen_ai.server.request.duration': has no 'gen_ai.request.model' or 'gen_ai.response.model' attribute to attribute it to an entity",
      );

      const fromProtobuf = await storedHistogramsOf(protobufKnex);
      expect(fromProtobuf.buckets.map(row => row.metric)).toEqual([
        'gen_ai.client.token.usage.input',
        'gen_ai.client.token.usage.output',
        'gen_ai.server.time_to_first_token',
        'gen_ai.server.time_to_first_token',
      ]);
      expect(fromProtobuf.series).toHaveLength(3);
      expect(fromProtobuf).toEqual(await storedHistogramsOf(jsonKnex));
      expect(await gatewayTtftOf(protobufServer)).toEqual({
        p95Estimate: 375,
        count: 100,
        estimated: true,
      });
      expect(await gatewayTtftOf(protobufServer)).toEqual(
        await gatewayTtftOf(jsonServer),
      );

      // Every point taken: an empty ExportMetricsServiceResponse.
      const next = structuredClone(histogramFixture) as any;
      next.resourceMetrics[0].scopeMetrics[0].metrics.splice(2, 1);
      next.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].timeUnixNano =
        '1789899420000000000';
      const allTaken = await request(protobufServer)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/x-protobuf')
        .buffer(true)
        .parse(binaryBody)
        .send(
          Buffer.from(
            ProtobufMetricsSerializer.serializeRequest(
              sdkResourceMetricsOf(next) as any,
            )!,
          ),
        );
      expect(allTaken.status).toBe(200);
      expect(allTaken.body).toHaveLength(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 415 for other content types and 400 for malformed protobuf or JSON, %p',
    async databaseId => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        entities: ENTITIES,
      });
      const text = await request(server)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'text/plain')
        .send('gen_ai.server.time_to_first_token 0.3');
      expect(text.status).toBe(415);
      expect(text.body.error.message).toBe(
        "Unsupported Content-Type 'text/plain': expected application/json or application/x-protobuf",
      );
      const notProtobuf = await request(server)
        .post(METRICS_PATH)
        .set('Authorization', SERVICE)
        .set('Content-Type', 'application/x-protobuf')
        .send(Buffer.from([0x0a, 0xff, 0xff, 0xff]));
      expect(notProtobuf.status).toBe(400);
      expect(notProtobuf.body.error.message).toMatch(
        /^Malformed protobuf body: .*; expected an OTLP ExportMetricsServiceRequest$/,
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
    },
  );
});
