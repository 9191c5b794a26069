/**
 * Status of one scorecard check, as the `ai-platform` backend reports it.
 *
 * @public
 */
export type ScorecardCheckStatus = 'pass' | 'warn' | 'fail' | 'not-enough-data';

/**
 * The group of checks a level is defined over.
 *
 * @public
 */
export type ScorecardCheckCategory = 'slo' | 'budget' | 'eval';

/**
 * The result of one check of the latest evaluation of an entity.
 *
 * @public
 */
export interface ScorecardCheck {
  /** e.g. `ttft-p95`, `budget-mtd`, `eval:helpfulness`. */
  checkId: string;
  category: ScorecardCheckCategory;
  status: ScorecardCheckStatus;
  /** The measured value (ms, percent, USD or score); `null` without data. */
  value: number | null;
  /** The threshold from the entity spec, in the unit of `value`. */
  threshold: number | null;
  /** What the value covers, e.g. `24h`, `month-to-date`, `latest-run`. */
  window: string;
  /** A sentence a person can act on. */
  message: string;
}

/**
 * One past evaluation of an entity's checks (statuses only).
 *
 * @public
 */
export interface ScorecardHistoryEntry {
  /** ISO 8601 date-time. */
  evaluatedAt: string;
  level: string | null;
  counts: Record<ScorecardCheckStatus, number>;
  checks: Array<{ checkId: string; status: ScorecardCheckStatus }>;
}

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
