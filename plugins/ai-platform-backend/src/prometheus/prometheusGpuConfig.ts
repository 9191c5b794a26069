import { RootConfigService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  parseLabelMatchers,
  PrometheusLabelMatcher,
} from './prometheusLabelMatchers';

/**
 * What a cluster's Prometheus is used for: `slo` (the SLO checks and time
 * series of PrometheusScorecardSource) and `gpu` (GPU-hours, utilisation
 * and saturation of PrometheusGpuTelemetry).
 *
 * @internal
 */
export type PrometheusUse = 'slo' | 'gpu';

/** Every use, the default of `uses`. */
export const PROMETHEUS_USES: readonly PrometheusUse[] = ['slo', 'gpu'];

/**
 * Which series give one GPU reading and which labels name the pod.
 *
 * @internal
 */
export interface GpuSeriesConfig {
  /**
   * Metric names, tried in order: joined with `or`, so per workload the
   * first one that has series wins (e.g. vLLM's `vllm:kv_cache_usage_perc`,
   * then the older `vllm:gpu_cache_usage_perc`).
   */
  metrics: string[];
  /** Extra label matchers, e.g. `resource="nvidia_com_gpu"`. */
  matchers: PrometheusLabelMatcher[];
  /** Overrides {@link PrometheusGpuConfig.namespaceLabel} for this reading. */
  namespaceLabel?: string;
  /** Overrides {@link PrometheusGpuConfig.podLabel} for this reading. */
  podLabel?: string;
  /** Multiplies every value, e.g. 100 for a 0–1 fraction read as percent. */
  scale: number;
}

/**
 * The series of GPUs held.
 *
 * @internal
 */
export interface GpuAllocationConfig extends GpuSeriesConfig {
  /**
   * A label holding the workload (Deployment) name itself, e.g.
   * `deployment` for `kube_deployment_status_replicas_available`; pods are
   * then not looked at.
   */
  workloadLabel?: string;
  /** The metric counts replicas, not GPUs: multiplied by GPUs per replica. */
  perReplica: boolean;
}

/**
 * `gpu` under `aiPlatform.telemetry.prometheus` (and per cluster), resolved.
 *
 * @internal
 */
export interface PrometheusGpuConfig {
  /** Subquery step of every GPU reading, seconds. */
  stepSeconds: number;
  namespaceLabel: string;
  podLabel: string;
  /**
   * RE2 regular expression (fully anchored) whose first group is the
   * workload name of a pod name: a Deployment's pods are
   * `<deployment>-<replicaset hash>-<pod hash>`.
   */
  workloadFromPod: string;
  allocation: GpuAllocationConfig;
  utilisation: GpuSeriesConfig;
  kvCache: GpuSeriesConfig;
  waiting: GpuSeriesConfig;
  running: GpuSeriesConfig;
}

/** The readings configured under `gpu`. */
export const GPU_SERIES_KEYS = [
  'allocation',
  'utilisation',
  'kvCache',
  'waiting',
  'running',
] as const;

/**
 * Defaults: kube-state-metrics for GPUs requested, the DCGM exporter for
 * utilisation (0–100), vLLM's gauges for the KV cache (a 0–1 fraction,
 * read as percent), queue and running requests; `namespace` and `pod`
 * labels as Prometheus' Kubernetes service discovery usually sets them.
 *
 * @internal
 */
export const DEFAULT_PROMETHEUS_GPU_CONFIG: PrometheusGpuConfig = {
  stepSeconds: 300,
  namespaceLabel: 'namespace',
  podLabel: 'pod',
  workloadFromPod: '(.+)-[a-z0-9]+-[a-z0-9]+',
  allocation: {
    metrics: ['kube_pod_container_resource_requests'],
    matchers: [{ name: 'resource', operator: '=', value: 'nvidia_com_gpu' }],
    scale: 1,
    perReplica: false,
  },
  utilisation: { metrics: ['DCGM_FI_DEV_GPU_UTIL'], matchers: [], scale: 1 },
  kvCache: {
    metrics: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
    matchers: [],
    scale: 100,
  },
  waiting: { metrics: ['vllm:num_requests_waiting'], matchers: [], scale: 1 },
  running: { metrics: ['vllm:num_requests_running'], matchers: [], scale: 1 },
};

/** Subqueries never ask for more points per series than this. */
export const MAX_GPU_POINTS_PER_SERIES = 11_000;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A (sub-)config reader. */
type Config = ReturnType<RootConfigService['getConfig']>;

function readLabelName(
  config: Config,
  key: string,
  name: string,
): string | undefined {
  const value = config.getOptionalString(name);
  if (value !== undefined && !LABEL_NAME.test(value)) {
    throw new Error(
      `Invalid config '${key}.${name}': expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*), got '${value}'`,
    );
  }
  return value;
}

function readMetrics(config: Config, key: string): string[] | undefined {
  if (!config.has('metric')) {
    return undefined;
  }
  const raw = config.getOptional('metric');
  const list = typeof raw === 'string' ? [raw] : raw;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some(m => typeof m !== 'string' || !METRIC_NAME.test(m))
  ) {
    throw new Error(
      `Invalid config '${key}.metric': expected a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or a non-empty list of them, got ${JSON.stringify(
        raw,
      )}`,
    );
  }
  return list as string[];
}

function readSeries<T extends GpuSeriesConfig>(
  config: Config | undefined,
  key: string,
  base: T,
): T {
  if (!config) {
    return base;
  }
  const result: T = { ...base };
  const metrics = readMetrics(config, key);
  if (metrics) result.metrics = metrics;
  // Not getOptionalString: it refuses '', which removes the base's matchers.
  const matchersText = config.getOptional('matchers');
  if (matchersText !== undefined && typeof matchersText !== 'string') {
    throw new Error(
      `Invalid config '${key}.matchers': expected a label-matcher list such as resource="nvidia_com_gpu" (a string)`,
    );
  }
  if (matchersText !== undefined) {
    if (matchersText.trim() === '') {
      result.matchers = [];
    } else {
      const parsed = parseLabelMatchers(matchersText);
      if ('error' in parsed) {
        throw new Error(
          `Invalid config '${key}.matchers': expected a label-matcher list such as resource="nvidia_com_gpu": ${parsed.error}`,
        );
      }
      result.matchers = parsed.matchers;
    }
  }
  for (const name of ['namespaceLabel', 'podLabel'] as const) {
    const label = readLabelName(config, key, name);
    if (label !== undefined) result[name] = label;
  }
  const scale = config.getOptionalNumber('scale');
  if (scale !== undefined) {
    if (!(scale > 0 && Number.isFinite(scale))) {
      throw new Error(
        `Invalid config '${key}.scale': expected a positive number, got ${scale}`,
      );
    }
    result.scale = scale;
  }
  return result;
}

function readAllocation(
  config: Config | undefined,
  key: string,
  base: GpuAllocationConfig,
): GpuAllocationConfig {
  const result = readSeries(config, key, base);
  if (!config) {
    return result;
  }
  const workloadLabel = readLabelName(config, key, 'workloadLabel');
  if (workloadLabel !== undefined) result.workloadLabel = workloadLabel;
  const perReplica = config.getOptionalBoolean('perReplica');
  if (perReplica !== undefined) result.perReplica = perReplica;
  return result;
}

/**
 * Reads `uses` at `key`; `undefined` when absent.
 *
 * @throws Error naming the key
 * @internal
 */
export function readPrometheusUses(
  config: Config,
  key: string,
): PrometheusUse[] | undefined {
  if (!config.has('uses')) {
    return undefined;
  }
  const uses = config.getStringArray('uses');
  const unknown = uses.filter(u => !PROMETHEUS_USES.includes(u as never));
  if (unknown.length > 0) {
    throw new Error(
      `Invalid config '${key}.uses': expected a list of ${PROMETHEUS_USES.join(
        ', ',
      )}, got '${unknown.join("', '")}'`,
    );
  }
  return [...new Set(uses)] as PrometheusUse[];
}

/**
 * Reads the `gpu` block at `key` over `base` (the defaults, or the global
 * block for a cluster): every key given replaces the base's, the rest is
 * inherited.
 *
 * @throws Error naming the key that is wrong
 * @internal
 */
export function readPrometheusGpuConfig(
  parent: Config,
  key: string,
  base: PrometheusGpuConfig = DEFAULT_PROMETHEUS_GPU_CONFIG,
): PrometheusGpuConfig {
  const config = parent.getOptionalConfig('gpu');
  if (!config) {
    return base;
  }
  const gpuKey = `${key}.gpu`;
  const result: PrometheusGpuConfig = { ...base };
  const step = config.getOptionalNumber('stepSeconds');
  if (step !== undefined) {
    if (!(Number.isInteger(step) && step >= 1)) {
      throw new Error(
        `Invalid config '${gpuKey}.stepSeconds': expected a whole number of seconds of at least 1, got ${step}`,
      );
    }
    result.stepSeconds = step;
  }
  for (const name of ['namespaceLabel', 'podLabel'] as const) {
    const label = readLabelName(config, gpuKey, name);
    if (label !== undefined) result[name] = label;
  }
  const pattern = config.getOptionalString('workloadFromPod');
  if (pattern !== undefined) {
    let groups = 0;
    try {
      // Prometheus uses RE2; a JavaScript RegExp catches most mistakes.
      groups = new RegExp(`^(?:${pattern})|$`).exec('')!.length - 1;
    } catch {
      groups = -1;
    }
    if (groups < 1) {
      throw new Error(
        `Invalid config '${gpuKey}.workloadFromPod': expected a regular expression with one capture group for the workload name, such as (.+)-[a-z0-9]+-[a-z0-9]+, got '${pattern}'`,
      );
    }
    result.workloadFromPod = pattern;
  }
  for (const name of GPU_SERIES_KEYS) {
    const readingKey = `${gpuKey}.${name}`;
    const raw = config.getOptional(name);
    if (typeof raw === 'string' || Array.isArray(raw)) {
      // Shorthand: `utilisation: DCGM_FI_DEV_GPU_UTIL` names the metric only.
      const metrics = readMetrics(
        new ConfigReader({ metric: raw as string | string[] }),
        readingKey,
      )!;
      result[name] = { ...base[name], metrics } as never;
    } else if (name === 'allocation') {
      result.allocation = readAllocation(
        config.getOptionalConfig(name),
        readingKey,
        base.allocation,
      );
    } else {
      result[name] = readSeries(
        config.getOptionalConfig(name),
        readingKey,
        base[name],
      );
    }
  }
  return result;
}
