/**
 * Wire types of the scorecard answers of the AI platform REST API
 * (`GET /scorecards/...`): check statuses, sources, categories and results.
 * Defined once here; the backend builds them and the frontend client reads
 * them.
 */

/**
 * Status of one scorecard check, as the `ai-platform` backend reports it.
 * `source-unavailable`: the telemetry source of the check (e.g. Prometheus)
 * did not answer; `message` says why and `value` is `null`.
 *
 * @public
 */
export type ScorecardCheckStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'not-enough-data'
  | 'source-unavailable';

/**
 * Where the value of a check was read: the backend's own telemetry store
 * (gateway telemetry rollups), a Prometheus query, or, for the budget checks
 * of a self-hosted endpoint without Prometheus, an estimate of its
 * GPU-hours from the spec (`spec-estimate`); governance checks read the
 * entity spec itself (`entity-spec`).
 *
 * @public
 */
export type ScorecardCheckSource =
  | 'telemetry-store'
  | 'prometheus'
  | 'spec-estimate'
  | 'entity-spec';

/**
 * The group of checks a level is defined over. `efficiency` holds the GPU
 * checks of self-hosted endpoints (`gpu-idle`, `saturation`). Views show a
 * category they do not know under its own name rather than failing.
 *
 * @public
 */
export type ScorecardCheckCategory =
  | 'slo'
  | 'budget'
  | 'eval'
  | 'efficiency'
  | 'agent'
  | 'governance';

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
  /**
   * Where the value was read; absent from backends that predate it. With
   * status `source-unavailable` the source could not be read: `value` is
   * `null` and `message` says why.
   */
  source?: ScorecardCheckSource;
  /**
   * With status `source-unavailable`: the newest earlier result of this
   * check that its source did answer (`null` when there is none), so the
   * last good value stays visible. Absent from backends that predate it.
   */
  lastAvailable?: {
    /** ISO 8601 date-time of that evaluation. */
    evaluatedAt: string;
    status: ScorecardCheckStatus;
    value: number | null;
    message: string;
    source?: ScorecardCheckSource;
  } | null;
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
  counts: Record<
    Exclude<ScorecardCheckStatus, 'source-unavailable'>,
    number
  > & {
    'source-unavailable'?: number;
  };
  checks: Array<{
    checkId: string;
    status: ScorecardCheckStatus;
    /** The check's value at that evaluation, where the backend sends it. */
    value?: number | null;
  }>;
}
