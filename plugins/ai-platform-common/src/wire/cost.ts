/**
 * Wire types of the cost answers of the AI platform REST API: the cost of a
 * self-hosted endpoint in GPU-hours, unit cost, utilisation, idle waste and
 * right-sizing. Defined once here; the backend builds them (`satisfies`) and
 * the frontend client reads them.
 */

/**
 * Where the GPU-hours of a self-hosted endpoint came from:
 * - `prometheus`: GPUs actually held over time, summed from the cluster's
 *   Prometheus (kube-state-metrics or DCGM exporter series);
 * - `spec-estimate`: `replicas.min` × GPUs per replica × hours since
 *   max(month start, the entity's created time): an estimate, labelled so.
 *
 * @public
 */
export type GpuHoursSource = 'prometheus' | 'spec-estimate';

/**
 * Where a cost figure came from: GPU-hours (self-hosted endpoints, see
 * {@link GpuHoursSource}), the gateway's own per-call cost (managed
 * endpoints, and agents that called no self-hosted endpoint: the sum of the
 * stored calls' `costUsd`), or for an agent that called a self-hosted
 * endpoint the gateway's cost of its other calls plus its share of each
 * self-hosted endpoint's GPU cost by tokens per hour
 * (`gateway-and-gpu-share`; `…-estimate` when a share comes from GPU-hours
 * estimated from the spec; see {@link AgentGpuShare}).
 *
 * @public
 */
export type EndpointCostBasis =
  | 'gpu-hours-prometheus'
  | 'gpu-hours-spec-estimate'
  | 'gateway'
  | 'gateway-and-gpu-share'
  | 'gateway-and-gpu-share-estimate'
  | 'unavailable';

/**
 * How an Agent's cost is made up when it called self-hosted endpoints: its
 * calls to a self-hosted endpoint cost, hour by hour, (the agent's tokens to
 * the endpoint in that hour ÷ all tokens the endpoint served in that hour) ×
 * the endpoint's GPU cost of that hour; its other calls cost what the
 * gateway says. The gateway's price of the self-hosted calls is replaced,
 * never added.
 *
 * @public
 */
export interface AgentGpuShare {
  /** The gateway's cost of the agent's calls to managed endpoints and unattributed models. */
  gatewayCostUsd: number;
  /** The sum of the agent's shares of self-hosted endpoints' GPU cost. */
  gpuShareCostUsd: number;
  /** What the gateway (or a token price) put on the self-hosted calls; not part of the cost. */
  replacedGatewayCostUsd: number;
  /** Whether a share comes from GPU-hours estimated from the spec. */
  estimated: boolean;
  /** One entry per self-hosted endpoint the agent called this month. */
  endpoints: Array<{
    /** Lower case `modelendpoint:namespace/name`. */
    endpointRef: string;
    gpuHoursSource: GpuHoursSource;
    /** Hours in which the agent called the endpoint. */
    hours: number;
    /** The agent's input + output tokens to the endpoint this month. */
    agentTokens: number;
    /** All input + output tokens the endpoint served in those hours. */
    endpointTokens: number;
    /** The agent's share of the endpoint's GPU cost, summed over the hours. */
    shareCostUsd: number;
  }>;
  /**
   * One sentence, e.g. "Gateway cost 0.42 USD + share of self-hosted GPU
   * cost by tokens per hour 12.80 USD (llama-3-1-8b-instruct, estimated
   * from the spec)".
   */
  basis: string;
}

/**
 * A number read from Prometheus over a window, with where it came from.
 *
 * @public
 */
export interface PrometheusReading {
  value: number;
  /** e.g. `7d`, `1h`. */
  window: string;
  /** The PromQL metric(s) the value was computed from. */
  metric: string;
  source: 'prometheus';
}

/**
 * GPU cost of one self-hosted ModelEndpoint over a window (the month to date).
 *
 * @public
 */
export interface SelfHostedGpuCost {
  /** USD per GPU-hour. */
  gpuHourUsd: number;
  /** `entity-pricing`: `spec.pricing.gpuHourUsd`; `gpu-profile`: the profile's `hourlyCostUsd`. */
  priceSource: 'entity-pricing' | 'gpu-profile';
  gpuProfile: string | null;
  gpusPerReplica: number;
  /** GPU-hours held in `window`. */
  gpuHours: number;
  gpuHoursSource: GpuHoursSource;
  /** gpuHours × gpuHourUsd. */
  costUsd: number;
  /**
   * The whole month's cost at the current allocation: for `spec-estimate`
   * the allocation held to the month's end, for `prometheus` the month to
   * date scaled by the elapsed share of the month.
   */
  forecastMonthUsd: number;
  /**
   * One sentence saying how the figure was computed, e.g. "Estimated from the
   * spec: 1 replica (replicas.min) × 1 GPU × 72.0 h since 2026-12-01 00:00
   * UTC × 3.20 USD per GPU-hour".
   */
  basis: string;
  /** ISO 8601 date-times. */
  window: { from: string; to: string };
  /** Mean GPU utilisation in percent (0–100) over its window; `null` without DCGM series. */
  utilisationPercent: PrometheusReading | null;
  /** gpuHours × (1 − utilisation) × gpuHourUsd; `null` without a utilisation. */
  idleCostUsd: number | null;
}

/**
 * Cost per unit of work over a window, comparable between self-hosted
 * (GPU cost ÷ work served) and managed (gateway cost ÷ work) endpoints.
 *
 * @public
 */
export interface UnitCost {
  /** `null` when no output tokens were served. */
  perMillionOutputTokensUsd: number | null;
  /** `null` when no request was served. */
  perThousandRequestsUsd: number | null;
  costUsd: number;
  outputTokens: number;
  requests: number;
  basis: EndpointCostBasis;
}

/**
 * A change that would make a self-hosted endpoint cheaper and that the
 * golden path's own memory-fit and policy logic says is safe. Never applied
 * by the portal.
 *
 * @public
 */
export interface RightSizingRecommendation {
  /** `gpu-profile`: move to a cheaper profile; `replicas-min`: hold fewer replicas when idle. */
  kind: 'gpu-profile' | 'replicas-min';
  /** The current value, e.g. `h100-80gb` or `2`. */
  from: string;
  /** The recommended value, e.g. `l4-24gb` or `1`. */
  to: string;
  /** Monthly saving in USD at list prices (730 h per month). */
  monthlySavingUsd: number;
  /** Why it is safe, e.g. "needs 18.4 GiB of 22.5 GiB usable on l4-24gb at 8,192 tokens of context". */
  reason: string;
}

/**
 * The cost of one ModelEndpoint or Agent over the month to date.
 *
 * @public
 */
export interface EntityCost {
  /** Lower case `kind:namespace/name`. */
  entityRef: string;
  kind: string;
  title: string;
  /** `spec.type` of a ModelEndpoint, e.g. `chat`; `null` for agents. */
  type: string | null;
  servingMode: 'self-hosted' | 'managed' | null;
  /** The month-to-date cost; `null` when its source is unavailable. */
  costUsd: number | null;
  basis: EndpointCostBasis;
  /** Why the GPU-hours source could not answer (basis `unavailable`). */
  unavailableReason: string | null;
  /** Self-hosted endpoints only. */
  gpu: SelfHostedGpuCost | null;
  unitCost: UnitCost | null;
  /** Self-hosted endpoints only: latest saturation readings. */
  saturation: {
    kvCacheUsagePercent: PrometheusReading | null;
    waitingRequests: PrometheusReading | null;
  } | null;
  rightSizing: RightSizingRecommendation[];
  /**
   * Agents that called a self-hosted endpoint this month: how the cost is
   * made up; `null` otherwise (absent from older backends).
   */
  gpuShare?: AgentGpuShare | null;
}

/**
 * `GET /cost/by-entity/:kind/:namespace/:name`: the entity's cost, and for a
 * ModelEndpoint the unit cost of the other endpoints of the same `type` the
 * user may read (managed ones first), to compare.
 *
 * @public
 */
export interface EntityCostResponse {
  cost: EntityCost;
  comparisons: Array<{
    entityRef: string;
    title: string;
    servingMode: 'self-hosted' | 'managed' | null;
    model: string | null;
    unitCost: UnitCost;
  }>;
  /** ISO 8601 date-times. */
  window: { from: string; to: string };
}
