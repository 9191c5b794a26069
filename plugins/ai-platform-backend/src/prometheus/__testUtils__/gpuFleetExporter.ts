import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * One self-hosted endpoint's workload as the exporter serves it: every
 * pod the same unless `perPod` overrides a value.
 */
export interface GpuFleetWorkload {
  namespace: string;
  /** Deployment name; pods are `<workload>-<replicaset hash>-<pod hash>`. */
  workload: string;
  replicas: number;
  gpusPerPod: number;
  /** DCGM_FI_DEV_GPU_UTIL of every GPU, 0–100. */
  utilisationPercent: number;
  /** vLLM KV-cache usage of each pod, a 0–1 fraction as vLLM reports it. */
  kvCacheFraction: number;
  /** vLLM requests waiting, per pod. */
  waitingRequests: number;
  /** vLLM requests running, per pod. */
  runningRequests: number;
  /** Per-pod overrides, by pod index. */
  perPod?: Array<
    Partial<
      Pick<
        GpuFleetWorkload,
        | 'utilisationPercent'
        | 'kvCacheFraction'
        | 'waitingRequests'
        | 'runningRequests'
      >
    >
  >;
  /** Serve vLLM's older `vllm:gpu_cache_usage_perc` instead. */
  legacyKvCacheMetric?: boolean;
  /**
   * The `resource` label of the GPU requests, as kube-state-metrics writes
   * the resource name (e.g. `nvidia_com_mig_3g_40gb` for a MIG slice);
   * defaults to `nvidia_com_gpu`.
   */
  gpuResource?: string;
}

/** Options of {@link startGpuFleetExporter}. */
export interface GpuFleetExporterOptions {
  workloads: GpuFleetWorkload[];
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to a random free port. */
  port?: number;
  /**
   * Labels put on every series; defaults to `{ demo: "true" }` so nobody
   * mistakes the series for a real cluster's.
   */
  extraLabels?: Record<string, string>;
}

/** A running exporter. */
export interface GpuFleetExporter {
  /** `host:port`, a Prometheus scrape target. */
  target: string;
  url: string;
  scrapes(): number;
  /** Changes a workload from the next scrape on. */
  update(workload: string, change: Partial<GpuFleetWorkload>): void;
  close(): Promise<void>;
}

/** The characters Kubernetes uses in generated name suffixes. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(seed: string, length: number): string {
  // FNV-1a, spread over the alphabet: stable names for a given seed.
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  }
  let out = '';
  while (out.length < length) {
    hash = Math.imul(hash ^ out.length, 0x01000193) >>> 0;
    out += ALPHABET[hash % ALPHABET.length];
  }
  return out;
}

/**
 * Pod names of a workload, as a Deployment names them:
 * `<workload>-<10-character replicaset hash>-<5-character pod hash>`.
 */
export function gpuFleetPodNames(w: GpuFleetWorkload): string[] {
  const replicaSet = suffix(`${w.namespace}/${w.workload}`, 10);
  return Array.from(
    { length: w.replicas },
    (_, i) => `${w.workload}-${replicaSet}-${suffix(`${w.workload}#${i}`, 5)}`,
  );
}

function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

function labels(set: Record<string, string>): string {
  return `{${Object.entries(set)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',')}}`;
}

/**
 * The `/metrics` text: kube-state-metrics' GPU requests per container and
 * available replicas per Deployment, the DCGM exporter's utilisation per
 * GPU (with `namespace`, `pod`, `container` as dcgm-exporter's Kubernetes
 * mode adds them) and vLLM's gauges per pod.
 */
export function renderGpuFleetMetrics(
  workloads: GpuFleetWorkload[],
  extraLabels: Record<string, string> = { demo: 'true' },
): string {
  const lines: string[] = [
    '# HELP kube_pod_container_resource_requests DEMO DATA: GPUs requested per container.',
    '# TYPE kube_pod_container_resource_requests gauge',
    '# HELP kube_deployment_status_replicas_available DEMO DATA: available replicas.',
    '# TYPE kube_deployment_status_replicas_available gauge',
    '# HELP DCGM_FI_DEV_GPU_UTIL DEMO DATA: GPU utilization (in %).',
    '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
    '# HELP vllm:kv_cache_usage_perc DEMO DATA: KV-cache usage. 1 means 100 percent usage.',
    '# TYPE vllm:kv_cache_usage_perc gauge',
    '# HELP vllm:gpu_cache_usage_perc DEMO DATA: GPU KV-cache usage (older vLLM).',
    '# TYPE vllm:gpu_cache_usage_perc gauge',
    '# HELP vllm:num_requests_waiting DEMO DATA: requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    '# HELP vllm:num_requests_running DEMO DATA: requests running on GPU.',
    '# TYPE vllm:num_requests_running gauge',
  ];
  for (const w of workloads) {
    const base = { ...extraLabels, namespace: w.namespace };
    lines.push(
      `kube_deployment_status_replicas_available${labels({
        ...base,
        deployment: w.workload,
      })} ${w.replicas}`,
    );
    gpuFleetPodNames(w).forEach((pod, index) => {
      const v = { ...w, ...w.perPod?.[index] };
      const podLabels = { ...base, pod };
      lines.push(
        `kube_pod_container_resource_requests${labels({
          ...podLabels,
          container: 'vllm',
          node: `gpu-node-${suffix(pod, 4)}`,
          resource: w.gpuResource ?? 'nvidia_com_gpu',
          unit: 'integer',
        })} ${w.gpusPerPod}`,
      );
      for (let gpu = 0; gpu < w.gpusPerPod; gpu++) {
        lines.push(
          `DCGM_FI_DEV_GPU_UTIL${labels({
            ...podLabels,
            container: 'vllm',
            gpu: String(gpu),
            device: `nvidia${gpu}`,
            UUID: `GPU-${suffix(`${pod}/${gpu}`, 8)}`,
            modelName: 'DEMO GPU',
          })} ${v.utilisationPercent}`,
        );
      }
      const vllm = { ...podLabels, model_name: w.workload, engine: '0' };
      lines.push(
        `${
          w.legacyKvCacheMetric
            ? 'vllm:gpu_cache_usage_perc'
            : 'vllm:kv_cache_usage_perc'
        }${labels(vllm)} ${v.kvCacheFraction}`,
        `vllm:num_requests_waiting${labels(vllm)} ${v.waitingRequests}`,
        `vllm:num_requests_running${labels(vllm)} ${v.runningRequests}`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Serves kube-state-metrics-, DCGM- and vLLM-shaped GPU series of a fleet
 * of endpoints on `/metrics`, for tests, the benchmark and the demo (every
 * series carries `demo="true"` unless `extraLabels` says otherwise).
 * Values can be changed at runtime with `update`.
 */
export async function startGpuFleetExporter(
  options: GpuFleetExporterOptions,
): Promise<GpuFleetExporter> {
  const workloads = new Map(
    options.workloads.map(w => [w.workload, { ...w }] as const),
  );
  let served = 0;
  let cached: string | undefined;
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    served += 1;
    cached ??= renderGpuFleetMetrics(
      [...workloads.values()],
      options.extraLabels,
    );
    res.writeHead(200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    });
    res.end(cached);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    target: `${host}:${port}`,
    url: `http://${host}:${port}/metrics`,
    scrapes: () => served,
    update: (name, change) => {
      const current = workloads.get(name);
      if (!current) {
        throw new Error(`No workload '${name}' in the GPU fleet exporter`);
      }
      workloads.set(name, { ...current, ...change });
      cached = undefined;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
