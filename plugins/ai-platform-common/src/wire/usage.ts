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
