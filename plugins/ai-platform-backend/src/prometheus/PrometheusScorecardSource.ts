import {
  MODEL_ENDPOINT_KIND,
  ModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import {
  TimeseriesMetric,
  TimeseriesPoint,
  TimeWindow,
} from '../database/TelemetryStore';
import {
  ExternalScorecardTelemetrySource,
  ScorecardSourceUnavailableError,
  SloTelemetry,
} from '../scorecards/types';
import { PrometheusClient, PrometheusClientPool } from './PrometheusClient';
import { annotation, clusterNameOf } from './prometheusEntityFields';
import {
  buildEntityMetricQueries,
  combineMetricQueries,
  METRIC_LABEL,
  PROMETHEUS_ENTITY_METRICS,
  PrometheusEntityMetric,
  PrometheusEntitySelectors,
  PrometheusMetricFamily,
} from './prometheusEntityQueries';
import {
  parseLabelMatchers,
  PrometheusLabelMatcher,
} from './prometheusLabelMatchers';
import {
  PrometheusServerConfig,
  PrometheusTelemetryConfig,
  usesPrometheusFor,
} from './prometheusTelemetryConfig';

export {
  buildEntityMetricQueries,
  combineMetricQueries,
  LITELLM_SPEND_METRIC,
  PROMETHEUS_ENTITY_METRICS,
  PROMETHEUS_METRIC_NAMES,
} from './prometheusEntityQueries';
export type {
  PrometheusEntityMetric,
  PrometheusEntitySelectors,
  PrometheusMetricFamily,
} from './prometheusEntityQueries';

/**
 * Annotation replacing the label matchers the portal derives from an entity,
 * e.g. `model_name="llama-chat",namespace="prod"`. Only a label-matcher list
 * is accepted. On an entity without a cluster configured for Prometheus it
 * also opts the entity in, against the global server.
 *
 * @internal
 */
export const ANNOTATION_PROMETHEUS_SELECTOR =
  'aiplatform.io/prometheus-selector';

/**
 * Annotation choosing the metric family of an entity: `vllm` (the model
 * server's own metrics) or `litellm` (the gateway's). Defaults to `vllm` for
 * self-hosted ModelEndpoints on the `vllm`, `kserve` and `kserve-llm`
 * runtimes and `litellm` otherwise.
 *
 * @internal
 */
export const ANNOTATION_PROMETHEUS_METRICS = 'aiplatform.io/prometheus-metrics';

const VLLM_RUNTIMES = ['vllm', 'kserve', 'kserve-llm'];

/** The metrics the SLO checks read. */
const SLO_METRICS: PrometheusEntityMetric[] = [
  'ttft_p95_seconds',
  'ttft_count',
  'requests',
  'errors',
];

/**
 * Where and how to query one entity.
 *
 * @internal
 */
export interface PrometheusEntityTarget extends PrometheusEntitySelectors {
  server: PrometheusServerConfig;
  client: PrometheusClient;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Values of {@link PROMETHEUS_ENTITY_METRICS} read at one instant: counts
 * are 0 without series, percentiles `null`.
 *
 * @internal
 */
export interface PrometheusEntityMetrics {
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  ttftCount: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  requests: number;
  errors: number;
  /** `null` without requests. */
  errorRatePercent: number | null;
  requestRatePerSecond: number;
  inputTokens: number;
  outputTokens: number;
  spendUsd: number;
  /** The instant the queries were evaluated at. */
  evaluatedAt: Date;
}

/**
 * Options of {@link PrometheusScorecardSource}.
 *
 * @internal
 */
export interface PrometheusScorecardSourceOptions {
  config: PrometheusTelemetryConfig;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Answers the scorecard metrics of ModelEndpoints (and annotated entities)
 * from Prometheus: TTFT and end-to-end latency percentiles by
 * `histogram_quantile` over `rate(…_bucket[window])` summed `by (le)`,
 * requests, errors, tokens and spend by `increase` over the counters, with
 * label matchers taken from the entity (`model_name` for vLLM,
 * `model_group` or `model` for LiteLLM, equal to `spec.gateway.model`) or
 * from the `aiplatform.io/prometheus-selector` annotation.
 *
 * Which entities it answers for: a ModelEndpoint whose
 * `spec.serving.cluster` has an entry under `clusters`; any ModelEndpoint
 * when `default: true`; and any entity carrying the selector annotation when
 * a global `url` is set. Others use the built-in telemetry store.
 *
 * @internal
 */
export class PrometheusScorecardSource
  implements ExternalScorecardTelemetrySource
{
  readonly source = 'prometheus' as const;
  private readonly clients: PrometheusClientPool;

  constructor(private readonly options: PrometheusScorecardSourceOptions) {
    this.clients = new PrometheusClientPool(options.fetch);
  }

  /**
   * The server, metric family and selectors of an entity; `undefined` when
   * the built-in store answers for it.
   *
   * @throws ScorecardSourceUnavailableError when the entity should use
   *   Prometheus but its selector is invalid or missing
   */
  resolveTarget(entity: Entity): PrometheusEntityTarget | undefined {
    const { config } = this.options;
    const selectorText = annotation(entity, ANNOTATION_PROMETHEUS_SELECTOR);
    const clusterName = clusterNameOf(entity);
    const cluster = clusterName ? config.clusters.get(clusterName) : undefined;
    let server: PrometheusServerConfig | undefined;
    if (cluster) {
      // `uses: [gpu]`: this cluster's SLO checks stay on the built-in store.
      if (!usesPrometheusFor(cluster, 'slo')) {
        return undefined;
      }
      server = cluster;
    } else if (
      config.global &&
      usesPrometheusFor(config, 'slo') &&
      ((config.default && entity.kind === MODEL_ENDPOINT_KIND) ||
        selectorText !== undefined)
    ) {
      server = config.global;
    }
    if (!server) {
      return undefined;
    }

    const familyText = annotation(entity, ANNOTATION_PROMETHEUS_METRICS);
    let family: PrometheusMetricFamily;
    if (familyText !== undefined) {
      if (familyText !== 'vllm' && familyText !== 'litellm') {
        throw new ScorecardSourceUnavailableError(
          `source unavailable: annotation ${ANNOTATION_PROMETHEUS_METRICS} must be 'vllm' or 'litellm', got '${familyText}'`,
        );
      }
      family = familyText;
    } else {
      const serving = (entity as ModelEndpointEntityV1alpha1).spec?.serving;
      family =
        entity.kind === MODEL_ENDPOINT_KIND &&
        serving?.mode === 'self-hosted' &&
        VLLM_RUNTIMES.includes(serving.runtime)
          ? 'vllm'
          : 'litellm';
    }

    const clusterMatchers = cluster?.selector ?? [];
    let selectors: PrometheusLabelMatcher[][];
    let spendSelectors: PrometheusLabelMatcher[][];
    if (selectorText !== undefined) {
      const parsed = parseLabelMatchers(selectorText);
      if ('error' in parsed) {
        throw new ScorecardSourceUnavailableError(
          `source unavailable: annotation ${ANNOTATION_PROMETHEUS_SELECTOR} must be a label-matcher list such as model_name="llama-chat",namespace="prod": ${parsed.error}`,
        );
      }
      selectors = [[...parsed.matchers, ...clusterMatchers]];
      spendSelectors = [parsed.matchers];
    } else {
      const alias = (entity.spec as { gateway?: { model?: unknown } })?.gateway
        ?.model;
      if (typeof alias !== 'string' || alias === '') {
        throw new ScorecardSourceUnavailableError(
          `source unavailable: ${entity.kind} has no spec.gateway.model to match Prometheus series on; set it or the ${ANNOTATION_PROMETHEUS_SELECTOR} annotation`,
        );
      }
      const litellm: PrometheusLabelMatcher[][] = [
        [{ name: 'model_group', operator: '=', value: alias }],
        [{ name: 'model', operator: '=', value: alias }],
      ];
      selectors =
        family === 'vllm'
          ? [
              [
                { name: 'model_name', operator: '=', value: alias },
                ...clusterMatchers,
              ],
            ]
          : litellm;
      // The gateway usually runs outside the model's cluster: no cluster
      // matchers on its series.
      spendSelectors = litellm;
    }
    return {
      server,
      client: this.clients.clientFor(server),
      family,
      selectors,
      spendSelectors,
    };
  }

  appliesTo(entity: Entity): boolean {
    try {
      return this.resolveTarget(entity) !== undefined;
    } catch (error) {
      // A broken selector still means "Prometheus": the checks say why.
      if (error instanceof ScorecardSourceUnavailableError) {
        return true;
      }
      throw error;
    }
  }

  private target(entity: Entity): PrometheusEntityTarget {
    const target = this.resolveTarget(entity);
    if (!target) {
      throw new Error(
        `No Prometheus is configured for ${entity.kind} ${entity.metadata.name}`,
      );
    }
    return target;
  }

  /** The evaluation instant: `to` rounded down to the server's step. */
  private instantOf(target: PrometheusEntityTarget, to: Date): Date {
    const stepMs = target.server.stepSeconds * 1000;
    return new Date(Math.floor(to.getTime() / stepMs) * stepMs);
  }

  /**
   * Metrics of an entity over `window`, in one combined instant query.
   *
   * @throws ScorecardSourceUnavailableError
   */
  async getEntityMetrics(
    entity: Entity,
    window: TimeWindow,
    metrics: readonly PrometheusEntityMetric[] = PROMETHEUS_ENTITY_METRICS,
  ): Promise<PrometheusEntityMetrics> {
    const target = this.target(entity);
    const at = this.instantOf(target, window.to);
    const all = buildEntityMetricQueries(
      target,
      seconds(window.to.getTime() - window.from.getTime()),
    );
    const wanted = Object.fromEntries(metrics.map(m => [m, all[m]]));
    const samples = await target.client.queryInstant(
      combineMetricQueries(wanted),
      at,
    );
    const values = new Map<string, number>();
    for (const sample of samples) {
      const metric = sample.labels[METRIC_LABEL];
      if (metric && Number.isFinite(sample.value)) {
        values.set(metric, sample.value);
      }
    }
    const ms = (metric: PrometheusEntityMetric) => {
      const v = values.get(metric);
      return v === undefined ? null : v * 1000;
    };
    const count = (metric: PrometheusEntityMetric) => values.get(metric) ?? 0;
    const requests = count('requests');
    const errors = count('errors');
    return {
      ttftP50Ms: ms('ttft_p50_seconds'),
      ttftP95Ms: ms('ttft_p95_seconds'),
      ttftCount: count('ttft_count'),
      latencyP50Ms: ms('latency_p50_seconds'),
      latencyP95Ms: ms('latency_p95_seconds'),
      requests,
      errors,
      errorRatePercent: requests > 0 ? (errors / requests) * 100 : null,
      requestRatePerSecond: count('request_rate_per_second'),
      inputTokens: count('input_tokens'),
      outputTokens: count('output_tokens'),
      spendUsd: count('spend_usd'),
      evaluatedAt: at,
    };
  }

  async getSloTelemetry(
    entity: Entity,
    window: TimeWindow,
  ): Promise<SloTelemetry> {
    const metrics = await this.getEntityMetrics(entity, window, SLO_METRICS);
    return {
      ttftMs: {
        p95: metrics.ttftP95Ms,
        // increase() extrapolates; counts are whole calls.
        count: Math.round(metrics.ttftCount),
      },
      requests: Math.round(metrics.requests),
      errors: Math.round(metrics.errors),
      errorRatePercent: metrics.errorRatePercent,
    };
  }

  async getTimeseries(
    entity: Entity,
    options: {
      metric: TimeseriesMetric;
      from: Date;
      stepMs: number;
      steps: number;
    },
  ): Promise<TimeseriesPoint[]> {
    const target = this.target(entity);
    const queries = buildEntityMetricQueries(target, seconds(options.stepMs));
    const expr = {
      requests: queries.requests,
      errors: queries.errors,
      cost_usd: queries.spend_usd,
      input_tokens: queries.input_tokens,
      output_tokens: queries.output_tokens,
      ttft_p95_ms: `${queries.ttft_p95_seconds} * 1000`,
    }[options.metric];
    const fromMs = options.from.getTime();
    // The value at the end of each step covers that step.
    const series = await target.client.queryRange(expr, {
      start: new Date(fromMs + options.stepMs),
      end: new Date(fromMs + options.steps * options.stepMs),
      stepSeconds: Math.max(options.stepMs / 1000, target.server.stepSeconds),
    });
    const byEnd = new Map<number, number>();
    for (const { points } of series) {
      for (const point of points) {
        if (Number.isFinite(point.value)) {
          byEnd.set(point.timestampMs, point.value);
        }
      }
    }
    const isPercentile = options.metric === 'ttft_p95_ms';
    return Array.from({ length: options.steps }, (_, i) => {
      const start = fromMs + i * options.stepMs;
      const value = byEnd.get(start + options.stepMs);
      // No sample: no calls in the step (0), or no TTFT to take a p95 of.
      const missing = isPercentile ? null : 0;
      return {
        start: new Date(start).toISOString(),
        value:
          value === undefined ? missing : roundTo(value, isPercentile ? 1 : 6),
      };
    });
  }
}
