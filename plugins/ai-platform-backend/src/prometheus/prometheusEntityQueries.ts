import {
  formatLabelMatchers,
  PrometheusLabelMatcher,
} from './prometheusLabelMatchers';

/**
 * The metric families the source understands.
 *
 * @internal
 */
export type PrometheusMetricFamily = 'vllm' | 'litellm';

interface SeriesRef {
  metric: string;
  /** Matchers added to the entity's, e.g. a `finished_reason` filter. */
  extra?: PrometheusLabelMatcher[];
}

interface FamilyMetrics {
  ttftBuckets: string;
  ttftCount: string;
  latencyBuckets: string;
  requests: SeriesRef;
  errors: SeriesRef;
  inputTokens: string;
  outputTokens: string;
}

/**
 * Metric names per family: vLLM (`vllm-project/vllm` `v1/metrics/loggers.py`)
 * and LiteLLM (`litellm/types/integrations/prometheus.py`, counters with the
 * `_total` suffix `prometheus_client` adds).
 *
 * @internal
 */
export const PROMETHEUS_METRIC_NAMES: Record<
  PrometheusMetricFamily,
  FamilyMetrics
> = {
  vllm: {
    ttftBuckets: 'vllm:time_to_first_token_seconds_bucket',
    ttftCount: 'vllm:time_to_first_token_seconds_count',
    latencyBuckets: 'vllm:e2e_request_latency_seconds_bucket',
    // Every finished request, whatever its finished_reason.
    requests: { metric: 'vllm:request_success_total' },
    // vLLM has no failure counter: requests that ended aborted or in error.
    errors: {
      metric: 'vllm:request_success_total',
      extra: [
        { name: 'finished_reason', operator: '=~', value: 'abort|error' },
      ],
    },
    inputTokens: 'vllm:prompt_tokens_total',
    outputTokens: 'vllm:generation_tokens_total',
  },
  litellm: {
    ttftBuckets: 'litellm_llm_api_time_to_first_token_metric_bucket',
    ttftCount: 'litellm_llm_api_time_to_first_token_metric_count',
    latencyBuckets: 'litellm_request_total_latency_metric_bucket',
    requests: { metric: 'litellm_proxy_total_requests_metric_total' },
    errors: { metric: 'litellm_proxy_failed_requests_metric_total' },
    inputTokens: 'litellm_input_tokens_metric_total',
    outputTokens: 'litellm_output_tokens_metric_total',
  },
};

/** LiteLLM's spend counter (USD); vLLM has none. */
export const LITELLM_SPEND_METRIC = 'litellm_spend_metric_total';

/**
 * The metrics the source answers for an entity over a window.
 *
 * @internal
 */
export const PROMETHEUS_ENTITY_METRICS = [
  'ttft_p50_seconds',
  'ttft_p95_seconds',
  'ttft_count',
  'latency_p50_seconds',
  'latency_p95_seconds',
  'requests',
  'errors',
  'request_rate_per_second',
  'input_tokens',
  'output_tokens',
  'spend_usd',
] as const;

/**
 * One of {@link PROMETHEUS_ENTITY_METRICS}.
 *
 * @internal
 */
export type PrometheusEntityMetric = (typeof PROMETHEUS_ENTITY_METRICS)[number];

/**
 * The selectors of one entity's series (see PrometheusScorecardSource).
 *
 * @internal
 */
export interface PrometheusEntitySelectors {
  family: PrometheusMetricFamily;
  /** Alternatives (joined with `or`) for the family's series. */
  selectors: PrometheusLabelMatcher[][];
  /** Alternatives for LiteLLM's spend series. */
  spendSelectors: PrometheusLabelMatcher[][];
}

/**
 * `rate(a{…}[w]) or rate(a{…}[w])` over the selector alternatives; a series
 * matched by two alternatives has one label set and counts once.
 */
function overRange(
  fn: 'rate' | 'increase',
  series: SeriesRef,
  selectors: PrometheusLabelMatcher[][],
  window: string,
): string {
  const parts = selectors.map(
    matchers =>
      `${fn}(${series.metric}{${formatLabelMatchers([
        ...matchers,
        ...(series.extra ?? []),
      ])}}[${window}])`,
  );
  return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}

function quantile(
  q: number,
  buckets: string,
  selectors: PrometheusLabelMatcher[][],
  window: string,
): string {
  return `histogram_quantile(${q}, sum by (le) (${overRange(
    'rate',
    { metric: buckets },
    selectors,
    window,
  )}))`;
}

function total(
  fn: 'rate' | 'increase',
  series: SeriesRef,
  selectors: PrometheusLabelMatcher[][],
  window: string,
): string {
  return `sum(${overRange(fn, series, selectors, window)})`;
}

/**
 * The PromQL of each metric of an entity over a window ending at the
 * evaluation time; `window` is a PromQL duration such as `86400s`.
 *
 * @internal
 */
export function buildEntityMetricQueries(
  target: PrometheusEntitySelectors,
  window: string,
): Record<PrometheusEntityMetric, string> {
  const names = PROMETHEUS_METRIC_NAMES[target.family];
  const { selectors, spendSelectors } = target;
  return {
    ttft_p50_seconds: quantile(0.5, names.ttftBuckets, selectors, window),
    ttft_p95_seconds: quantile(0.95, names.ttftBuckets, selectors, window),
    ttft_count: total(
      'increase',
      { metric: names.ttftCount },
      selectors,
      window,
    ),
    latency_p50_seconds: quantile(0.5, names.latencyBuckets, selectors, window),
    latency_p95_seconds: quantile(
      0.95,
      names.latencyBuckets,
      selectors,
      window,
    ),
    requests: total('increase', names.requests, selectors, window),
    errors: total('increase', names.errors, selectors, window),
    request_rate_per_second: total('rate', names.requests, selectors, window),
    input_tokens: total(
      'increase',
      { metric: names.inputTokens },
      selectors,
      window,
    ),
    output_tokens: total(
      'increase',
      { metric: names.outputTokens },
      selectors,
      window,
    ),
    spend_usd: total(
      'increase',
      { metric: LITELLM_SPEND_METRIC },
      spendSelectors,
      window,
    ),
  };
}

/** The label that tags each part of a combined query with its metric. */
export const METRIC_LABEL = 'aiplatform_metric';

/**
 * One query answering several metrics: each part tagged with
 * `aiplatform_metric` by `label_replace` and joined with `or`, so a
 * scorecard evaluation costs one round trip.
 *
 * @internal
 */
export function combineMetricQueries(
  queries: Partial<Record<PrometheusEntityMetric, string>>,
): string {
  return Object.entries(queries)
    .map(
      ([metric, expr]) =>
        `label_replace(${expr}, "${METRIC_LABEL}", "${metric}", "", "")`,
    )
    .join(' or ');
}
