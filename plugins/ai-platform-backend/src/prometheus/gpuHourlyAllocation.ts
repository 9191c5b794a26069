import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { GpuHourlyReading, GpuTelemetryWindow } from '../domain/gpuTelemetry';
import { PrometheusClientPool } from './PrometheusClient';
import {
  buildGpuReadingQuery,
  describeGpuSeries,
  endpointWorkloads,
  GPU_NAMESPACE_LABEL,
  GPU_WORKLOAD_LABEL,
} from './gpuFleetQueries';
import {
  GpusPerReplica,
  GpuTarget,
  reasonOf,
  workloadKey,
} from './gpuClusterMeasurement';

const HOUR_S = 3600;

/**
 * GPU-hours held in each whole UTC hour of `window` by `entities`, all on
 * `target`'s cluster: the allocation query over one hour, evaluated at
 * every hour's end in one range query. The hour in progress at
 * `window.to` is not read yet (its GPU cost counts once it is over).
 */
export async function readGpuHoursByHour(
  clients: PrometheusClientPool,
  target: GpuTarget,
  group: Entity[],
  window: GpuTelemetryWindow,
  gpusPerReplica: GpusPerReplica,
): Promise<Map<string, GpuHourlyReading>> {
  const result = new Map<string, GpuHourlyReading>();
  const firstHourS = Math.ceil(window.from.getTime() / 1000 / HOUR_S) * HOUR_S;
  const lastHourEndS = Math.floor(window.to.getTime() / 1000 / HOUR_S) * HOUR_S;
  const metric = describeGpuSeries(target.gpu.allocation, target.selector);
  const located = group.map(entity => ({
    entity,
    ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    where: endpointWorkloads(entity),
  }));
  const valid = located.flatMap(l => ('error' in l.where ? [] : [l.where]));
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
      const series = await clients.clientFor(target.server).queryRange(expr, {
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
            (point.value * target.gpu.allocation.scale * stepSeconds) / HOUR_S,
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
      ? gpusPerReplica?.(entity) ?? 1
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
  return result;
}
