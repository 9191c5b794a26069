import { Entity } from '@backstage/catalog-model';

/**
 * A window `[from, to)`.
 *
 * @internal
 */
export interface GpuTelemetryWindow {
  from: Date;
  to: Date;
}

/**
 * One number of one endpoint, or why its source could not give it.
 * `value: null` means the source answered but has no series for the
 * endpoint (e.g. no DCGM exporter on the cluster).
 *
 * @internal
 */
export type GpuReading =
  | { value: number | null; metric: string }
  | { unavailable: string; metric: string };

/**
 * What {@link GpuFleetTelemetry.measure} is asked for.
 *
 * @internal
 */
export interface GpuMeasureRequest {
  /** GPU-hours held are summed over this window (the month to date). */
  allocationWindow: GpuTelemetryWindow;
  /** Mean GPU utilisation over this window (7 days for `gpu-idle`). */
  utilisationWindow: GpuTelemetryWindow;
  /** KV-cache usage and waiting requests over this window (1 hour). */
  saturationWindow: GpuTelemetryWindow;
  /** Which readings to make; all when absent. */
  readings?: ReadonlyArray<keyof GpuMeasurement>;
}

/**
 * The GPU readings of one self-hosted endpoint.
 *
 * @internal
 */
export interface GpuMeasurement {
  /** GPU-hours held in the allocation window (GPUs allocated × hours). */
  gpuHours: GpuReading;
  /** Mean GPU utilisation, 0–100, over the endpoint's pods' samples. */
  utilisationPercent: GpuReading;
  /** Mean vLLM KV-cache usage, 0–100 (the highest pod), over the saturation window. */
  kvCacheUsagePercent: GpuReading;
  /** Mean requests waiting in vLLM's queue (summed over pods) over the saturation window. */
  waitingRequests: GpuReading;
  /** Highest requests running at once (summed over pods) over the utilisation window. */
  peakRunningRequests: GpuReading;
}

/**
 * GPU-hours held in each hour of a window by one endpoint, or why the
 * source could not give them.
 *
 * @internal
 */
export type GpuHourlyReading =
  | {
      /** GPU-hours per hour start (epoch ms); hours without series are absent. */
      gpuHoursByHour: Map<number, number>;
      metric: string;
    }
  | { unavailable: string; metric: string };

/**
 * GPU telemetry of self-hosted endpoints at fleet scale: one query per
 * metric and cluster for all endpoints asked about, grouped by the labels
 * that identify an endpoint's pods, never one query per entity.
 *
 * @internal
 */
export interface GpuFleetTelemetry {
  readonly source: 'prometheus';
  /** Whether this source answers for the endpoint (its cluster has a Prometheus). */
  appliesTo(entity: Entity): boolean;
  /**
   * Readings for each entity it applies to, keyed by lower case
   * `kind:namespace/name`. Never throws for a source that is down or
   * misconfigured: those readings carry `unavailable` with the reason
   * (e.g. "Prometheus at http://prom:9090 did not answer within 2000 ms").
   */
  measure(
    entities: Entity[],
    request: GpuMeasureRequest,
  ): Promise<Map<string, GpuMeasurement>>;

  /**
   * GPU-hours held per UTC hour of `window` (whole hours from `from`, the
   * last one cut at `to`) for each entity it applies to, keyed like
   * {@link GpuFleetTelemetry.measure}; for an agent's share of an
   * endpoint's GPU cost by tokens per hour. Never throws for a source that
   * is down: those readings carry `unavailable`. A telemetry without it
   * cannot price agents' calls to the endpoints it measures.
   */
  gpuHoursByHour?(
    entities: Entity[],
    window: GpuTelemetryWindow,
  ): Promise<Map<string, GpuHourlyReading>>;
}
