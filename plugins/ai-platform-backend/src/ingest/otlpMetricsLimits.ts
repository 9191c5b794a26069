import { Config } from '@backstage/config';

/**
 * Caps on the work one `POST /v1/metrics` request may ask for
 * (`aiPlatform.ingest.limits`). A data point beyond them is rejected on its
 * own and reported in the OTLP `partialSuccess`; the rest is stored.
 *
 * @internal
 */
export interface OtlpMetricsLimits {
  /** Most `explicitBounds` of one histogram data point. */
  maxHistogramBounds: number;
  /** Most data points of GenAI metrics read from one request. */
  maxDataPointsPerRequest: number;
}

/**
 * Defaults of {@link OtlpMetricsLimits}: OpenTelemetry SDKs' default
 * histograms have 15 to 20 bounds.
 *
 * @internal
 */
export const DEFAULT_OTLP_METRICS_LIMITS: Readonly<OtlpMetricsLimits> = {
  maxHistogramBounds: 256,
  maxDataPointsPerRequest: 10_000,
};

/** The config key of the limits, named in rejection messages. @internal */
export const METRICS_LIMITS_KEY = 'aiPlatform.ingest.limits';

function readPositiveInteger(
  config: Config,
  key: string,
  defaultValue: number,
): number {
  const value = config.getOptionalNumber(key) ?? defaultValue;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(
      `Invalid config '${key}': expected a positive integer, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `aiPlatform.ingest.limits.maxHistogramBounds` and
 * `aiPlatform.ingest.limits.maxDataPointsPerRequest`.
 *
 * @throws Error naming the key when a value is not a positive integer
 * @internal
 */
export function readOtlpMetricsLimits(config: Config): OtlpMetricsLimits {
  return {
    maxHistogramBounds: readPositiveInteger(
      config,
      `${METRICS_LIMITS_KEY}.maxHistogramBounds`,
      DEFAULT_OTLP_METRICS_LIMITS.maxHistogramBounds,
    ),
    maxDataPointsPerRequest: readPositiveInteger(
      config,
      `${METRICS_LIMITS_KEY}.maxDataPointsPerRequest`,
      DEFAULT_OTLP_METRICS_LIMITS.maxDataPointsPerRequest,
    ),
  };
}
