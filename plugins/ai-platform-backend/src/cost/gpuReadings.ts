import { PrometheusReading } from '@ai-platform/plugin-ai-platform-common';
import { GpuReading } from '../domain/gpuTelemetry';

/**
 * A reading as a number, or why there is none: the source failed
 * (`unavailable`, its reason) or it has no series for the endpoint
 * (`noSeries`, a sentence naming the metric).
 *
 * @internal
 */
export type ReadingOutcome =
  | { value: number; metric: string }
  | { unavailable: string; metric: string }
  | { noSeries: string; metric: string };

/**
 * What one {@link GpuReading} says.
 *
 * @internal
 */
export function readingOutcome(
  reading: GpuReading | undefined,
  fallbackMetric: string,
): ReadingOutcome {
  if (!reading) {
    return {
      noSeries: `The GPU telemetry gave no ${fallbackMetric} reading for this endpoint`,
      metric: fallbackMetric,
    };
  }
  if ('unavailable' in reading) {
    return { unavailable: reading.unavailable, metric: reading.metric };
  }
  if (reading.value === null || !Number.isFinite(reading.value)) {
    return {
      noSeries: `Prometheus has no ${reading.metric} series for this endpoint's pods`,
      metric: reading.metric,
    };
  }
  return { value: reading.value, metric: reading.metric };
}

/**
 * A reading with a value as the wire's {@link PrometheusReading}; `null`
 * otherwise.
 *
 * @internal
 */
export function prometheusReading(
  reading: GpuReading | undefined,
  window: string,
): PrometheusReading | null {
  if (
    !reading ||
    'unavailable' in reading ||
    reading.value === null ||
    !Number.isFinite(reading.value)
  ) {
    return null;
  }
  return {
    value: Math.round(reading.value * 100) / 100,
    window,
    metric: reading.metric,
    source: 'prometheus',
  };
}
