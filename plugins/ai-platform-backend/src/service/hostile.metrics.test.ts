import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(60_000);

const METRICS_PATH = '/api/ai-platform/v1/metrics';
const HEALTH_PATH = '/api/ai-platform/health';
const SERVICE = mockCredentials.service.header();
const TTFT = 'gen_ai.server.time_to_first_token';
const WINDOW = { from: '2026-09-20T00:00:00Z', to: '2026-09-21T00:00:00Z' };
/** 2026-09-20T10:00:00Z and 10:16:00Z, in nanoseconds. */
const START_NANOS = '1789898400000000000';
const TIME_NANOS = '1789899360000000000';
const HISTOGRAM_TABLES = [
  'ai_platform_histogram_buckets',
  'ai_platform_histogram_series',
  'ai_platform_histogram_layouts',
];

const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: { gateway: { model: 'gpt-4o-mini' } },
  },
];

interface TestPoint {
  model?: string;
  bounds: unknown[];
  counts: unknown[];
}

/** 90 TTFTs in (0.1 s, 0.25 s], 10 in (0.25 s, 0.5 s]: p95 375 ms. */
const GOOD_POINT: TestPoint = {
  model: 'gpt-4o-mini',
  bounds: [0.1, 0.25, 0.5, 1],
  counts: ['0', '90', '10', '0', '0'],
};

function increasingBounds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** A point with `boundCount` bounds and a sample in every bucket. */
function pointWithBounds(boundCount: number, model: string): TestPoint {
  return {
    model,
    bounds: increasingBounds(boundCount),
    counts: Array.from({ length: boundCount + 1 }, () => '1'),
  };
}

/** One cumulative TTFT histogram, one data point (own series) per entry. */
function metricsRequest(points: TestPoint[]) {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'ai-gateway' } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'envoyproxy/ai-gateway' },
            metrics: [
              {
                name: TTFT,
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: points.map((point, i) => ({
                    attributes: [
                      {
                        key: 'gen_ai.request.model',
                        value: { stringValue: point.model ?? 'gpt-4o-mini' },
                      },
                      { key: 'test.point', value: { intValue: String(i) } },
                    ],
                    startTimeUnixNano: START_NANOS,
                    timeUnixNano: TIME_NANOS,
                    bucketCounts: point.counts,
                    explicitBounds: point.bounds,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The same request as the SDK's protobuf serializer encodes it. */
function protobufMetricsRequest(points: TestPoint[]): Buffer {
  const hrTime = (nanos: string): [number, number] => [
    Number(BigInt(nanos) / 1_000_000_000n),
    Number(BigInt(nanos) % 1_000_000_000n),
  ];
  const resourceMetrics = {
    resource: { attributes: { 'service.name': 'ai-gateway' } },
    scopeMetrics: [
      {
        scope: { name: 'envoyproxy/ai-gateway' },
        metrics: [
          {
            descriptor: {
              name: TTFT,
              unit: 's',
              description: '',
              valueType: 1,
            },
            dataPointType: 0, // HISTOGRAM
            aggregationTemporality: 1, // CUMULATIVE
            dataPoints: points.map((point, i) => ({
              startTime: hrTime(START_NANOS),
              endTime: hrTime(TIME_NANOS),
              attributes: {
                'gen_ai.request.model': point.model ?? 'gpt-4o-mini',
                'test.point': i,
              },
              value: {
                count: 0,
                sum: 0,
                buckets: {
                  boundaries: point.bounds,
                  counts: point.counts.map(Number),
                },
              },
            })),
          },
        ],
      },
    ],
  };
  return Buffer.from(
    ProtobufMetricsSerializer.serializeRequest(resourceMetrics as any)!,
  );
}

function binaryBody(
  res: any,
  callback: (error: Error | null, body: Buffer) => void,
) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

async function postMetrics(server: Server, points: TestPoint[]) {
  return request(server)
    .post(METRICS_PATH)
    .set('Authorization', SERVICE)
    .send(metricsRequest(points));
}

async function gatewayTtftOf(server: Server) {
  const response = await request(server)
    .get('/api/ai-platform/usage/by-entity/modelendpoint/default/gpt-4o-mini')
    .query(WINDOW)
    .set('Authorization', mockCredentials.user.header());
  expect(response.status).toBe(200);
  return response.body.ttftMsFromGatewayHistograms;
}

/** The good point's buckets: [bucket index, count] per stored row. */
async function storedBucketsOf(knex: Knex, subject: string) {
  const rows = await knex('ai_platform_histogram_buckets')
    .where({ subject, metric: TTFT })
    .select('bucket_index', 'count')
    .orderBy('bucket_index');
  return rows.map(row => [Number(row.bucket_index), Number(row.count)]);
}

/** Rows and characters of every histogram table (values as text). */
async function storedHistogramSizeOf(knex: Knex) {
  let rows = 0;
  let chars = 0;
  for (const table of HISTOGRAM_TABLES) {
    if (!(await knex.schema.hasTable(table))) continue;
    for (const row of await knex(table).select()) {
      rows += 1;
      for (const value of Object.values(row)) {
        chars += value === null ? 0 : String(value).length;
      }
    }
  }
  return { rows, chars };
}

describe('POST /v1/metrics with hostile histograms', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function startBackend(databaseId: string, limits?: object) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({
          data: limits ? { aiPlatform: { ingest: { limits } } } : {},
        }),
      ],
    });
    return { knex, server };
  }

  /**
   * Posts a body, and while it is being handled times a health request on
   * the same server: the backend must keep answering.
   */
  async function postWhileTimingHealth(
    server: Server,
    send: () => Promise<request.Response>,
  ) {
    const hostile = send();
    const startedAt = Date.now();
    const health = await request(server).get(HEALTH_PATH);
    const healthMs = Date.now() - startedAt;
    expect(health.status).toBe(200);
    return { response: await hostile, healthMs };
  }

  it.each(databases.eachSupportedId())(
    'stores the good point of a batch with a 200,000-bound point exactly once and reports the other, health answering meanwhile, %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const { response, healthMs } = await postWhileTimingHealth(server, () =>
        postMetrics(server, [
          GOOD_POINT,
          pointWithBounds(200_000, 'gpt-4o-mini'),
        ]),
      );
      expect(healthMs).toBeLessThan(1000);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedDataPoints: '1',
          errorMessage: `1 data point(s) rejected: data point 1 of '${TTFT}': 'explicitBounds' has 200000 entries, more than the limit of 256 (aiPlatform.ingest.limits.maxHistogramBounds)`,
        },
      });
      expect(
        await storedBucketsOf(knex, 'entity:modelendpoint:default/gpt-4o-mini'),
      ).toEqual([
        [1, 90],
        [2, 10],
      ]);
      expect(await knex('ai_platform_histogram_series')).toHaveLength(1);
      expect(await gatewayTtftOf(server)).toEqual({
        p95Estimate: 375,
        count: 100,
        estimated: true,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects the 200,000-bound point from protobuf the same way, %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const { response, healthMs } = await postWhileTimingHealth(server, () =>
        request(server)
          .post(METRICS_PATH)
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/x-protobuf')
          .buffer(true)
          .parse(binaryBody)
          .send(
            protobufMetricsRequest([
              pointWithBounds(200_000, 'gpt-4o-mini'),
              GOOD_POINT,
            ]),
          ),
      );
      expect(healthMs).toBeLessThan(1000);
      expect(response.status).toBe(200);
      const decoded = ProtobufMetricsSerializer.deserializeResponse(
        new Uint8Array(response.body),
      );
      expect(Number(decoded.partialSuccess?.rejectedDataPoints)).toBe(1);
      expect(decoded.partialSuccess?.errorMessage).toBe(
        `1 data point(s) rejected: data point 0 of '${TTFT}': 'explicitBounds' has 200000 entries, more than the limit of 256 (aiPlatform.ingest.limits.maxHistogramBounds)`,
      );
      expect(await gatewayTtftOf(server)).toEqual({
        p95Estimate: 375,
        count: 100,
        estimated: true,
      });
      expect(await knex('ai_platform_histogram_series')).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps answering health while it stores a batch at the caps (500 points of 256 bounds, 128,500 buckets), %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const points = Array.from({ length: 500 }, (_, i) =>
        pointWithBounds(256, `model-${i}`),
      );
      const hostile = postMetrics(server, points);
      let done = false;
      hostile.then(() => {
        done = true;
      });
      // Health back to back for as long as the batch is being handled.
      const healthMs: number[] = [];
      while (!done) {
        const startedAt = Date.now();
        const health = await request(server).get(HEALTH_PATH);
        expect(health.status).toBe(200);
        healthMs.push(Date.now() - startedAt);
      }
      const response = await hostile;
      expect(response.status).toBe(200);
      expect(response.body).toEqual({});
      expect(healthMs.length).toBeGreaterThan(0);
      expect(Math.max(...healthMs)).toBeLessThan(1000);
      const [{ rows }] = await knex('ai_platform_histogram_buckets').count({
        rows: '*',
      });
      expect(Number(rows)).toBe(500 * 257);
    },
  );

  it.each(databases.eachSupportedId())(
    'takes 256 bounds and rejects 257 (aiPlatform.ingest.limits.maxHistogramBounds), %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const response = await postMetrics(server, [
        pointWithBounds(256, 'model-256'),
        pointWithBounds(257, 'model-257'),
      ]);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedDataPoints: '1',
          errorMessage: `1 data point(s) rejected: data point 1 of '${TTFT}': 'explicitBounds' has 257 entries, more than the limit of 256 (aiPlatform.ingest.limits.maxHistogramBounds)`,
        },
      });
      expect(
        await storedBucketsOf(knex, 'unattributed:model-256'),
      ).toHaveLength(257);
      expect(await storedBucketsOf(knex, 'unattributed:model-257')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads both caps from config, %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId, {
        maxHistogramBounds: 4,
        maxDataPointsPerRequest: 3,
      });
      const response = await postMetrics(server, [
        GOOD_POINT,
        pointWithBounds(5, 'five-bounds'),
        pointWithBounds(4, 'model-2'),
        pointWithBounds(4, 'model-3'),
        pointWithBounds(4, 'model-4'),
      ]);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedDataPoints: '3',
          errorMessage: `3 data point(s) rejected: data points 3 to 4: the request has 5 data points of GenAI metrics, more than the limit of 3 per request (aiPlatform.ingest.limits.maxDataPointsPerRequest); data point 1 of '${TTFT}': 'explicitBounds' has 5 entries, more than the limit of 4 (aiPlatform.ingest.limits.maxHistogramBounds)`,
        },
      });
      const subjects = await knex('ai_platform_histogram_buckets')
        .distinct('subject')
        .orderBy('subject');
      expect(subjects.map(row => row.subject)).toEqual([
        'entity:modelendpoint:default/gpt-4o-mini',
        'unattributed:model-2',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores 10,000 data points and rejects the ones beyond (aiPlatform.ingest.limits.maxDataPointsPerRequest), %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const points = Array.from({ length: 10_002 }, () => GOOD_POINT);
      const response = await postMetrics(server, points);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedDataPoints: '2',
          errorMessage:
            '2 data point(s) rejected: data points 10000 to 10001: the request has 10002 data points of GenAI metrics, more than the limit of 10000 per request (aiPlatform.ingest.limits.maxDataPointsPerRequest)',
        },
      });
      expect(await knex('ai_platform_histogram_series')).toHaveLength(10_000);
      expect(await gatewayTtftOf(server)).toEqual({
        p95Estimate: 375,
        count: 1_000_000,
        estimated: true,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    "rejects 'bucketCounts' that is not one longer than 'explicitBounds' without reading it, %p",
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const response = await postMetrics(server, [
        { model: 'short', bounds: [1, 2, 3, 4], counts: ['1', '1', '1'] },
        {
          model: 'long',
          bounds: [1, 2, 3, 4],
          counts: Array.from({ length: 1_000_000 }, () => 'x'),
        },
        GOOD_POINT,
      ]);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        partialSuccess: {
          rejectedDataPoints: '2',
          errorMessage: `2 data point(s) rejected: data point 0 of '${TTFT}': 'bucketCounts' must have 5 entries (one more than 'explicitBounds'), got 3; data point 1 of '${TTFT}': 'bucketCounts' must have 5 entries (one more than 'explicitBounds'), got 1000000`,
        },
      });
      expect(
        await knex('ai_platform_histogram_buckets').distinct('subject'),
      ).toEqual([{ subject: 'entity:modelendpoint:default/gpt-4o-mini' }]);
    },
  );

  it.each(databases.eachSupportedId())(
    "rejects 'explicitBounds' that are not finite numbers in strictly increasing order, naming the entry, %p",
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const decreasing = increasingBounds(256).reverse();
      const response = await postMetrics(server, [
        { model: 'null', bounds: [null, 1, 2], counts: ['1', '1', '1', '1'] },
        { model: 'bool', bounds: [true, 2], counts: ['1', '1', '1'] },
        { model: 'inf', bounds: [1, 'Infinity'], counts: ['1', '1', '1'] },
        { model: 'equal', bounds: [1, 1, 2], counts: ['1', '1', '1', '1'] },
        {
          model: 'decreasing',
          bounds: decreasing,
          counts: decreasing.concat(0).map(String),
        },
        { model: 'strings', bounds: ['0.5', '1'], counts: ['1', '1', '1'] },
      ]);
      expect(response.status).toBe(200);
      expect(response.body.partialSuccess.rejectedDataPoints).toBe('5');
      expect(response.body.partialSuccess.errorMessage).toBe(
        [
          `5 data point(s) rejected: data point 0 of '${TTFT}': 'explicitBounds[0]' must be a finite number, got null`,
          `data point 1 of '${TTFT}': 'explicitBounds[0]' must be a finite number, got true`,
          `data point 2 of '${TTFT}': 'explicitBounds[1]' must be a finite number, got "Infinity"`,
          `data point 3 of '${TTFT}': 'explicitBounds[1]' must be greater than 'explicitBounds[0]' (1), got 1`,
          `data point 4 of '${TTFT}': 'explicitBounds[1]' must be greater than 'explicitBounds[0]' (256), got 255`,
        ].join('; '),
      );
      expect(
        await knex('ai_platform_histogram_buckets').distinct('subject'),
      ).toEqual([{ subject: 'unattributed:strings' }]);
    },
  );

  it.each(databases.eachSupportedId())(
    "rejects 'bucketCounts' that are not non-negative integers, naming the entry, %p",
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const response = await postMetrics(server, [
        { model: 'negative', bounds: [1], counts: ['1', -1] },
        { model: 'fraction', bounds: [1], counts: [1.5, '1'] },
        { model: 'null', bounds: [1], counts: ['1', null] },
        { model: 'huge', bounds: [1], counts: ['1', '99999999999999999999'] },
        GOOD_POINT,
      ]);
      expect(response.status).toBe(200);
      expect(response.body.partialSuccess).toEqual({
        rejectedDataPoints: '4',
        errorMessage: [
          `4 data point(s) rejected: data point 0 of '${TTFT}': 'bucketCounts[1]' must be a non-negative integer, got -1`,
          `data point 1 of '${TTFT}': 'bucketCounts[0]' must be a non-negative integer, got 1.5`,
          `data point 2 of '${TTFT}': 'bucketCounts[1]' must be a non-negative integer, got null`,
          `data point 3 of '${TTFT}': 'bucketCounts[1]' must be a non-negative integer, got "99999999999999999999"`,
        ].join('; '),
      });
      expect(
        await knex('ai_platform_histogram_buckets').distinct('subject'),
      ).toEqual([{ subject: 'entity:modelendpoint:default/gpt-4o-mini' }]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects a model alias that does not fit a subject (over 255 characters, or NUL), %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const response = await postMetrics(server, [
        { ...GOOD_POINT, model: 'm'.repeat(600) },
        { ...GOOD_POINT, model: 'gpt\u0000' },
        GOOD_POINT,
      ]);
      expect(response.status).toBe(200);
      expect(response.body.partialSuccess).toEqual({
        rejectedDataPoints: '2',
        errorMessage: [
          `2 data point(s) rejected: data point 0 of '${TTFT}': 'gen_ai.request.model' "${'m'.repeat(
            40,
          )}"… (600 characters) is 600 characters long, more than the 255 allowed`,
          `data point 1 of '${TTFT}': 'gen_ai.request.model' "gpt\\u0000" contains a NUL character`,
        ].join('; '),
      });
      expect(
        await knex('ai_platform_histogram_buckets').distinct('subject'),
      ).toEqual([{ subject: 'entity:modelendpoint:default/gpt-4o-mini' }]);
    },
  );

  it.each(databases.eachSupportedId())(
    'stores a histogram in space linear in its buckets, %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      expect(
        (await postMetrics(server, [pointWithBounds(100, 'model-100')])).body,
      ).toEqual({});
      const with100 = await storedHistogramSizeOf(knex);
      expect(
        (await postMetrics(server, [pointWithBounds(200, 'model-200')])).body,
      ).toEqual({});
      const total = await storedHistogramSizeOf(knex);
      const with200 = {
        rows: total.rows - with100.rows,
        chars: total.chars - with100.chars,
      };
      // One row per bucket, one series row and at most one layout row.
      expect(with200.rows).toBeLessThanOrEqual(201 + 2);
      // The bounds text once, not once per bucket row: the old layout
      // stored 153,000 characters for this point (4.2 × the 100-bound one).
      expect(with200.chars).toBeLessThan(200 * 200);
      expect(with200.chars / with100.chars).toBeLessThan(2.5);
    },
  );

  it.each(databases.eachSupportedId())(
    'saturates a bucket count at 2^53 - 1 instead of overflowing it (a bigint overflow failed every later batch on PostgreSQL), %p',
    async databaseId => {
      const { knex, server } = await startBackend(databaseId);
      const huge = String(Number.MAX_SAFE_INTEGER);
      const point: TestPoint = { bounds: [1], counts: [huge, '0'] };
      // 1,100 series (test.point 0 to 1,099) adding to the same stored bucket:
      // 1,100 × (2^53 - 1) is beyond PostgreSQL's bigint.
      const many = Array.from({ length: 1_100 }, () => point);
      const first = await postMetrics(server, many);
      expect(first.status).toBe(200);
      expect(first.body.partialSuccess).toBeUndefined();
      // The same series again (already counted) and one more on top.
      const second = await postMetrics(server, [
        ...many,
        { bounds: [1], counts: ['5', '0'] },
      ]);
      expect(second.status).toBe(200);
      expect(second.body.partialSuccess).toBeUndefined();
      expect(
        await storedBucketsOf(knex, 'entity:modelendpoint:default/gpt-4o-mini'),
      ).toEqual([[0, Number.MAX_SAFE_INTEGER]]);
    },
  );
});
