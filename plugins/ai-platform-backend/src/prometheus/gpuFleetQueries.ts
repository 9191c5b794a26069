import { ModelEndpointEntityV1alpha1 } from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import {
  GpuSeriesConfig,
  MAX_GPU_POINTS_PER_SERIES,
  PrometheusGpuConfig,
} from './prometheusGpuConfig';
import {
  formatLabelMatchers,
  PrometheusLabelMatcher,
  quotePromqlString,
} from './prometheusLabelMatchers';

/** Label every GPU query groups by: the workload (Deployment) name. */
export const GPU_WORKLOAD_LABEL = 'aiplatform_workload';
/** Label every GPU query groups by: the Kubernetes namespace. */
export const GPU_NAMESPACE_LABEL = 'aiplatform_namespace';
/** Label telling the sum and count parts of the utilisation query apart. */
export const GPU_PART_LABEL = 'aiplatform_part';

/**
 * The GPU readings, in the order of `GpuMeasurement`.
 *
 * @internal
 */
export type GpuReadingName =
  | 'gpuHours'
  | 'utilisationPercent'
  | 'kvCacheUsagePercent'
  | 'waitingRequests'
  | 'peakRunningRequests';

/**
 * The Kubernetes workloads (Deployments) that serve one self-hosted
 * endpoint, as the scaffolder renders them: the vLLM and NIM runtimes a
 * Deployment named after the entity; KServe's InferenceService (Standard
 * mode) `<name>-predictor`; KServe's LLMInferenceService `<name>-kserve`
 * (and `<name>-kserve-prefill` when prefill runs apart).
 *
 * @internal
 */
export interface EndpointWorkloads {
  namespace: string;
  workloads: string[];
}

/**
 * The workloads of a self-hosted ModelEndpoint, or why they cannot be told.
 *
 * @internal
 */
export function endpointWorkloads(
  entity: Entity,
): EndpointWorkloads | { error: string } {
  const serving = (entity as ModelEndpointEntityV1alpha1).spec?.serving;
  if (serving?.mode !== 'self-hosted') {
    return { error: 'spec.serving.mode is not self-hosted' };
  }
  if (typeof serving.namespace !== 'string' || serving.namespace === '') {
    return {
      error:
        'spec.serving.namespace is not set: the endpoint pods cannot be found in Prometheus',
    };
  }
  const name = entity.metadata.name;
  let workloads: string[];
  switch (serving.runtime) {
    case 'kserve':
      workloads = [`${name}-predictor`];
      break;
    case 'kserve-llm':
      workloads = [`${name}-kserve`, `${name}-kserve-prefill`];
      break;
    default:
      workloads = [name];
  }
  return { namespace: serving.namespace, workloads };
}

/**
 * Escapes RE2 metacharacters so `value` matches only itself.
 *
 * @internal
 */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function alternatives(values: Iterable<string>): string {
  return [...new Set(values)].sort().map(escapeRegex).join('|');
}

/**
 * The instant and subquery range and step of one reading over a window:
 * the window's ends are aligned to the step (start up, end down) and the
 * query is evaluated 1 ms before the aligned end, so the subquery has
 * exactly `rangeSeconds / stepSeconds` points, each standing for the step
 * that starts at it (Prometheus 2 and 3 agree on that count).
 *
 * @internal
 */
export interface GpuQueryWindow {
  evaluateAt: Date;
  rangeSeconds: number;
  stepSeconds: number;
  from: Date;
  to: Date;
}

/**
 * The aligned window of a reading; `undefined` when it holds no step.
 * The step is the configured one, shortened for a window shorter than it
 * and lengthened so no series has more than MAX_GPU_POINTS_PER_SERIES
 * points.
 *
 * @internal
 */
export function gpuQueryWindow(
  window: { from: Date; to: Date },
  stepSeconds: number,
): GpuQueryWindow | undefined {
  const fromSeconds = window.from.getTime() / 1000;
  const toSeconds = window.to.getTime() / 1000;
  const rawRange = toSeconds - fromSeconds;
  if (!(rawRange >= 1)) {
    return undefined;
  }
  let step = Math.min(stepSeconds, Math.floor(rawRange));
  step = Math.max(step, Math.ceil(rawRange / MAX_GPU_POINTS_PER_SERIES), 1);
  const start = Math.ceil(fromSeconds / step) * step;
  const end = Math.floor(toSeconds / step) * step;
  if (end - start < step) {
    return undefined;
  }
  return {
    evaluateAt: new Date(end * 1000 - 1),
    rangeSeconds: end - start,
    stepSeconds: step,
    from: new Date(start * 1000),
    to: new Date(end * 1000),
  };
}

/**
 * What to select: the namespaces and workloads asked about, and the
 * cluster's extra matchers.
 *
 * @internal
 */
export interface GpuSelection {
  clusterSelector: PrometheusLabelMatcher[];
  namespaces: string[];
  workloads: string[];
}

interface SeriesLabels {
  namespace: string;
  /** The pod label, or the label holding the workload name itself. */
  source: string;
  /** Regex whose first group is the workload, applied to `source`. */
  pattern: string;
}

function seriesLabels(
  gpu: PrometheusGpuConfig,
  series: GpuSeriesConfig & { workloadLabel?: string },
): SeriesLabels {
  return {
    namespace: series.namespaceLabel ?? gpu.namespaceLabel,
    source: series.workloadLabel ?? series.podLabel ?? gpu.podLabel,
    pattern: series.workloadLabel ? '(.*)' : gpu.workloadFromPod,
  };
}

/**
 * Above this many workloads a query matches namespaces only: a regex of
 * hundreds of alternatives costs Prometheus more (about half the time of
 * a GPU-hours query over 1,000 workloads, measured with `yarn bench gpu`)
 * than the few extra series of other pods, which the mapping to endpoints
 * in code drops anyway.
 *
 * @internal
 */
export const GPU_POD_MATCHER_MAX_WORKLOADS = 100;

/**
 * The series selector of `metric` for the selection: the cluster's and
 * the reading's matchers, the namespaces, and (for up to
 * GPU_POD_MATCHER_MAX_WORKLOADS workloads) pods whose names start with a
 * workload name, or with `workloadLabel` those workloads exactly. Every
 * value is escaped: nothing in an entity can change the query.
 *
 * @internal
 */
export function gpuSeriesSelector(
  metric: string,
  gpu: PrometheusGpuConfig,
  series: GpuSeriesConfig & { workloadLabel?: string },
  selection: GpuSelection,
): string {
  const labels = seriesLabels(gpu, series);
  const workloads = alternatives(selection.workloads);
  const matchers: PrometheusLabelMatcher[] = [
    ...selection.clusterSelector,
    ...series.matchers,
    {
      name: labels.namespace,
      operator: '=~',
      value: alternatives(selection.namespaces),
    },
  ];
  if (new Set(selection.workloads).size <= GPU_POD_MATCHER_MAX_WORKLOADS) {
    matchers.push({
      name: labels.source,
      operator: '=~',
      value: series.workloadLabel ? workloads : `(?:${workloads})-.*`,
    });
  }
  return `${metric}{${formatLabelMatchers(matchers)}}`;
}

/**
 * The selectors of a reading's metrics with only the fixed matchers (the
 * cluster's and the reading's): what must exist on the cluster at all.
 *
 * @internal
 */
export function gpuMetricSelectors(
  series: GpuSeriesConfig,
  clusterSelector: PrometheusLabelMatcher[] = [],
): string[] {
  const fixed = formatLabelMatchers([...clusterSelector, ...series.matchers]);
  return series.metrics.map(metric => (fixed ? `${metric}{${fixed}}` : metric));
}

/**
 * The metric(s) of a reading as one text, e.g.
 * `vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc`.
 *
 * @internal
 */
export function describeGpuSeries(
  series: GpuSeriesConfig,
  clusterSelector: PrometheusLabelMatcher[] = [],
): string {
  return gpuMetricSelectors(series, clusterSelector).join(' or ');
}

/** Copies the namespace and workload into the labels every query groups by. */
function toWorkload(expr: string, labels: SeriesLabels): string {
  const workload = `label_replace(${expr}, "${GPU_WORKLOAD_LABEL}", "$1", ${quotePromqlString(
    labels.source,
  )}, ${quotePromqlString(labels.pattern)})`;
  return `label_replace(${workload}, "${GPU_NAMESPACE_LABEL}", "$1", ${quotePromqlString(
    labels.namespace,
  )}, "(.*)")`;
}

const BY_WORKLOAD = `by (${GPU_NAMESPACE_LABEL}, ${GPU_WORKLOAD_LABEL})`;

/**
 * The one PromQL query of a reading for every endpoint of a cluster,
 * grouped by namespace and workload. Values still need the reading's
 * `scale`, and GPU-hours `× stepSeconds / 3600` (and × GPUs per replica
 * for a `perReplica` metric):
 * - gpuHours: `sum_over_time` of the allocation series over a subquery;
 * - utilisationPercent: sum and count of the samples (tagged
 *   `aiplatform_part`), so pods and GPUs weigh by their samples;
 * - kvCacheUsagePercent: mean per pod, the highest pod of the workload;
 * - waitingRequests: mean per series, summed over the workload's pods;
 * - peakRunningRequests: the highest value of the workload's sum.
 * Alternative metric names are joined with `or` (the first one wins per
 * workload).
 *
 * @internal
 */
export function buildGpuReadingQuery(
  reading: GpuReadingName,
  gpu: PrometheusGpuConfig,
  selection: GpuSelection,
  window: GpuQueryWindow,
): string {
  const series = {
    gpuHours: gpu.allocation,
    utilisationPercent: gpu.utilisation,
    kvCacheUsagePercent: gpu.kvCache,
    waitingRequests: gpu.waiting,
    peakRunningRequests: gpu.running,
  }[reading];
  const labels = seriesLabels(gpu, series);
  const range = `[${window.rangeSeconds}s:${window.stepSeconds}s]`;
  const one = (metric: string): string => {
    const selector = gpuSeriesSelector(metric, gpu, series, selection);
    switch (reading) {
      case 'gpuHours':
        return `sum ${BY_WORKLOAD} (${toWorkload(
          `sum_over_time(${selector}${range})`,
          labels,
        )})`;
      case 'kvCacheUsagePercent':
        return `max ${BY_WORKLOAD} (${toWorkload(
          `avg by (${labels.namespace}, ${labels.source}) (avg_over_time(${selector}${range}))`,
          labels,
        )})`;
      case 'waitingRequests':
        return `sum ${BY_WORKLOAD} (${toWorkload(
          `avg_over_time(${selector}${range})`,
          labels,
        )})`;
      case 'peakRunningRequests':
        return `max_over_time(sum ${BY_WORKLOAD} (${toWorkload(
          selector,
          labels,
        )})${range})`;
      default:
        return ['sum', 'count']
          .map(
            part =>
              `label_replace(sum ${BY_WORKLOAD} (${toWorkload(
                `${part}_over_time(${selector}${range})`,
                labels,
              )}), "${GPU_PART_LABEL}", "${part}", "", "")`,
          )
          .join(' or ');
    }
  };
  const parts = series.metrics.map(one);
  return parts.length === 1 ? parts[0] : parts.map(p => `(${p})`).join(' or ');
}
