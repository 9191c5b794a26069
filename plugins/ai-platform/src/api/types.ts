import type {
  DataClassification,
  EndpointCostEstimate,
  MemoryFit,
  PlanDecision,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * Status of one scorecard check, as the `ai-platform` backend reports it.
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
 * (gateway telemetry rollups) or a Prometheus query.
 *
 * @public
 */
export type ScorecardCheckSource = 'telemetry-store' | 'prometheus';

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
  /**
   * Where the value was read; absent from backends that predate it. With
   * status `source-unavailable` the source could not be read: `value` is
   * `null` and `message` says why.
   */
  source?: ScorecardCheckSource;
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
}

/**
 * p50/p95 of a latency with its sample count.
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
 * The choices of the self-hosted endpoint form, from the platform config
 * (`GET /planning/options` of the `ai-platform` backend).
 *
 * @public
 */
export interface PlanningOptions {
  /** Share of a GPU's usable memory vLLM may take, e.g. 0.92. */
  gpuMemoryUtilization: number;
  hoursPerMonth: number;
  models: Array<{
    name: string;
    type: string;
    parametersBillions: number;
    license: string;
    defaultContextTokens: number;
    maxContextTokens: number;
    /** The most sensitive data classification the model is approved for. */
    maxDataClassification: DataClassification;
  }>;
  gpuProfiles: Array<{
    id: string;
    title?: string;
    resourceName: string;
    usableMemoryGiB: number;
    gpusPerReplica: number;
    hourlyCostUsd: number;
  }>;
  clusters: Array<{
    name: string;
    region: string;
    gpuProfiles: string[];
    allowedDataClassifications: DataClassification[];
  }>;
  runtimes: string[];
  dataClassifications: DataClassification[];
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

/**
 * A plan preview: the memory fit, the monthly cost and every decision the
 * backend could make before the template runs.
 *
 * @public
 */
export interface PlanningPreview {
  /** True when every evaluated decision passed. */
  approved: boolean;
  /** The memory fit; `null` when it could not be evaluated (see `decisions`). */
  fits: boolean | null;
  contextTokens: number;
  maxConcurrentSequences: number;
  tensorParallelSize: number;
  replicas: { min: number; max: number };
  memoryFit?: MemoryFit;
  cost?: EndpointCostEstimate;
  quota?: {
    gpuProfile: string;
    quotaGpus: number;
    existingGpus: number;
    requestedGpus: number;
  };
  budget?: {
    monthlyBudgetUsd: number;
    existingMonthlyUsd: number;
    remainingMonthlyUsd: number;
    requestedMonthlyUsd: number;
  };
  decisions: PlanDecision[];
  /** Checks made only when the template runs (e.g. custom CEL policies). */
  deferredChecks: Array<{ rule: string; message: string }>;
}

/**
 * One ModelEndpoint or Agent of `GET /fleet/summary`.
 *
 * @public
 */
export interface FleetEntitySummary {
  /** Lower case `kind:namespace/name`. */
  entityRef: string;
  kind: string;
  title: string;
  /** The owning group's ref, lower case; `null` when the entity has none. */
  owner: string | null;
  /** Whether the user may read this entity's telemetry; when not, the numbers are `null`. */
  telemetryReadable: boolean;
  /** Scorecard level of the latest evaluation. */
  level: string | null;
  evaluatedAt: string | null;
  spendMtdUsd: number | null;
  requestsMtd: number | null;
  /** The latest scorecard's `ttft-p95` check value (24 h). */
  ttftP95Ms: number | null;
  ttftStatus: ScorecardCheckStatus | null;
  /** The weakest eval suite score of the latest scorecard. */
  evalScore: number | null;
  evalSuite: string | null;
  evalStatus: ScorecardCheckStatus | null;
}

/**
 * Month-to-date spend of the entities one group owns. A call an agent makes
 * counts for the agent and for its model endpoint, so the two are not added.
 *
 * @public
 */
export interface TeamSpend {
  owner: string;
  modelEndpointSpendMtdUsd: number;
  agentSpendMtdUsd: number;
  modelEndpointCount: number;
  agentCount: number;
}

/**
 * An entity a golden-path template created, with its time to first inference.
 *
 * @public
 */
export interface GoldenPathEntity {
  entityRef: string;
  kind: string;
  title: string;
  owner: string | null;
  /** `backstage.io/source-template`, e.g. `template:default/self-hosted-endpoint`. */
  templateRef: string;
  /** When the template ran: the GitOps commit that added the entity; `null` when unknown. */
  createdAt: string | null;
  createdAtSource: 'gitops-created-time' | 'gitops-commit-time' | null;
  telemetryReadable: boolean;
  firstTelemetryAt: string | null;
  /** `hour` when only the hour of the first call is still stored. */
  firstTelemetryPrecision: 'event' | 'hour' | null;
  timeToFirstInferenceMs: number | null;
}

/**
 * Self-hosted GPU units of one cluster and GPU profile.
 *
 * @public
 */
export interface GpuClusterProfileAllocation {
  cluster: string;
  gpuProfile: string;
  endpointCount: number;
  gpusAtMinReplicas: number;
  gpusAtMaxReplicas: number;
}

/**
 * Self-hosted GPU units of one team and GPU profile against its quota.
 *
 * @public
 */
export interface GpuTeamProfileAllocation {
  team: string;
  gpuProfile: string;
  gpusAtMaxReplicas: number;
  /** From `aiPlatform.teams[].gpuQuota`; `null` when the team has none for the profile. */
  quotaGpus: number | null;
}

/**
 * Telemetry whose join key no catalog entity declares.
 *
 * @public
 */
export interface UnattributedTelemetry {
  joinKey: string;
  joinKeyKind: 'model' | 'agent';
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  lastSeenHourStart: string;
  /** Which spec field to set so the telemetry is attributed. */
  fixHint: string;
}

/**
 * `GET /fleet/summary`: the data of the AI Platform page.
 *
 * @public
 */
export interface FleetSummary {
  generatedAt: string;
  monthToDate: { from: string; to: string };
  telemetryAccess: { readableEntityCount: number; deniedEntityCount: number };
  fleet: FleetEntitySummary[];
  spendByTeam: TeamSpend[];
  goldenPaths: {
    templates: Array<{
      templateRef: string;
      entityCount: number;
      undatedEntityCount: number;
    }>;
    /** `weekStart` is the Monday (UTC) of the week, `YYYY-MM-DD`. */
    adoptionByWeek: Array<{
      weekStart: string;
      templateRef: string;
      entityCount: number;
    }>;
    entities: GoldenPathEntity[];
    timeToFirstInference: {
      medianMs: number | null;
      withTrafficCount: number;
      withoutTrafficCount: number;
      undatedCount: number;
    };
  };
  gpuAllocation: {
    byClusterAndProfile: GpuClusterProfileAllocation[];
    byTeamAndProfile: GpuTeamProfileAllocation[];
    incompleteEndpoints: Array<{ entityRef: string; missing: string[] }>;
  };
  unattributed: {
    /** `false` when the user may not read telemetry outside entities. */
    allowed: boolean;
    window: { from: string; to: string };
    /**
     * One page, worst first (see `order`): at most `limit` join keys
     * (default 50, at most 500) from `offset`. `GET /usage/unattributed`
     * pages through the rest.
     */
    items: UnattributedTelemetry[];
    /** Join keys with unattributed telemetry in the window, all pages. */
    total?: number;
    limit?: number;
    offset?: number;
    /** `requests`: most requests first; `cost`: highest cost first. */
    order?: 'requests' | 'cost';
  };
}
