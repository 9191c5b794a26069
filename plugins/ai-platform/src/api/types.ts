import type {
  EntityCost,
  EntityUsage,
  LatencyPercentilesMs,
  PlanningOptions,
  PlanningPreview,
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardHistoryEntry,
} from '@ai-platform/plugin-ai-platform-common';

export type {
  EntityUsage,
  LatencyPercentilesMs,
  PlanningOptions,
  PlanningPreview,
  ScorecardCheck,
  ScorecardCheckCategory,
  ScorecardCheckSource,
  ScorecardCheckStatus,
  ScorecardHistoryEntry,
};

/**
 * `GET /scorecards/by-entity/:kind/:namespace/:name`.
 *
 * @public
 */
export interface EntityScorecard {
  /** Lower case `kind:namespace/name`. */
  entityRef: string;
  /** The highest level reached (e.g. `bronze`), `null` when none is. */
  level: string | null;
  /** ISO 8601 date-time of the latest evaluation, `null` before the first. */
  evaluatedAt: string | null;
  checks: ScorecardCheck[];
  /** The latest evaluations, newest first. */
  history: ScorecardHistoryEntry[];
  /**
   * Month-to-date usage of the entity (the shape of `GET /usage/by-entity`),
   * where the backend sends it with the scorecard.
   */
  usageMonthToDate?: EntityUsage;
  /**
   * Requests, errors and spend per UTC day (oldest first), where the backend
   * sends them with the scorecard.
   */
  dailyUsage?: EntityDailyUsage[];
  /**
   * The month-to-date cost with where it came from (GPU-hours for a
   * self-hosted endpoint, the gateway's per-call cost otherwise), unit cost,
   * utilisation, saturation and right-sizing; absent from backends that
   * predate it.
   */
  cost?: EntityCost;
}

/**
 * Usage of an entity in one UTC day.
 *
 * @public
 */
export interface EntityDailyUsage {
  /** Start of the day, ISO 8601. */
  start: string;
  requests: number;
  errors: number;
  costUsd: number;
}

/**
 * One entity of `GET /scorecards?owner=...`.
 *
 * @public
 */
export interface OwnedEntityScorecard {
  entityRef: string;
  kind: string;
  title: string;
  owner: string | null;
  level: string | null;
  evaluatedAt: string | null;
  checks: ScorecardCheck[];
}

/**
 * `GET /scorecards?owner=...`: the scorecards of the ModelEndpoints and
 * Agents a group and its sub-groups own.
 *
 * @public
 */
export interface OwnerScorecards {
  owner: string;
  groups: string[];
  items: OwnedEntityScorecard[];
}

/**
 * Metrics of `GET /timeseries/by-entity/...`.
 *
 * @public
 */
export type TelemetryTimeseriesMetric =
  | 'requests'
  | 'errors'
  | 'cost_usd'
  | 'input_tokens'
  | 'output_tokens'
  | 'ttft_p95_ms';

/**
 * `GET /timeseries/by-entity/:kind/:namespace/:name`.
 *
 * @public
 */
export interface TelemetryTimeseries {
  entityRef: string;
  metric: TelemetryTimeseriesMetric;
  step: '1h' | '1d';
  window: { from: string; to: string };
  /** One point per step; `value` is `null` for a percentile without samples. */
  points: Array<{ start: string; value: number | null }>;
}

/**
 * What to read with {@link AiPlatformApi.getEntityTimeseries}.
 *
 * @public
 */
export interface TelemetryTimeseriesQuery {
  metric: TelemetryTimeseriesMetric;
  /** `<n>h` or `<n>d`, at most 92 days, a whole number of steps. */
  window?: string;
  step?: '1h' | '1d';
}

/**
 * A request for a plan preview (`POST /planning/preview`).
 *
 * @public
 */
export interface PlanningPreviewRequest {
  model: string;
  gpuProfile: string;
  cluster: string;
  dataClassification: string;
  /** Context length (`max_model_len`) in tokens; defaults to the model's default. */
  contextTokens?: number;
  maxConcurrentSequences?: number;
  tensorParallelSize?: number;
  /** Defaults to 1 to 1. */
  replicas?: { min: number; max: number };
  runtime?: string;
  /** Owning group; with it the preview checks the team's GPU quota and budget. */
  owner?: string;
  /** Endpoint name; with it the preview checks the name. */
  name?: string;
}
