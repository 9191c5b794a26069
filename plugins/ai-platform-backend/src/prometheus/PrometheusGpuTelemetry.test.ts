import { Entity } from '@backstage/catalog-model';
import net from 'node:net';
import { GpuMeasureRequest } from '../domain/gpuTelemetry';
import {
  GpuFleetExporter,
  GpuFleetWorkload,
  startGpuFleetExporter,
} from './__testUtils__/gpuFleetExporter';
import {
  findPrometheusBinary,
  startPrometheusServer,
  TestPrometheusServer,
} from './__testUtils__/prometheusServer';
import { gpuQueryWindow } from './gpuFleetQueries';
import { PrometheusGpuTelemetry } from './PrometheusGpuTelemetry';
import {
  DEFAULT_PROMETHEUS_GPU_CONFIG,
  PrometheusGpuConfig,
} from './prometheusGpuConfig';
import { PrometheusTelemetryConfig } from './prometheusTelemetryConfig';

jest.setTimeout(120_000);

const prometheusBinary = findPrometheusBinary();
const SKIP_REASON =
  'no prometheus binary at $PROMETHEUS_BIN, /usr/bin/prometheus or on the PATH; run scripts/prometheus/ensure-prometheus.sh';
if (!prometheusBinary) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the real-Prometheus GPU tests: ${SKIP_REASON}`);
}
const describeWithPrometheus = prometheusBinary ? describe : describe.skip;
const SUITE = prometheusBinary
  ? `PrometheusGpuTelemetry against Prometheus (${prometheusBinary})`
  : `PrometheusGpuTelemetry against Prometheus — SKIPPED: ${SKIP_REASON}`;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function endpoint(
  name: string,
  serving: Record<string, unknown>,
  cluster = 'gpu-east',
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      model: { name: 'some/model' },
      serving: { mode: 'self-hosted', cluster, ...serving },
      gateway: { model: name },
    },
  };
}

const ref = (name: string) => `modelendpoint:default/${name}`;

/** vLLM Deployment, 2 pods × 1 GPU; the pods differ in KV cache and load. */
const LLAMA: GpuFleetWorkload = {
  namespace: 'serving-a',
  workload: 'llama-a',
  replicas: 2,
  gpusPerPod: 1,
  utilisationPercent: 40,
  kvCacheFraction: 0.5,
  waitingRequests: 2,
  runningRequests: 3,
  perPod: [{}, { kvCacheFraction: 0.7, runningRequests: 5 }],
};
/** KServe predictor, 1 pod × 2 GPUs, on vLLM's older KV-cache metric. */
const MISTRAL: GpuFleetWorkload = {
  namespace: 'serving-b',
  workload: 'mistral-b-predictor',
  replicas: 1,
  gpusPerPod: 2,
  utilisationPercent: 90,
  kvCacheFraction: 0.25,
  waitingRequests: 0,
  runningRequests: 1,
  legacyKvCacheMetric: true,
};
/** Decoys: names a careless prefix or an unescaped `.` would pick up. */
const DECOYS: GpuFleetWorkload[] = [
  { ...LLAMA, workload: 'llama-a-canary', replicas: 1, gpusPerPod: 4 },
  { ...LLAMA, workload: 'qwenx2', replicas: 3, gpusPerPod: 8 },
];
const QWEN: GpuFleetWorkload = {
  ...LLAMA,
  workload: 'qwen.2',
  replicas: 1,
  perPod: undefined,
};

const LLAMA_ENDPOINT = endpoint('llama-a', {
  runtime: 'vllm',
  namespace: 'serving-a',
});
const MISTRAL_ENDPOINT = endpoint('mistral-b', {
  runtime: 'kserve',
  namespace: 'serving-b',
});
const QWEN_ENDPOINT = endpoint('qwen.2', {
  runtime: 'vllm',
  namespace: 'serving-a',
});
/** A namespace trying to end the label matcher and add its own query. */
const HOSTILE_ENDPOINT = endpoint('llama-a', {
  runtime: 'vllm',
  namespace: 'serving-a"}) or vector(1) or sum({namespace="',
});
HOSTILE_ENDPOINT.metadata.name = 'hostile';

function gpuClusters(
  url: string,
  gpu: Partial<PrometheusGpuConfig> = {},
  extraClusters: Array<{ name: string; url: string }> = [],
): PrometheusTelemetryConfig {
  const server = { headers: {}, timeoutMs: 3000, stepSeconds: 1 };
  return {
    global: undefined,
    default: false,
    clusters: new Map(
      [{ name: 'gpu-east', url }, ...extraClusters].map(c => [
        c.name,
        {
          ...server,
          ...c,
          selector: [],
          uses: ['gpu'],
          // Seconds of data: step 1 s, the scrape interval.
          gpu: { ...DEFAULT_PROMETHEUS_GPU_CONFIG, stepSeconds: 1, ...gpu },
        },
      ]),
    ),
  };
}

function telemetry(
  url: string,
  gpu: Partial<PrometheusGpuConfig> = {},
  extraClusters: Array<{ name: string; url: string }> = [],
  gpusPerReplica?: (entity: Entity) => number,
): PrometheusGpuTelemetry {
  return new PrometheusGpuTelemetry({
    config: gpuClusters(url, gpu, extraClusters),
    gpusPerReplica,
  });
}

async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describeWithPrometheus(SUITE, () => {
  let exporter: GpuFleetExporter;
  let prometheus: TestPrometheusServer;
  let request: GpuMeasureRequest;
  /** Steps (points) in the window and when utilisation changed. */
  let points: number;
  let pointsBeforeChange: number;

  beforeAll(async () => {
    exporter = await startGpuFleetExporter({
      workloads: [LLAMA, MISTRAL, QWEN, ...DECOYS],
    });
    prometheus = await startPrometheusServer({
      binary: prometheusBinary!,
      targets: [exporter.target],
    });
    while (exporter.scrapes() < 2) await sleep(100);
    // The window starts after the first scrape, so every point has a sample.
    const from = new Date(Date.now() + 1000);
    await sleep(12_000);
    // Mid-window: llama's GPUs go from 40 % to 80 %, and for about 3 s its
    // first pod runs 1 request and its second 9 (1 + 9 = 10 at once).
    const changedAt = Date.now();
    exporter.update(LLAMA.workload, {
      utilisationPercent: 80,
      perPod: [
        { runningRequests: 1 },
        { kvCacheFraction: 0.7, runningRequests: 9 },
      ],
    });
    await sleep(3000);
    exporter.update(LLAMA.workload, { perPod: LLAMA.perPod });
    await sleep(14_000);
    const window = { from, to: new Date() };
    request = {
      allocationWindow: window,
      utilisationWindow: window,
      saturationWindow: window,
    };
    const aligned = gpuQueryWindow(window, 1)!;
    points = aligned.rangeSeconds;
    pointsBeforeChange = Math.round(
      (changedAt - aligned.from.getTime()) / 1000,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
  });

  it('reads GPU-hours, utilisation, KV cache, waiting and peak running per endpoint in one query per reading', async () => {
    const queries: string[] = [];
    const countingFetch: typeof fetch = async (input, init) => {
      queries.push(String(init?.body ?? ''));
      return fetch(input, init);
    };
    const source = new PrometheusGpuTelemetry({
      config: gpuClusters(prometheus.url),
      fetch: countingFetch,
    });
    const result = await source.measure(
      [LLAMA_ENDPOINT, MISTRAL_ENDPOINT, QWEN_ENDPOINT, HOSTILE_ENDPOINT],
      request,
    );
    // Five readings, one query each, for the four endpoints together.
    expect(queries).toHaveLength(5);

    const llama = result.get(ref('llama-a'))!;
    const mistral = result.get(ref('mistral-b'))!;
    const qwen = result.get(ref('qwen.2'))!;
    // GPU-hours: every 1 s point of the aligned window holds the GPUs
    // requested, so the sum is exact: GPUs × seconds / 3600. The decoys
    // (llama-a-canary, qwenx2) are not counted.
    expect(llama.gpuHours).toEqual({
      value: expect.closeTo((2 * points) / 3600, 9),
      metric: 'kube_pod_container_resource_requests{resource="nvidia_com_gpu"}',
    });
    expect(mistral.gpuHours).toMatchObject({
      value: expect.closeTo((2 * points) / 3600, 9),
    });
    expect(qwen.gpuHours).toMatchObject({
      value: expect.closeTo((1 * points) / 3600, 9),
    });

    // Utilisation: llama's GPUs were at 40 % before the change and 80 %
    // after. The change reaches Prometheus at the next scrape (≤ 1 s later),
    // so up to 2 points of the window may still read 40: tolerance
    // 2 × 40 / points percent.
    const expectedLlama =
      (40 * pointsBeforeChange + 80 * (points - pointsBeforeChange)) / points;
    const llamaUtil = (llama.utilisationPercent as { value: number }).value;
    expect(Math.abs(llamaUtil - expectedLlama)).toBeLessThanOrEqual(
      (2 * 40) / points + 1e-9,
    );
    expect(mistral.utilisationPercent).toMatchObject({
      value: expect.closeTo(90, 9),
    });

    // KV cache: mean per pod, the highest pod (0.7 → 70 %); mistral's comes
    // from the older metric through the `or` fallback.
    expect(llama.kvCacheUsagePercent).toMatchObject({
      value: expect.closeTo(70, 9),
    });
    expect(mistral.kvCacheUsagePercent).toEqual({
      value: expect.closeTo(25, 9),
      metric: 'vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc',
    });
    // Waiting: summed over llama's 2 pods.
    expect(llama.waitingRequests).toMatchObject({ value: 4 });
    expect(mistral.waitingRequests).toMatchObject({ value: 0 });
    // Peak running: the highest sum over pods at one point (1 + 9 = 10),
    // not the sum of each pod's peak (3 + 9), the highest pod (9) nor the
    // sum of the means (about 8).
    expect(llama.peakRunningRequests).toMatchObject({ value: 10 });
    expect(mistral.peakRunningRequests).toMatchObject({ value: 1 });

    // The hostile namespace is only a value to match: no series, no error.
    const hostile = result.get(ref('hostile'))!;
    expect(hostile.gpuHours).toMatchObject({ value: null });
    expect(hostile.utilisationPercent).toMatchObject({ value: null });
  });

  it('counts replicas × GPUs per replica with kube_deployment_status_replicas_available', async () => {
    const source = telemetry(
      prometheus.url,
      {
        allocation: {
          metrics: ['kube_deployment_status_replicas_available'],
          matchers: [],
          scale: 1,
          workloadLabel: 'deployment',
          perReplica: true,
        },
      },
      [],
      entity => (entity.metadata.name === 'mistral-b' ? 2 : 1),
    );
    const result = await source.measure([LLAMA_ENDPOINT, MISTRAL_ENDPOINT], {
      ...request,
      readings: ['gpuHours'],
    });
    expect(result.get(ref('llama-a'))!.gpuHours).toMatchObject({
      value: expect.closeTo((2 * points) / 3600, 9),
    });
    expect(result.get(ref('mistral-b'))!.gpuHours).toMatchObject({
      value: expect.closeTo((2 * points) / 3600, 9),
    });
    expect(result.get(ref('mistral-b'))!.utilisationPercent).toMatchObject({
      unavailable: 'not asked for',
    });
  });

  it('says a reading is unavailable, naming the metric, when the metric has no series on the cluster', async () => {
    const source = telemetry(prometheus.url, {
      utilisation: {
        metrics: ['DCGM_FI_DEV_GPU_UTILX'],
        matchers: [],
        scale: 1,
      },
    });
    const result = await source.measure([LLAMA_ENDPOINT], request);
    const llama = result.get(ref('llama-a'))!;
    expect(llama.utilisationPercent).toEqual({
      unavailable: expect.stringMatching(
        /^Prometheus at http:\/\/127\.0\.0\.1:\d+ has no series of DCGM_FI_DEV_GPU_UTILX between .* check aiPlatform\.telemetry\.prometheus\.gpu\.utilisation \(cluster gpu-east\)$/,
      ),
      metric: 'DCGM_FI_DEV_GPU_UTILX',
    });
    // The other readings still answer.
    expect(llama.gpuHours).toMatchObject({
      value: expect.closeTo((2 * points) / 3600, 9),
    });
  });

  it('keeps one cluster answering when the other cluster’s Prometheus is down', async () => {
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    const source = telemetry(prometheus.url, {}, [
      { name: 'gpu-west', url: downUrl },
    ]);
    const west = endpoint(
      'llama-west',
      { runtime: 'vllm', namespace: 'serving-a' },
      'gpu-west',
    );
    const result = await source.measure([LLAMA_ENDPOINT, west], request);
    const down = result.get(ref('llama-west'))!;
    for (const reading of Object.values(down)) {
      expect(reading).toEqual({
        unavailable: expect.stringMatching(
          /^Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be reached: ECONNREFUSED$/,
        ),
        metric: expect.any(String),
      });
    }
    expect(result.get(ref('llama-a'))!.gpuHours).toMatchObject({
      value: expect.closeTo((2 * points) / 3600, 9),
    });
  });
});

describe('PrometheusGpuTelemetry without a server', () => {
  it('applies to self-hosted endpoints on clusters that use Prometheus for gpu', () => {
    const source = telemetry('http://127.0.0.1:1');
    expect(source.appliesTo(LLAMA_ENDPOINT)).toBe(true);
    expect(
      source.appliesTo(endpoint('x', { runtime: 'vllm' }, 'gpu-other')),
    ).toBe(false);
    const managed = endpoint('m', {});
    (managed.spec as any).serving = { mode: 'managed', provider: 'openai' };
    expect(source.appliesTo(managed)).toBe(false);
  });

  it('says why an endpoint without spec.serving.namespace cannot be read, without querying', async () => {
    const source = telemetry('http://127.0.0.1:1');
    const result = await source.measure(
      [endpoint('no-ns', { runtime: 'vllm' })],
      {
        allocationWindow: { from: new Date(0), to: new Date(60_000) },
        utilisationWindow: { from: new Date(0), to: new Date(60_000) },
        saturationWindow: { from: new Date(0), to: new Date(60_000) },
      },
    );
    expect(result.get(ref('no-ns'))!.gpuHours).toMatchObject({
      unavailable: expect.stringContaining('spec.serving.namespace is not set'),
    });
  });
  it('reads GPU-hours per whole UTC hour in one range query per cluster, evaluated 1 ms before each hour ends', async () => {
    const asked: URLSearchParams[] = [];
    const answering: typeof fetch = async (_input, init) => {
      asked.push(new URLSearchParams(String(init?.body)));
      // Two GPUs held all of the 10:00 hour, one all of 11:00 (3600 1-s samples each).
      const at = (iso: string) => (Date.parse(iso) - 1) / 1000;
      return new Response(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {
                  aiplatform_namespace: 'serving-a',
                  aiplatform_workload: 'llama-a',
                },
                values: [
                  [at('2026-12-02T11:00:00Z'), String(2 * 3600)],
                  [at('2026-12-02T12:00:00Z'), String(1 * 3600)],
                ],
              },
            ],
          },
        }),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      );
    };
    const source = new PrometheusGpuTelemetry({
      config: gpuClusters('http://prom.test:9090'),
      fetch: answering,
    });
    const result = await source.gpuHoursByHour([LLAMA_ENDPOINT], {
      from: new Date('2026-12-02T10:00:00Z'),
      // The hour in progress (12:00–12:30) is not read.
      to: new Date('2026-12-02T12:30:00Z'),
    });
    expect(asked).toHaveLength(1);
    expect(asked[0].get('start')).toBe(
      String((Date.parse('2026-12-02T11:00:00Z') - 1) / 1000),
    );
    expect(asked[0].get('end')).toBe(
      String((Date.parse('2026-12-02T12:00:00Z') - 1) / 1000),
    );
    expect(asked[0].get('step')).toBe('3600');
    expect(asked[0].get('query')).toContain('[3600s:1s]');
    expect(result.get(ref('llama-a'))).toEqual({
      metric: 'kube_pod_container_resource_requests{resource="nvidia_com_gpu"}',
      gpuHoursByHour: new Map([
        [Date.parse('2026-12-02T10:00:00Z'), 2],
        [Date.parse('2026-12-02T11:00:00Z'), 1],
      ]),
    });
  });

  it('says why hourly GPU-hours are unavailable when Prometheus is down', async () => {
    const source = telemetry('http://127.0.0.1:1');
    const result = await source.gpuHoursByHour([LLAMA_ENDPOINT], {
      from: new Date('2026-12-02T10:00:00Z'),
      to: new Date('2026-12-02T12:30:00Z'),
    });
    expect(result.get(ref('llama-a'))).toMatchObject({
      unavailable: expect.stringContaining('could not be reached'),
    });
  });
});
