import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  GpuMeasurement,
  GpuMeasureRequest,
  GpuReading,
  GpuTelemetryWindow,
} from '../domain/gpuTelemetry';
import { PrometheusClient } from './PrometheusClient';
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
import { GpuSeriesConfig, PrometheusGpuConfig } from './prometheusGpuConfig';
import { PrometheusLabelMatcher } from './prometheusLabelMatchers';
import { PrometheusServerConfig } from './prometheusTelemetryConfig';

/**
 * Reading one cluster's GPU telemetry at an instant: one query per
 * reading for every endpoint asked about, mapped back to each endpoint's
 * workloads. {@link PrometheusGpuTelemetry} picks the cluster.
 */

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

/** The Prometheus server, selector and metrics of one cluster. */
export interface GpuTarget {
  /** `clusters[].name`, or `(global)` for the global server. */
  key: string;
  server: PrometheusServerConfig;
  selector: PrometheusLabelMatcher[];
  gpu: PrometheusGpuConfig;
}

/** GPUs per replica of an endpoint, for a per-replica allocation metric. */
export type GpusPerReplica = ((entity: Entity) => number) | undefined;

/** Values of one reading per `namespace/workload`. */
interface WorkloadValues {
  values: Map<string, number>;
  /** Utilisation only: sample counts per workload. */
  counts: Map<string, number>;
  /** The series of the metric exist on the cluster. */
  exists: boolean;
}

type Outcome = WorkloadValues | { unavailable: string };

export const workloadKey = (namespace: string, workload: string) =>
  `${namespace}/${workload}`;

export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^source unavailable: /, '');
}

/** The readings of `entities`, all on `target`'s cluster. */
export async function measureGpuCluster(
  client: PrometheusClient,
  target: GpuTarget,
  entities: Entity[],
  request: GpuMeasureRequest,
  gpusPerReplica: GpusPerReplica,
): Promise<Map<string, GpuMeasurement>> {
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
          : await readOne(client, target, reading, selection, request),
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
        measurement[reading] = valueFor(
          reading,
          outcomes.get(reading),
          where,
          target,
          entity,
          metric,
          gpusPerReplica,
        );
      }
    }
    measurements.set(ref, measurement);
  }
  return measurements;
}

function windowOf(
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

async function readOne(
  client: PrometheusClient,
  target: GpuTarget,
  reading: GpuReadingName,
  selection: GpuSelection,
  request: GpuMeasureRequest,
): Promise<Outcome | undefined> {
  const window = gpuQueryWindow(
    windowOf(reading, request),
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

function valueFor(
  reading: GpuReadingName,
  outcome: Outcome | undefined,
  where: EndpointWorkloads,
  target: GpuTarget,
  entity: Entity,
  metric: string,
  gpusPerReplica: GpusPerReplica,
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
        ? gpusPerReplica?.(entity) ?? 1
        : 1;
      return { value: sum * perReplica, metric };
    }
    case 'utilisationPercent': {
      const count = keys.reduce((a, k) => a + (outcome.counts.get(k) ?? 0), 0);
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
