/*
 * `yarn bench prometheus`: scorecard evaluation latency via Prometheus for 200
 * ModelEndpoints. A real Prometheus (Debian's package, see
 * scripts/prometheus/ensure-prometheus.sh) scrapes an exporter serving
 * vLLM- and LiteLLM-shaped series for 200 models every second. Measured in
 * the same run:
 *   subject:  200 ScorecardEngine evaluations whose SLO checks come from
 *             Prometheus (one combined instant query per entity);
 *   baseline: the same 200 evaluations against the built-in telemetry store
 *             (SQLite in memory, 20 events per entity).
 * Also reported: the naive path (one instant query per metric, sequential).
 */
import { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { BenchCase, measure } from '../../../scripts/bench/types';
import { DatabaseScorecardStore } from '../src/database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../src/database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../src/database/TelemetryStore';
import {
  KnownModelTraffic,
  startKnownDistributionExporter,
} from '../src/prometheus/__testUtils__/knownDistributionExporter';
import {
  findPrometheusBinary,
  startPrometheusServer,
} from '../src/prometheus/__testUtils__/prometheusServer';
import {
  buildEntityMetricQueries,
  PrometheusScorecardSource,
} from '../src/prometheus/PrometheusScorecardSource';
import { DEFAULT_SCORECARD_CONFIG } from '../src/scorecards/scorecardConfig';
import { ScorecardEngine } from '../src/scorecards/ScorecardEngine';

const ENTITY_COUNT = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

function traffic(i: number): KnownModelTraffic {
  return {
    alias: `bench-model-${i}`,
    ttftSecondsPerScrape: Array.from({ length: 20 }, (_, j) => 0.02 * (j + 1)),
    latencySecondsPerScrape: Array.from({ length: 20 }, (_, j) => 0.5 + j / 10),
    vllmFinishedPerScrape: { stop: 19, length: 0, abort: 1 },
    litellmRequestsPerScrape: 20,
    litellmFailuresPerScrape: 1,
    promptTokensPerScrape: 1000,
    generationTokensPerScrape: 200,
    spendUsdPerScrape: 0.01,
  };
}

function endpoint(i: number): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: `bench-endpoint-${i}`, namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
      serving: { mode: 'self-hosted', runtime: 'vllm', cluster: 'gpu-bench' },
      gateway: { model: `bench-model-${i}` },
      slo: { ttftP95Ms: 500, errorRatePercent: 5 },
    },
  };
}

function events(i: number, now: number): TelemetryEvent[] {
  return Array.from({ length: 20 }, (_, j) => ({
    source: 'litellm',
    sourceEventId: `bench-${i}-${j}`,
    occurredAt: new Date(now - (j + 1) * 60_000),
    entityRef: `modelendpoint:default/bench-endpoint-${i}`,
    joinKey: `bench-model-${i}`,
    operation: 'chat',
    model: 'llama',
    provider: 'vllm',
    streamed: true,
    status: j === 0 ? 'error' : 'ok',
    errorType: j === 0 ? 'InternalServerError' : null,
    inputTokens: 50,
    outputTokens: 10,
    costUsd: 0.0005,
    ttftMs: 20 * (j + 1),
    latencyMs: 500 + 100 * j,
  }));
}

const benchCase: BenchCase = {
  name: 'prometheus-scorecards',
  description: `${ENTITY_COUNT} scorecard evaluations with SLO checks from a real Prometheus vs the same evaluations from the built-in telemetry store (SQLite)`,
  async run() {
    const binary = findPrometheusBinary();
    if (!binary) {
      throw new Error(
        'No prometheus binary at $PROMETHEUS_BIN or /usr/bin/prometheus; run scripts/prometheus/ensure-prometheus.sh',
      );
    }
    const entities = Array.from({ length: ENTITY_COUNT }, (_, i) =>
      endpoint(i),
    );
    const exporter = await startKnownDistributionExporter(
      Array.from({ length: ENTITY_COUNT }, (_, i) => traffic(i)),
    );
    const prometheus = await startPrometheusServer({
      binary,
      targets: [exporter.target],
    });
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    try {
      while (exporter.scrapes() < 5) {
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      const telemetryStore = await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      const now = Date.now();
      await telemetryStore.insertEvents(
        entities.flatMap((_, i) => events(i, now)),
      );
      const scorecardStore = new DatabaseScorecardStore(knex);
      const server = {
        url: prometheus.url,
        headers: {},
        timeoutMs: 5000,
        // Scrapes every second and only seconds of data: align to 1 s.
        stepSeconds: 1,
      };
      const source = new PrometheusScorecardSource({
        config: {
          global: undefined,
          default: false,
          clusters: new Map([
            ['gpu-bench', { ...server, name: 'gpu-bench', selector: [] }],
          ]),
        },
      });
      const options = {
        telemetryStore,
        evalRunStore: scorecardStore,
        resultStore: scorecardStore,
        config: DEFAULT_SCORECARD_CONFIG,
      };
      const viaPrometheus = new ScorecardEngine({
        ...options,
        externalSource: source,
      });
      const viaStore = new ScorecardEngine(options);

      // Sanity: the Prometheus path really answers (not source-unavailable).
      const probeDeadline = Date.now() + 30_000;
      for (;;) {
        const probe = await viaPrometheus.evaluate(entities[0]);
        const ttft = probe.checks.find(c => c.checkId === 'ttft-p95');
        if (ttft?.source === 'prometheus' && ttft.status === 'pass') break;
        if (Date.now() > probeDeadline) {
          throw new Error(`Prometheus did not answer: ${JSON.stringify(ttft)}`);
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }

      const evaluateAll = (engine: ScorecardEngine) => async () => {
        for (const entity of entities) {
          await engine.evaluate(entity);
        }
      };
      const naive = async () => {
        const to = new Date();
        for (const entity of entities) {
          const target = source.resolveTarget(entity)!;
          const queries = buildEntityMetricQueries(target, `${DAY_MS / 1000}s`);
          for (const metric of [
            'ttft_p95_seconds',
            'ttft_count',
            'requests',
            'errors',
          ] as const) {
            await target.client.queryInstant(queries[metric], to);
          }
        }
      };

      const store = await measure(evaluateAll(viaStore), { runs: 5 });
      const prom = await measure(evaluateAll(viaPrometheus), { runs: 5 });
      const perMetric = await measure(naive, { runs: 3 });
      return {
        figures: {
          entities: ENTITY_COUNT,
          'Prometheus evaluations, median ms': prom.medianMs,
          'Prometheus per entity, median ms': prom.medianMs / ENTITY_COUNT,
          'built-in store evaluations, median ms': store.medianMs,
          'built-in store per entity, median ms': store.medianMs / ENTITY_COUNT,
          'naive per-metric queries only, median ms': perMetric.medianMs,
          'Prometheus scrapes served': exporter.scrapes(),
        },
        ratio: prom.medianMs / store.medianMs,
        ratioLabel: 'Prometheus evaluations / built-in store evaluations',
      };
    } finally {
      await knex.destroy();
      await prometheus.stop();
      await exporter.close();
    }
  },
};

export default benchCase;
