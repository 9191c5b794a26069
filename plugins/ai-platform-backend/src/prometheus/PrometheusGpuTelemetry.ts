import {
  MODEL_ENDPOINT_KIND,
  ModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import {
  GpuFleetTelemetry,
  GpuHourlyReading,
  GpuMeasurement,
  GpuMeasureRequest,
  GpuTelemetryWindow,
} from '../domain/gpuTelemetry';
import { PrometheusClientPool } from './PrometheusClient';
import { clusterNameOf } from './prometheusEntityFields';
import { GpuTarget, measureGpuCluster } from './gpuClusterMeasurement';
import { readGpuHoursByHour } from './gpuHourlyAllocation';
import { DEFAULT_PROMETHEUS_GPU_CONFIG } from './prometheusGpuConfig';
import {
  PrometheusTelemetryConfig,
  usesPrometheusFor,
} from './prometheusTelemetryConfig';

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
    const groups = this.groupByCluster(entities);
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
   * per cluster (see `readGpuHoursByHour`).
   */
  async gpuHoursByHour(
    entities: Entity[],
    window: GpuTelemetryWindow,
  ): Promise<Map<string, GpuHourlyReading>> {
    const result = new Map<string, GpuHourlyReading>();
    await Promise.all(
      [...this.groupByCluster(entities).values()].map(async group => {
        const read = await readGpuHoursByHour(
          this.clients,
          group.target,
          group.entities,
          window,
          this.options.gpusPerReplica,
        );
        for (const [ref, reading] of read) {
          result.set(ref, reading);
        }
      }),
    );
    return result;
  }

  private groupByCluster(
    entities: Entity[],
  ): Map<string, { target: GpuTarget; entities: Entity[] }> {
    const groups = new Map<string, { target: GpuTarget; entities: Entity[] }>();
    for (const entity of entities) {
      const target = this.targetOf(entity);
      if (!target) continue;
      const group = groups.get(target.key) ?? { target, entities: [] };
      group.entities.push(entity);
      groups.set(target.key, group);
    }
    return groups;
  }

  private async measureCluster(
    target: GpuTarget,
    entities: Entity[],
    request: GpuMeasureRequest,
  ): Promise<Map<string, GpuMeasurement>> {
    return measureGpuCluster(
      this.clients.clientFor(target.server),
      target,
      entities,
      request,
      this.options.gpusPerReplica,
    );
  }
}
