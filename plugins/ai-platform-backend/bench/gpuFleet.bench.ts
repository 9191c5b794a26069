/*
 * `yarn bench gpu`: fleet evaluation of GPU cost (GPU-hours) and GPU
 * utilisation for 1,000 self-hosted ModelEndpoints on a real Prometheus
 * (Debian's package, see scripts/prometheus/ensure-prometheus.sh) scraping
 * the GPU fleet exporter (kube-state-metrics-, DCGM- and vLLM-shaped series
 * of 1,000 workloads, ~1,500 pods, ~9,000 series) every second. Prometheus
 * cannot be backfilled here, so the window is the data it scraped: by
 * default 120 s (GPU_BENCH_DATA_SECONDS), read with a 1 s subquery step,
 * i.e. 120 points per series. Measured in the same run:
 *   subject:  PrometheusGpuTelemetry.measure for all 1,000 endpoints at once
 *             (one grouped query per reading: 2 queries);
 *   baseline: the same readings one entity at a time (measure([entity]),
 *             2 queries per entity, 2,000 in all, sequential).
 * Targets (issue 12): grouped < 2 s, and ≥ 10× faster than per entity.
 */
import { Entity } from '@backstage/catalog-model';
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { BenchCase, measure } from '../../../scripts/bench/types';
import { GpuMeasureRequest } from '../src/domain/gpuTelemetry';
import {
  GpuFleetWorkload,
  startGpuFleetExporter,
} from '../src/prometheus/__testUtils__/gpuFleetExporter';
import {
  findPrometheusBinary,
  startPrometheusServer,
} from '../src/prometheus/__testUtils__/prometheusServer';
import { PrometheusGpuTelemetry } from '../src/prometheus/PrometheusGpuTelemetry';
import { DEFAULT_PROMETHEUS_GPU_CONFIG } from '../src/prometheus/prometheusGpuConfig';

const ENDPOINT_COUNT = 1000;
const DATA_SECONDS = Number(process.env.GPU_BENCH_DATA_SECONDS ?? 120);
const GROUPED_LIMIT_MS = 2000;
const SPEED_UP_LIMIT = 10;

function workload(i: number): GpuFleetWorkload {
  const kserve = i % 4 === 3;
  return {
    namespace: `team-${i % 25}`,
    workload: kserve ? `bench-${i}-predictor` : `bench-${i}`,
    replicas: 1 + (i % 2),
    gpusPerPod: 1 + (i % 3 === 0 ? 1 : 0),
    utilisationPercent: 10 + (i % 80),
    kvCacheFraction: (i % 10) / 10,
    waitingRequests: i % 3,
    runningRequests: 1 + (i % 5),
  };
}

function endpoint(i: number): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: `bench-${i}`, namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
      serving: {
        mode: 'self-hosted',
        runtime: i % 4 === 3 ? 'kserve' : 'vllm',
        cluster: 'gpu-bench',
        namespace: `team-${i % 25}`,
      },
      gateway: { model: `bench-${i}` },
    },
  };
}

const benchCase: BenchCase = {
  name: 'gpu-fleet',
  description: `GPU-hours + utilisation of ${ENDPOINT_COUNT} self-hosted endpoints from a real Prometheus (${DATA_SECONDS} s of 1 s scrapes): one grouped query per reading for the fleet vs one query per reading per entity`,
  targetRatio: 1 / SPEED_UP_LIMIT,
  async run() {
    const binary = findPrometheusBinary();
    if (!binary) {
      throw new Error(
        'No prometheus binary at $PROMETHEUS_BIN or /usr/bin/prometheus; run scripts/prometheus/ensure-prometheus.sh',
      );
    }
    const workloads = Array.from({ length: ENDPOINT_COUNT }, (_, i) =>
      workload(i),
    );
    const entities = Array.from({ length: ENDPOINT_COUNT }, (_, i) =>
      endpoint(i),
    );
    const exporter = await startGpuFleetExporter({ workloads });
    const prometheus = await startPrometheusServer({
      binary,
      targets: [exporter.target],
    });
    try {
      while (exporter.scrapes() < 2) {
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      // Whole seconds, so the window holds exactly DATA_SECONDS 1 s steps.
      const from = new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000);
      await new Promise(resolve =>
        setTimeout(resolve, DATA_SECONDS * 1000 + 1000),
      );
      const window = {
        from,
        to: new Date(from.getTime() + DATA_SECONDS * 1000),
      };
      const request: GpuMeasureRequest = {
        allocationWindow: window,
        utilisationWindow: window,
        saturationWindow: window,
        readings: ['gpuHours', 'utilisationPercent'],
      };
      const server = { url: prometheus.url, headers: {}, timeoutMs: 30_000 };
      const telemetry = new PrometheusGpuTelemetry({
        config: {
          global: undefined,
          default: false,
          clusters: new Map([
            [
              'gpu-bench',
              {
                ...server,
                stepSeconds: 1,
                name: 'gpu-bench',
                selector: [],
                gpu: { ...DEFAULT_PROMETHEUS_GPU_CONFIG, stepSeconds: 1 },
              },
            ],
          ]),
        },
      });

      // Sanity: every endpoint gets its known GPU-hours and utilisation.
      const fleet = await telemetry.measure(entities, request);
      const wrong = entities.filter((entity, i) => {
        const m = fleet.get(`modelendpoint:default/${entity.metadata.name}`);
        const w = workloads[i];
        const hours = (m?.gpuHours as { value?: number })?.value;
        const util = (m?.utilisationPercent as { value?: number })?.value;
        return (
          hours === undefined ||
          util === undefined ||
          Math.abs(hours - (w.replicas * w.gpusPerPod * DATA_SECONDS) / 3600) >
            1e-9 ||
          Math.abs(util - w.utilisationPercent) > 1e-9
        );
      });
      if (wrong.length > 0) {
        const first = wrong[0].metadata.name;
        throw new Error(
          `${
            wrong.length
          } endpoints read wrong, e.g. ${first}: ${JSON.stringify(
            fleet.get(`modelendpoint:default/${first}`),
          )}`,
        );
      }

      const grouped = await measure(
        () => telemetry.measure(entities, request),
        {
          runs: 5,
        },
      );
      const perEntity = await measure(
        async () => {
          for (const entity of entities) {
            await telemetry.measure([entity], request);
          }
        },
        { runs: 3 },
      );
      const speedUp = perEntity.medianMs / grouped.medianMs;
      return {
        figures: {
          endpoints: ENDPOINT_COUNT,
          'data window s (1 s scrape, 1 s step)': DATA_SECONDS,
          'grouped fleet evaluation, median ms': grouped.medianMs,
          'grouped fleet evaluation, max ms': grouped.maxMs,
          'one query per entity, median ms': perEntity.medianMs,
          'speed-up (per entity / grouped)': speedUp,
          'Prometheus scrapes served': exporter.scrapes(),
        },
        targets: [
          {
            label: 'grouped fleet evaluation of 1,000 endpoints, median ms',
            value: grouped.medianMs,
            op: '<',
            limit: GROUPED_LIMIT_MS,
          },
          {
            label: 'speed-up of grouped over one query per entity, ×',
            value: speedUp,
            op: '>=',
            limit: SPEED_UP_LIMIT,
          },
        ],
        ratio: grouped.medianMs / perEntity.medianMs,
        ratioLabel: 'grouped fleet evaluation / one query per entity',
      };
    } finally {
      await prometheus.stop();
      await exporter.close();
    }
  },
};

export default benchCase;
