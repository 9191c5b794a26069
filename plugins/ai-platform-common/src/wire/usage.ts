/**
 * Wire types of the usage answers of the AI platform REST API, read from the
 * hourly telemetry rollups. Defined once here; the backend's telemetry store
 * returns them and the frontend client reads them.
 */

/**
 * p50/p95 of a latency read from the merged sketch of a window, with the
 * sample count.
 *
 * @public
 */
export interface LatencyPercentilesMs {
  p50: number | null;
  p95: number | null;
  count: number;
}

/**
 * `GET /usage/by-entity/:kind/:namespace/:name`: usage of an entity over a
 * window, from the hourly rollups.
 *
 * @public
 */
export interface EntityUsage {
  entityRef: string;
  /** The window covered (whole hours), ISO 8601. */
  window: { from: string; to: string };
  requests: number;
  errors: number;
  /** `null` without requests. */
  errorRatePercent: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** TTFT of successful streamed calls. */
  ttftMs: LatencyPercentilesMs;
  /** End-to-end latency of successful calls. */
  latencyMs?: LatencyPercentilesMs;
  /**
   * TTFT p95 estimated from the gateway's OTLP
   * `gen_ai.server.time_to_first_token` histograms (interpolated inside a
   * bucket), where the backend receives them.
   */
  ttftMsFromGatewayHistograms?: {
    p95Estimate: number | null;
    count: number;
    estimated: true;
  };
}

/**
 * Telemetry of one join key that no catalog entity claimed.
 *
 * @public
 */
export interface UnattributedUsage {
  joinKey: string;
  /**
   * What the join key names: a gateway model alias (`model`) or a gateway
   * agent id (`agent`).
   */
  joinKeyKind: 'model' | 'agent';
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Start of the latest hour with traffic, ISO 8601. */
  lastSeenHourStart: string;
}

/**
 * One step of a time series.
 *
 * @public
 */
export interface TimeseriesPoint {
  /** Start of the step, ISO 8601. */
  start: string;
  /**
   * The sum over the step, or for `ttft_p95_ms` the p95 of the merged
   * sketches (`null` when the step has no TTFT sample).
   */
  value: number | null;
}
