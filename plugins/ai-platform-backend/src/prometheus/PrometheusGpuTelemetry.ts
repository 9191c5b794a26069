import {
  MODEL_ENDPOINT_KIND,
  ModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  GpuFleetTelemetry,
  GpuHourlyReading,
  GpuMeasurement,
  GpuMeasureRequest,
  GpuReading,
  GpuTelemetryWindow,
} from '../domain/gpuTelemetry';
import { PrometheusClient, PrometheusClientPool } from './PrometheusClient';
import { clusterNameOf } from './prometheusEntityFields';
import {
  buildGpuReadingQuery,
  describeGpuSeries,
  endpointWorkloads,
  EndpointWorkloads,
  GPU_NAMESPACE_LABEL,
  GPU_PART_LABEL,
  GPU_WORKLOAD_LABEL,
  GpuReadingName,
  gpuQueryWindow,
  gpuMetricSelectors,
  GpuSelection,
} from './gpuFleetQueries';
import {
  DEFAULT_PROMETHEUS_GPU_CONFIG,
  GpuSeriesConfig,
  PrometheusGpuConfig,
} from './prometheusGpuConfig';
import { PrometheusLabelMatcher } from './prometheusLabelMatchers';
import {
  PrometheusServerConfig,
  PrometheusTelemetryConfig,
  usesPrometheusFor,
} from './prometheusTelemetryConfig';

const READINGS: readonly GpuReadingName[] = [
  'gpuHours',
  'utilisationPercent',
  'kvCacheUsagePercent',
  'waitingRequests',
  'peakRunningRequests',
];

/** The config key of each reading, for messages. */
const CONFIG_KEY: Record<GpuReadingName, keyof PrometheusGpuConfig> = {
  gpuHours: 'allocation',
  utilisationPercent: 'utilisation',
  kvCacheUsagePercent: 'kvCache',
  waitingRequests: 'waiting',
  peakRunningRequests: 'running',
};

/**
 * Options of {@link PrometheusGpuTelemetry}.
 *
 * @internal
 */
export interface PrometheusGpuTelemetryOptions {
  config: PrometheusTelemetryConfig;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * GPUs per replica of an endpoint (its GPU profile's `gpusPerReplica`),
   * for an allocation metric counting replicas (`perReplica: true`).
   * 1 when absent.
   */
  gpusPerReplica?: (entity: Entity) => number;
}

interface GpuTarget {
  /** `clusters[].name`, or `(global)` for the global server. */
  key: string;
  server: PrometheusServerConfig;
  selector: PrometheusLabelMatcher[];
  gpu: PrometheusGpuConfig;
}

/** Values of one reading per `namespace/workload`. */
interface WorkloadValues {
  values: Map<string, number>;
  /** Utilisation only: sample counts per workload. */
  counts: Map<string, number>;
  /** The series of the metric exist on the cluster. */
  exists: boolean;
}

type Outcome = WorkloadValues | { unavailable: string };

const workloadKey = (namespace: string, workload: string) =>
  `${namespace}/${workload}`;

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^source unavailable: /, '');
}

function isSelfHostedEndpoint(entity: Entity): boolean {
  return (
    entity.kind === MODEL_ENDPOINT_KIND &&
    (entity as ModelEndpointEntityV1alpha1).spec?.serving?.mode ===
      'self-hosted'
  );
}

/**
 * GPU telemetry of self-hosted ModelEndpoints from Prometheus at fleet
 * scale: per cluster, ONE instant query per reading for every endpoint
 * asked about, grouped by namespace and workload (the Deployment name
 * taken from the pod name) and mapped to endpoints in code. See
 * `buildGpuReadingQuery` for the PromQL.
 *
 * Which endpoints it answers for: self-hosted ModelEndpoints whose
 * `spec.serving.cluster` has an entry under `clusters` that uses `gpu`,
 * and, with `default: true`, the others on the global server when it uses
 * `gpu`. A reading that fails (no answer, an error, a metric with no
 * series on the cluster at all) is `unavailable` with the reason for the
 * endpoints of that cluster only.
 *
 * @internal
 */
export class PrometheusGpuTelemetry implements GpuFleetTelemetry {
  readonly source = 'prometheus' as const;
  private readonly clients: PrometheusClientPool;

  constructor(private readonly options: PrometheusGpuTelemetryOptions) {
    this.clients = new PrometheusClientPool(options.fetch);
  }

  private targetOf(entity: Entity): GpuTarget | undefined {
    if (!isSelfHostedEndpoint(entity)) {
      return undefined;
    }
    const { config } = this.options;
    const clusterName = clusterNameOf(entity);
    const cluster = clusterName ? config.clusters.get(clusterName) : undefined;
    if (cluster) {
      return usesPrometheusFor(cluster, 'gpu')
        ? {
            key: cluster.name,
            server: cluster,
            selector: cluster.selector,
            gpu: cluster.gpu ?? DEFAULT_PROMETHEUS_GPU_CONFIG,
          }
        : undefined;
    }
    if (config.global && config.default && usesPrometheusFor(config, 'gpu')) {
      return {
        key: '(global)',
        server: config.global,
        selector: [],
        gpu: config.gpu ?? DEFAULT_PROMETHEUS_GPU_CONFIG,
      };
    }
    return undefined;
  }

  appliesTo(entity: Entity): boolean {
    return this.targetOf(entity) !== undefined;
  }

  async measure(
    entities: Entity[],
    request: GpuMeasureRequest,
  ): Promise<Map<string, GpuMeasurement>> {
    const groups = new Map<string, { target: GpuTarget; entities: Entity[] }>();
    for (const entity of entities) {
      const target = this.targetOf(entity);
      if (!target) continue;
      const group = groups.get(target.key) ?? { target, entities: [] };
      group.entities.push(entity);
      groups.set(target.key, group);
    }
    const result = new Map<string, GpuMeasurement>();
    // Clusters in parallel; one failing never fails another.
    await Promise.all(
      [...groups.values()].map(async group => {
        const measured = await this.measureCluster(
          group.target,
          group.entities,
          request,
        );
        for (const [ref, measurement] of measured) {
          result.set(ref, measurement);
        }
      }),
    );
    return result;
  }

  /**
   * GPU-hours held in each whole UTC hour of `window`: the allocation
   * query over one hour, evaluated at every hour's end in one range query
   * per cluster. The hour in progress at `window.to` is not read yet (its
   * GPU cost counts once it is over).
   */
  async gpuHoursByHour(
    entities: Entity[],
    window: GpuTelemetryWindow,
  ): Promise<Map<string, GpuHourlyReading>> {
    const HOUR_S = 3600;
    const groups = new Map<string, { target: GpuTarget; entities: Entity[] }>();
    for (const entity of entities) {
      const target = this.targetOf(entity);
      if (!target) continue;
      const group = groups.get(target.key) ?? { target, entities: [] };
      group.entities.push(entity);
      groups.set(target.key, group);
    }
    const result = new Map<string, GpuHourlyReading>();
    const firstHourS =
      Math.ceil(window.from.getTime() / 1000 / HOUR_S) * HOUR_S;
    const lastHourEndS =
      Math.floor(window.to.getTime() / 1000 / HOUR_S) * HOUR_S;
    await Promise.all(
      [...groups.values()].map(async ({ target, entities: group }) => {
        const metric = describeGpuSeries(
          target.gpu.allocation,
          target.selector,
        );
        const located = group.map(entity => ({
          entity,
          ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
          where: endpointWorkloads(entity),
        }));
        const valid = located.flatMap(l =>
          'error' in l.where ? [] : [l.where],
        );
        // One step that divides the hour, so each hour has whole steps.
        let stepSeconds = Math.max(1, Math.min(target.gpu.stepSeconds, HOUR_S));
        while (HOUR_S % stepSeconds !== 0) stepSeconds -= 1;
        let values: Map<string, Map<number, number>> | { unavailable: string } =
          new Map();
        if (valid.length > 0 && lastHourEndS - firstHourS >= HOUR_S) {
          try {
            const expr = buildGpuReadingQuery(
              'gpuHours',
              target.gpu,
              {
                clusterSelector: target.selector,
                namespaces: valid.map(w => w.namespace),
                workloads: valid.flatMap(w => w.workloads),
              },
              {
                evaluateAt: new Date(lastHourEndS * 1000 - 1),
                rangeSeconds: HOUR_S,
                stepSeconds,
                from: new Date(firstHourS * 1000),
                to: new Date(lastHourEndS * 1000),
              },
            );
            const series = await this.clients
              .clientFor(target.server)
              .queryRange(expr, {
                start: new Date((firstHourS + HOUR_S) * 1000 - 1),
                end: new Date(lastHourEndS * 1000 - 1),
                stepSeconds: HOUR_S,
              });
            const byWorkload = new Map<string, Map<number, number>>();
            for (const one of series) {
              const workload = one.labels[GPU_WORKLOAD_LABEL];
              const namespace = one.labels[GPU_NAMESPACE_LABEL];
              if (!workload || !namespace) continue;
              const hours = new Map<number, number>();
              for (const point of one.points) {
                if (!Number.isFinite(point.value)) continue;
                // Evaluated 1 ms before the hour's end: that hour's start.
                const hourStartMs = point.timestampMs + 1 - HOUR_S * 1000;
                hours.set(
                  hourStartMs,
                  (point.value * target.gpu.allocation.scale * stepSeconds) /
                    HOUR_S,
                );
              }
              byWorkload.set(workloadKey(namespace, workload), hours);
            }
            values = byWorkload;
          } catch (error) {
            values = { unavailable: reasonOf(error) };
          }
        }
        for (const { entity, ref, where } of located) {
          if ('error' in where) {
            result.set(ref, { unavailable: where.error, metric });
            continue;
          }
          if ('unavailable' in values) {
            result.set(ref, {
              unavailable: values.unavailable as string,
              metric,
            });
            continue;
          }
          const perReplica = target.gpu.allocation.perReplica
            ? this.options.gpusPerReplica?.(entity) ?? 1
            : 1;
          const gpuHoursByHour = new Map<number, number>();
          for (const workload of where.workloads) {
            const hours = values.get(workloadKey(where.namespace, workload));
            for (const [hourStartMs, gpuHours] of hours ?? []) {
              gpuHoursByHour.set(
                hourStartMs,
                (gpuHoursByHour.get(hourStartMs) ?? 0) + gpuHours * perReplica,
              );
            }
          }
          result.set(ref, { gpuHoursByHour, metric });
        }
      }),
    );
    return result;
  }

  private async measureCluster(
    target: GpuTarget,
    entities: Entity[],
    request: GpuMeasureRequest,
  ): Promise<Map<string, GpuMeasurement>> {
    const client = this.clients.clientFor(target.server);
    const wanted = new Set(request.readings ?? READINGS);
    const located = new Map<string, EndpointWorkloads | { error: string }>();
    for (const entity of entities) {
      located.set(
        stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
        endpointWorkloads(entity),
      );
    }
    const valid = [...located.values()].filter(
      (w): w is EndpointWorkloads => !('error' in w),
    );
    const selection: GpuSelection = {
      clusterSelector: target.selector,
      namespaces: valid.map(w => w.namespace),
      workloads: valid.flatMap(w => w.workloads),
    };
    const outcomes = new Map<GpuReadingName, Outcome | undefined>();
    await Promise.all(
      READINGS.filter(r => wanted.has(r)).map(async reading => {
        outcomes.set(
          reading,
          valid.length === 0
            ? undefined
            : await this.readOne(client, target, reading, selection, request),
        );
      }),
    );

    const measurements = new Map<string, GpuMeasurement>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
      const where = located.get(ref)!;
      const measurement = {} as GpuMeasurement;
      for (const reading of READINGS) {
        const metric = describeGpuSeries(
          target.gpu[CONFIG_KEY[reading]] as GpuSeriesConfig,
          target.selector,
        );
        if (!wanted.has(reading)) {
          measurement[reading] = { unavailable: 'not asked for', metric };
        } else if ('error' in where) {
          measurement[reading] = { unavailable: where.error, metric };
        } else {
          measurement[reading] = this.valueFor(
            reading,
            outcomes.get(reading),
            where,
            target,
            entity,
            metric,
          );
        }
      }
      measurements.set(ref, measurement);
    }
    return measurements;
  }

  private windowOf(
    reading: GpuReadingName,
    request: GpuMeasureRequest,
  ): GpuTelemetryWindow {
    switch (reading) {
      case 'gpuHours':
        return request.allocationWindow;
      case 'kvCacheUsagePercent':
      case 'waitingRequests':
        return request.saturationWindow;
      default:
        return request.utilisationWindow;
    }
  }

  private async readOne(
    client: PrometheusClient,
    target: GpuTarget,
    reading: GpuReadingName,
    selection: GpuSelection,
    request: GpuMeasureRequest,
  ): Promise<Outcome | undefined> {
    const window = gpuQueryWindow(
      this.windowOf(reading, request),
      target.gpu.stepSeconds,
    );
    if (!window) {
      return undefined;
    }
    const series = target.gpu[CONFIG_KEY[reading]] as GpuSeriesConfig;
    try {
      const samples = await client.queryInstant(
        buildGpuReadingQuery(reading, target.gpu, selection, window),
        window.evaluateAt,
      );
      const values = new Map<string, number>();
      const counts = new Map<string, number>();
      for (const sample of samples) {
        const workload = sample.labels[GPU_WORKLOAD_LABEL];
        const namespace = sample.labels[GPU_NAMESPACE_LABEL];
        if (!workload || !namespace || !Number.isFinite(sample.value)) {
          continue;
        }
        const key = workloadKey(namespace, workload);
        if (sample.labels[GPU_PART_LABEL] === 'count') {
          counts.set(key, sample.value);
        } else if (reading === 'gpuHours') {
          values.set(
            key,
            (sample.value * series.scale * window.stepSeconds) / 3600,
          );
        } else {
          values.set(key, sample.value * series.scale);
        }
      }
      if (samples.length > 0) {
        return { values, counts, exists: true };
      }
      // Nothing for these endpoints: a metric missing on the whole cluster
      // is a configuration problem, not "no GPUs".
      const exists = await client.hasSeries(
        gpuMetricSelectors(series, target.selector),
        { start: window.from, end: window.to },
      );
      if (!exists) {
        return {
          unavailable: `Prometheus at ${
            client.displayUrl
          } has no series of ${describeGpuSeries(
            series,
            target.selector,
          )} between ${window.from.toISOString()} and ${window.to.toISOString()}; check aiPlatform.telemetry.prometheus.gpu.${
            CONFIG_KEY[reading]
          } (cluster ${target.key})`,
        };
      }
      return { values, counts, exists: true };
    } catch (error) {
      return { unavailable: reasonOf(error) };
    }
  }

  private valueFor(
    reading: GpuReadingName,
    outcome: Outcome | undefined,
    where: EndpointWorkloads,
    target: GpuTarget,
    entity: Entity,
    metric: string,
  ): GpuReading {
    if (outcome === undefined) {
      // The window holds no whole step: nothing to read yet.
      return { value: null, metric };
    }
    if ('unavailable' in outcome) {
      return { unavailable: outcome.unavailable, metric };
    }
    const keys = where.workloads
      .map(w => workloadKey(where.namespace, w))
      .filter(k => outcome.values.has(k));
    if (keys.length === 0) {
      return { value: null, metric };
    }
    const values = keys.map(k => outcome.values.get(k)!);
    const sum = values.reduce((a, b) => a + b, 0);
    switch (reading) {
      case 'gpuHours': {
        const perReplica = target.gpu.allocation.perReplica
          ? this.options.gpusPerReplica?.(entity) ?? 1
          : 1;
        return { value: sum * perReplica, metric };
      }
      case 'utilisationPercent': {
        const count = keys.reduce(
          (a, k) => a + (outcome.counts.get(k) ?? 0),
          0,
        );
        return { value: count > 0 ? sum / count : null, metric };
      }
      case 'kvCacheUsagePercent':
        return { value: Math.max(...values), metric };
      default:
        // Waiting: summed over pods. Peak running: an endpoint with two
        // workloads (prefill apart) adds their peaks, an upper bound.
        return { value: sum, metric };
    }
  }
}
