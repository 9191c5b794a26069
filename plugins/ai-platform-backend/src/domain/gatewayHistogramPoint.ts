/**
 * One histogram data point of a GenAI metric, validated.
 *
 * @internal
 */
export interface GatewayHistogramPoint {
  /** The metric name, token usage suffixed with `.input` / `.output`. */
  metric: string;
  temporality: 'delta' | 'cumulative';
  /** sha256 of metric, resource and point attributes: one series. */
  seriesKey: string;
  /** The gateway model alias (`gen_ai.request.model`, else response model). */
  joinKey: string;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** Explicit bounds, increasing, in the metric's unit (s or tokens). */
  bounds: number[];
  /** `bounds.length + 1` counts. */
  bucketCounts: number[];
}
