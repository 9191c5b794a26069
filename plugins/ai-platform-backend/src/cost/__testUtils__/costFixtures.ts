import { readAiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  GpuFleetTelemetry,
  GpuHourlyReading,
  GpuMeasurement,
  GpuMeasureRequest,
  GpuTelemetryWindow,
} from '../../domain/gpuTelemetry';

/** Platform config of the cost tests: H100 at 3.20 USD, a 2-GPU H100 profile at 6.40. */
export const COST_TEST_PLATFORM = readAiPlatformConfig(
  new ConfigReader({
    aiPlatform: {
      gpuProfiles: [
        {
          id: 'h100-80gb',
          resourceName: 'nvidia.com/gpu',
          usableMemoryGiB: 79.1,
          hourlyCostUsd: 3.2,
        },
        {
          id: 'h100-tp2',
          resourceName: 'nvidia.com/gpu',
          usableMemoryGiB: 79.1,
          hourlyCostUsd: 6.4,
          gpusPerReplica: 2,
        },
      ],
    },
  }),
);

export function selfHosted(
  name: string,
  serving: Record<string, unknown>,
  extra: { annotations?: Record<string, string>; spec?: object } = {},
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: {
      name,
      namespace: 'default',
      annotations: extra.annotations ?? {},
    },
    spec: {
      type: 'chat',
      owner: 'group:default/ml-platform',
      model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
      serving: { mode: 'self-hosted', runtime: 'vllm', ...serving },
      ...extra.spec,
    },
  };
}

/** A GPU telemetry that answers given readings and records its calls. */
export class GivenGpuTelemetry implements GpuFleetTelemetry {
  readonly source = 'prometheus' as const;
  readonly calls: Array<{ refs: string[]; request: GpuMeasureRequest }> = [];
  readonly hourlyCalls: Array<{ refs: string[]; window: GpuTelemetryWindow }> =
    [];
  constructor(
    private readonly readings: Record<string, Partial<GpuMeasurement>>,
    private readonly cluster = 'gpu-eu-west-1',
    /** GPU-hours per hour (ISO hour start → GPU-hours) of each endpoint. */
    private readonly hourly: Record<
      string,
      Record<string, number> | { unavailable: string }
    > = {},
  ) {}
  async gpuHoursByHour(entities: Entity[], window: GpuTelemetryWindow) {
    const refs = entities.map(e =>
      `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(),
    );
    this.hourlyCalls.push({ refs, window });
    const metric = 'kube_pod_container_resource_requests';
    const result = new Map<string, GpuHourlyReading>();
    for (const ref of refs) {
      const given = this.hourly[ref];
      if (!given) continue;
      result.set(
        ref,
        'unavailable' in given
          ? { unavailable: given.unavailable as string, metric }
          : {
              metric,
              gpuHoursByHour: new Map(
                Object.entries(given).map(([hour, gpuHours]) => [
                  Date.parse(hour),
                  gpuHours,
                ]),
              ),
            },
      );
    }
    return result;
  }
  appliesTo(entity: Entity): boolean {
    const serving = (entity.spec as any)?.serving ?? {};
    return serving.cluster === this.cluster;
  }
  async measure(entities: Entity[], request: GpuMeasureRequest) {
    const refs = entities.map(e =>
      `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`.toLowerCase(),
    );
    this.calls.push({ refs, request });
    const none = (metric: string) => ({ value: null, metric });
    return new Map(
      refs
        .filter(ref => this.readings[ref])
        .map(ref => [
          ref,
          {
            gpuHours: none('kube_pod_container_resource_requests'),
            utilisationPercent: none('DCGM_FI_DEV_GPU_UTIL'),
            kvCacheUsagePercent: none('vllm:kv_cache_usage_perc'),
            waitingRequests: none('vllm:num_requests_waiting'),
            peakRunningRequests: none('vllm:num_requests_running'),
            ...this.readings[ref],
          },
        ]),
    );
  }
}
