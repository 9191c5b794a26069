import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import net from 'node:net';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { DEFAULT_SCORECARD_CONFIG } from '../scorecards/scorecardConfig';
import { ScorecardEngine } from '../scorecards/ScorecardEngine';
import { ScorecardSourceUnavailableError } from '../scorecards/types';
import {
  KnownDistributionExporter,
  KnownModelTraffic,
  LITELLM_LATENCY_BUCKETS_SECONDS,
  startKnownDistributionExporter,
  VLLM_TTFT_BUCKETS_SECONDS,
} from './__testUtils__/knownDistributionExporter';
import {
  findPrometheusBinary,
  startPrometheusServer,
  TestPrometheusServer,
} from './__testUtils__/prometheusServer';
import { PrometheusScorecardSource } from './PrometheusScorecardSource';
import { PrometheusTelemetryConfig } from './prometheusTelemetryConfig';

jest.setTimeout(120_000);

/** A JSON object, as entity specs are. */
type JsonObject = NonNullable<Entity['spec']>;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const prometheusBinary = findPrometheusBinary();
const SKIP_REASON =
  'no prometheus binary at $PROMETHEUS_BIN, /usr/bin/prometheus or on the PATH; run scripts/prometheus/ensure-prometheus.sh';
if (!prometheusBinary) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus tests: ${SKIP_REASON}`);
}
const describeWithPrometheus = prometheusBinary ? describe : describe.skip;
const SUITE = prometheusBinary
  ? `PrometheusScorecardSource against Prometheus (${prometheusBinary})`
  : `PrometheusScorecardSource against Prometheus — SKIPPED: ${SKIP_REASON}`;

const repeat = (value: number, times: number) =>
  Array.from({ length: times }, () => value);

const LLAMA: KnownModelTraffic = {
  alias: 'llama-chat',
  ttftSecondsPerScrape: [
    ...repeat(0.03, 10),
    ...repeat(0.09, 5),
    ...repeat(0.3, 3),
    0.6,
    0.7,
  ],
  latencySecondsPerScrape: [...repeat(0.9, 18), 3, 4],
  vllmFinishedPerScrape: { stop: 17, length: 2, abort: 1 },
  litellmRequestsPerScrape: 20,
  litellmFailuresPerScrape: 1,
  promptTokensPerScrape: 1000,
  generationTokensPerScrape: 250,
  spendUsdPerScrape: 0.0625,
};
const GPT: KnownModelTraffic = {
  alias: 'gpt-4o-mini',
  ttftSecondsPerScrape: [...repeat(0.2, 15), ...repeat(0.8, 4), 0.9],
  latencySecondsPerScrape: repeat(1.2, 20),
  vllmFinishedPerScrape: { stop: 0, length: 0, abort: 0 },
  litellmRequestsPerScrape: 40,
  litellmFailuresPerScrape: 3,
  promptTokensPerScrape: 4000,
  generationTokensPerScrape: 800,
  spendUsdPerScrape: 0.125,
};
/** An alias that needs escaping in PromQL and in the exposition format. */
const TRICKY: KnownModelTraffic = {
  ...LLAMA,
  alias: 'team "q"\\chat',
  vllmFinishedPerScrape: { stop: 10, length: 0, abort: 0 },
};

/**
 * Prometheus's `histogram_quantile` on the known observations: the bucket
 * holding rank q × n, interpolated linearly between its bounds.
 */
function expectedQuantile(
  q: number,
  observations: number[],
  bucketsSeconds: number[],
): { value: number; lower: number; upper: number } {
  const rank = q * observations.length;
  let lower = 0;
  let below = 0;
  for (const upper of bucketsSeconds) {
    const cumulative = observations.filter(v => v <= upper).length;
    if (cumulative >= rank) {
      return {
        value:
          lower + ((upper - lower) * (rank - below)) / (cumulative - below),
        lower,
        upper,
      };
    }
    lower = upper;
    below = cumulative;
  }
  throw new Error('rank beyond the last finite bucket');
}

/** The nearest-rank percentile of the known observations. */
function nearestRank(q: number, observations: number[]): number {
  const sorted = [...observations].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1];
}

function modelEndpoint(
  name: string,
  alias: string,
  serving: JsonObject,
  extra: { annotations?: Record<string, string>; spec?: JsonObject } = {},
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: {
      name,
      namespace: 'default',
      annotations: extra.annotations,
    },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      model: { name: 'some/model' },
      serving,
      gateway: { model: alias },
      ...extra.spec,
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  };
}

const SELF_HOSTED = {
  mode: 'self-hosted',
  runtime: 'vllm',
  cluster: 'gpu-eu-west-1',
};
const LLAMA_ENDPOINT = modelEndpoint('llama-chat', LLAMA.alias, SELF_HOSTED, {
  spec: { slo: { ttftP95Ms: 800, errorRatePercent: 10 } },
});
const GPT_ENDPOINT = modelEndpoint('gpt-4o-mini', GPT.alias, {
  mode: 'managed',
  provider: 'openai',
});
const TRICKY_ENDPOINT = modelEndpoint('tricky', TRICKY.alias, SELF_HOSTED);

/** A server in front of the shared Prometheus that one test can stop. */
type PrometheusForwarder = { url: string; stop(): Promise<void> };

/**
 * Forwards TCP connections from a new loopback port to `target`. Stopping it closes the
 * port and every open connection (keep-alive ones included), so a client sees Prometheus
 * go down (ECONNREFUSED) while the shared Prometheus keeps serving the other tests, in
 * any order.
 */
async function startPrometheusForwarder(
  target: string,
): Promise<PrometheusForwarder> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const upstream = net.connect(Number(port), hostname);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port: forwarderPort } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${forwarderPort}`,
    stop: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
      }),
  };
}

describeWithPrometheus(SUITE, () => {
  let exporter: KnownDistributionExporter;
  let prometheus: TestPrometheusServer;
  let frozenScrapes: number;
  /** Time of the last sample: queries there see no extrapolation. */
  let lastSampleAt: Date;
  let source: PrometheusScorecardSource;

  function configFor(url: string): PrometheusTelemetryConfig {
    return {
      global: undefined,
      default: false,
      clusters: new Map([
        [
          'gpu-eu-west-1',
          {
            name: 'gpu-eu-west-1',
            url,
            headers: { Authorization: 'Bearer not-checked-by-prometheus' },
            timeoutMs: 2000,
            // Millisecond alignment: evaluate exactly at the last sample.
            stepSeconds: 0.001,
            selector: [],
          },
        ],
      ]),
    };
  }

  async function instant(expr: string): Promise<number | undefined> {
    const response = await fetch(
      `${prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr })}`,
    );
    const body = await response.json();
    const value = body.data?.result?.[0]?.value?.[1];
    return value === undefined ? undefined : Number(value);
  }

  beforeAll(async () => {
    exporter = await startKnownDistributionExporter([LLAMA, GPT, TRICKY]);
    prometheus = await startPrometheusServer({
      binary: prometheusBinary!,
      targets: [exporter.target],
    });
    // Let the counters grow over several scrapes, then stop the growth.
    const deadline = Date.now() + 60_000;
    while (exporter.scrapes() < 6 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    frozenScrapes = exporter.freeze();
    const spendSeries = 'litellm_spend_metric_total{model="gpt-4o-mini"}';
    for (;;) {
      const value = await instant(spendSeries);
      if (value === frozenScrapes * GPT.spendUsdPerScrape) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Prometheus never ingested the frozen totals: ${value}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    // The first sample is the first scrape, all zeros.
    const first = await instant(`min_over_time(${spendSeries}[1h])`);
    if (first !== 0) {
      throw new Error(`The first scrape should be all zeros, got ${first}`);
    }
    lastSampleAt = new Date(
      (await instant(`timestamp(${spendSeries})`))! * 1000,
    );
    source = new PrometheusScorecardSource({
      config: configFor(prometheus.url),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  const lastDay = () => ({
    from: new Date(lastSampleAt.getTime() - DAY_MS),
    to: lastSampleAt,
  });

  it('answers a vLLM endpoint: TTFT percentiles within the bucket, error rate, counters', async () => {
    expect(frozenScrapes).toBeGreaterThanOrEqual(5);
    const metrics = await source.getEntityMetrics(LLAMA_ENDPOINT, lastDay());

    const p95 = expectedQuantile(
      0.95,
      LLAMA.ttftSecondsPerScrape,
      VLLM_TTFT_BUCKETS_SECONDS,
    );
    const trueP95 = nearestRank(0.95, LLAMA.ttftSecondsPerScrape);
    expect(trueP95).toBeGreaterThan(p95.lower);
    expect(trueP95).toBeLessThanOrEqual(p95.upper);
    expect(metrics.ttftP95Ms! / 1000).toBeGreaterThan(p95.lower);
    expect(metrics.ttftP95Ms! / 1000).toBeLessThanOrEqual(p95.upper);
    expect(metrics.ttftP95Ms!).toBeCloseTo(p95.value * 1000, 6);
    const p50 = expectedQuantile(
      0.5,
      LLAMA.ttftSecondsPerScrape,
      VLLM_TTFT_BUCKETS_SECONDS,
    );
    expect(metrics.ttftP50Ms!).toBeCloseTo(p50.value * 1000, 6);
    const latencyP95 = expectedQuantile(
      0.95,
      LLAMA.latencySecondsPerScrape,
      VLLM_TTFT_BUCKETS_SECONDS,
    );
    expect(metrics.latencyP95Ms!).toBeCloseTo(latencyP95.value * 1000, 6);

    // 1 aborted of 20 finished requests per scrape.
    expect(metrics.errorRatePercent).toBeCloseTo(5, 9);
    expect(metrics.requests).toBeCloseTo(frozenScrapes * 20, 6);
    expect(metrics.ttftCount).toBeCloseTo(frozenScrapes * 20, 6);
    expect(metrics.inputTokens).toBeCloseTo(frozenScrapes * 1000, 6);
    expect(metrics.outputTokens).toBeCloseTo(frozenScrapes * 250, 6);
    // vLLM has no spend: it comes from LiteLLM's counter for the alias.
    expect(metrics.spendUsd).toBeCloseTo(frozenScrapes * 0.0625, 9);
    expect(metrics.requestRatePerSecond).toBeGreaterThan(0);
    expect(metrics.evaluatedAt).toEqual(lastSampleAt);
  });

  it('answers a LiteLLM-only endpoint: model / model_group labels, spend, error rate', async () => {
    const managedSource = new PrometheusScorecardSource({
      config: {
        ...configFor(prometheus.url),
        global: { ...configFor(prometheus.url).clusters.get('gpu-eu-west-1')! },
        default: true,
      },
    });
    expect(managedSource.appliesTo(GPT_ENDPOINT)).toBe(true);
    // Without `default`, a managed endpoint (no cluster) is not Prometheus's.
    expect(source.appliesTo(GPT_ENDPOINT)).toBe(false);

    const metrics = await managedSource.getEntityMetrics(
      GPT_ENDPOINT,
      lastDay(),
    );
    const p95 = expectedQuantile(
      0.95,
      GPT.ttftSecondsPerScrape,
      LITELLM_LATENCY_BUCKETS_SECONDS,
    );
    expect(nearestRank(0.95, GPT.ttftSecondsPerScrape)).toBeLessThanOrEqual(
      p95.upper,
    );
    expect(metrics.ttftP95Ms!).toBeCloseTo(p95.value * 1000, 6);
    expect(metrics.ttftP95Ms! / 1000).toBeGreaterThan(p95.lower);
    expect(metrics.errorRatePercent).toBeCloseTo((3 / 40) * 100, 9);
    expect(metrics.requests).toBeCloseTo(frozenScrapes * 40, 6);
    expect(metrics.spendUsd).toBeCloseTo(frozenScrapes * 0.125, 9);
    // The latency series carries model and model_group: counted once.
    expect(metrics.latencyP50Ms!).toBeCloseTo(
      expectedQuantile(
        0.5,
        GPT.latencySecondsPerScrape,
        LITELLM_LATENCY_BUCKETS_SECONDS,
      ).value * 1000,
      6,
    );
  });

  it('escapes label values and keeps models apart', async () => {
    const metrics = await source.getEntityMetrics(TRICKY_ENDPOINT, lastDay());
    expect(metrics.requests).toBeCloseTo(frozenScrapes * 10, 6);
    expect(metrics.errorRatePercent).toBe(0);
  });

  it('takes the selector annotation, and rejects one that is not a label-matcher list', async () => {
    const annotated = modelEndpoint('annotated', 'unused-alias', SELF_HOSTED, {
      annotations: {
        'aiplatform.io/prometheus-selector':
          '{model_name="llama-chat", engine=~"0|1"}',
      },
    });
    const metrics = await source.getSloTelemetry(annotated, lastDay());
    expect(metrics.requests).toBe(frozenScrapes * 20);
    expect(metrics.errorRatePercent).toBeCloseTo(5, 9);

    const injected = modelEndpoint('injected', 'x', SELF_HOSTED, {
      annotations: {
        'aiplatform.io/prometheus-selector':
          'model_name="x"} or vector(1) or up{job="y"',
      },
    });
    expect(source.appliesTo(injected)).toBe(true);
    await expect(source.getSloTelemetry(injected, lastDay())).rejects.toThrow(
      ScorecardSourceUnavailableError,
    );
    await expect(source.getSloTelemetry(injected, lastDay())).rejects.toThrow(
      /annotation aiplatform.io\/prometheus-selector must be a label-matcher list/,
    );
  });

  it('reads hourly time series by query_range', async () => {
    const stepMs = HOUR_MS;
    const from = new Date(Math.floor(Date.now() / stepMs) * stepMs - stepMs);
    const points = await source.getTimeseries(LLAMA_ENDPOINT, {
      metric: 'requests',
      from,
      stepMs,
      steps: 2,
    });
    expect(points.map(p => p.start)).toEqual([
      from.toISOString(),
      new Date(from.getTime() + stepMs).toISOString(),
    ]);
    const total = points.reduce((sum, p) => sum + (p.value ?? 0), 0);
    // increase() extrapolates by at most half a scrape interval per end.
    expect(total).toBeGreaterThanOrEqual(frozenScrapes * 20 - 1e-6);
    expect(total).toBeLessThan(frozenScrapes * 20 * 1.5);
    const ttft = await source.getTimeseries(LLAMA_ENDPOINT, {
      metric: 'ttft_p95_ms',
      from,
      stepMs,
      steps: 2,
    });
    const withTtft = ttft.filter(p => p.value !== null);
    expect(withTtft.length).toBeGreaterThan(0);
    for (const point of withTtft) {
      expect(point.value).toBeCloseTo(
        expectedQuantile(
          0.95,
          LLAMA.ttftSecondsPerScrape,
          VLLM_TTFT_BUCKETS_SECONDS,
        ).value * 1000,
        1,
      );
    }
  });

  describe('through the scorecard engine and the REST API', () => {
    const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });
    const forwarders: PrometheusForwarder[] = [];
    afterEach(async () => {
      await Promise.all(forwarders.splice(0).map(f => f.stop()));
    });

    it.each(databases.eachSupportedId())(
      'scores SLO checks from Prometheus and budget checks from the store, %p',
      async databaseId => {
        const knex = await databases.init(databaseId);
        const telemetryStore = await DatabaseTelemetryStore.create({
          database: { getClient: async () => knex },
        });
        const scorecardStore = new DatabaseScorecardStore(knex);
        const engine = new ScorecardEngine({
          telemetryStore,
          evalRunStore: scorecardStore,
          resultStore: scorecardStore,
          config: DEFAULT_SCORECARD_CONFIG,
          externalSource: source,
          now: () => lastSampleAt,
        });
        const entity = modelEndpoint('llama-chat', LLAMA.alias, SELF_HOSTED, {
          spec: {
            slo: { ttftP95Ms: 600, errorRatePercent: 10 },
            budget: { monthlyUsd: 100 },
          },
        });
        const evaluation = await engine.evaluate(entity);
        const byId = new Map(evaluation.checks.map(c => [c.checkId, c]));
        expect(byId.get('ttft-p95')).toMatchObject({
          status: 'warn', // 625 ms against 600 ms, within the 1.2 warn factor
          value: 625,
          source: 'prometheus',
        });
        expect(byId.get('error-rate')).toMatchObject({
          status: 'pass',
          value: 5,
          source: 'prometheus',
        });
        expect(byId.get('budget-mtd')).toMatchObject({
          source: 'telemetry-store',
        });
        const [stored] = await scorecardStore.listEvaluations({
          entityRef: 'modelendpoint:default/llama-chat',
          limit: 1,
        });
        expect(stored.checks.find(c => c.checkId === 'ttft-p95')?.source).toBe(
          'prometheus',
        );
      },
    );

    // Takes down its own forwarder, not the shared Prometheus: runs in any order.
    it.each(databases.eachSupportedId())(
      'reports source-unavailable when Prometheus is down and keeps the last good result visible, %p',
      async databaseId => {
        const forwarder = await startPrometheusForwarder(prometheus.url);
        forwarders.push(forwarder);
        const { server } = await startIngestTestBackend(databases, databaseId, {
          entities: [LLAMA_ENDPOINT],
          permission: AuthorizeResult.ALLOW,
          config: {
            aiPlatform: {
              telemetry: {
                prometheus: {
                  url: forwarder.url,
                  headers: { Authorization: 'Bearer secret-token' },
                  timeoutMs: 1500,
                  stepSeconds: 1,
                  clusters: [{ name: 'gpu-eu-west-1' }],
                },
              },
            },
          },
        });
        const path =
          '/api/ai-platform/scorecards/by-entity/modelendpoint/default/llama-chat';
        const user = mockCredentials.user.header();

        const good = await request(server)
          .post(`${path}/evaluate`)
          .set('Authorization', user);
        expect(good.status).toBe(200);
        const goodTtft = good.body.checks.find(
          (c: any) => c.checkId === 'ttft-p95',
        );
        expect(goodTtft).toMatchObject({
          source: 'prometheus',
          status: 'pass',
        });
        expect(goodTtft.value).toBeGreaterThan(500);

        const series = await request(server)
          .get(
            '/api/ai-platform/timeseries/by-entity/modelendpoint/default/llama-chat',
          )
          .query({ metric: 'requests', window: '2h', step: '1h' })
          .set('Authorization', user);
        expect(series.status).toBe(200);
        expect(series.body.source).toBe('prometheus');
        expect(
          series.body.points.every((p: any) => p.source === 'prometheus'),
        ).toBe(true);

        await forwarder.stop();

        const down = await request(server)
          .post(`${path}/evaluate`)
          .set('Authorization', user);
        expect(down.status).toBe(200);
        const downTtft = down.body.checks.find(
          (c: any) => c.checkId === 'ttft-p95',
        );
        expect(downTtft).toMatchObject({
          status: 'source-unavailable',
          value: null,
          source: 'prometheus',
          lastAvailable: {
            status: 'pass',
            value: goodTtft.value,
            source: 'prometheus',
          },
        });
        expect(downTtft.message).toMatch(
          new RegExp(
            `^source unavailable: Prometheus at ${forwarder.url.replace(
              /\./g,
              '\\.',
            )} could not be reached: ECONNREFUSED`,
          ),
        );
        expect(downTtft.message).not.toContain('secret-token');
        expect(down.body.history).toHaveLength(2);
        // The SLO checks read Prometheus, and so do the GPU efficiency checks
        // of this self-hosted endpoint (its cluster uses Prometheus for slo
        // and gpu by default): all four say the source is unavailable.
        expect(
          down.body.checks
            .filter((c: any) => c.status === 'source-unavailable')
            .map((c: any) => c.checkId)
            .sort(),
        ).toEqual(['error-rate', 'gpu-idle', 'saturation', 'ttft-p95']);
        expect(down.body.history[0].counts['source-unavailable']).toBe(4);
        expect(down.body.history[1].checks).toContainEqual({
          checkId: 'ttft-p95',
          status: 'pass',
          source: 'prometheus',
          value: goodTtft.value,
        });

        const read = await request(server).get(path).set('Authorization', user);
        expect(
          read.body.checks.find((c: any) => c.checkId === 'ttft-p95')
            .lastAvailable.value,
        ).toBe(goodTtft.value);

        const seriesDown = await request(server)
          .get(
            '/api/ai-platform/timeseries/by-entity/modelendpoint/default/llama-chat',
          )
          .query({ metric: 'requests', window: '2h', step: '1h' })
          .set('Authorization', user);
        expect(seriesDown.status).toBe(503);
        expect(seriesDown.body.error.message).toMatch(
          /^source unavailable: Prometheus at/,
        );
      },
    );
  });
});
