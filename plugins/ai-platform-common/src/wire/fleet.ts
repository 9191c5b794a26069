/**
 * Wire types of `GET /fleet/summary`, the data of the AI Platform page, with
 * its `retired` section: entities the telemetry store still holds history of
 * that have left the catalog (a ModelEndpoint decommissioned by
 * `ai-platform:endpoint:change`, a deleted Agent). Defined once here; the
 * backend builds them and the frontend client reads them.
 */

import type {
  EndpointCostBasis,
  RightSizingRecommendation,
  UnitCost,
} from './cost';
import type { ScorecardCheckStatus } from './scorecards';
import type { UnattributedUsage } from './usage';

/**
 * One entity with stored telemetry that the catalog no longer has.
 *
 * @public
 */
export type RetiredFleetEntity = {
  /** Lower case `kind:namespace/name`, as the telemetry was attributed. */
  entityRef: string;
  kind: 'ModelEndpoint' | 'Agent';
  /** The latest call, ISO 8601 (see `lastCallPrecision`). */
  lastCallAt: string;
  /**
   * `event`: the time of the latest stored call. `hour`: retention deleted
   * the raw calls of that hour; `lastCallAt` is the start of the hour.
   */
  lastCallPrecision: 'event' | 'hour';
  /** Calls this month (UTC) to date, from the hourly rollups; 0 when none. */
  requestsMtd: number;
  inputTokensMtd: number;
  outputTokensMtd: number;
  /**
   * What the gateway (or, when it reported none, a token price) put on this
   * month's calls. Not the entity's cost when it was a self-hosted
   * endpoint: its GPU cost needs its spec, which left with it, so none is
   * given (see `FleetRetiredEntities.costBasis`).
   */
  gatewayPriceMtdUsd: number;
};

/**
 * The `retired` section of `GET /fleet/summary`.
 *
 * @public
 */
export type FleetRetiredEntities = {
  /**
   * `false` unless the user's `ai-platform.telemetry.read` decision is an
   * unconditional ALLOW: a conditional decision cannot be resolved against
   * an entity the catalog no longer has. `items` is then empty.
   */
  allowed: boolean;
  /** Retired ModelEndpoints (all, not only the listed ones). */
  modelEndpointCount: number;
  /** Retired Agents (all, not only the listed ones). */
  agentCount: number;
  /** The `limit` most recently called, latest first. */
  items: RetiredFleetEntity[];
  limit: number;
  /** One sentence on how to read `gatewayPriceMtdUsd`. */
  costBasis: string;
};

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
  /*
   * The cost fields below are absent from backends that predate GPU-hour
   * costs; views read a missing field as `null` (or 0 for the team sums).
   */
  /** `spec.serving.mode` of a ModelEndpoint; `null` for agents. */
  servingMode?: 'self-hosted' | 'managed' | null;
  /** Where `spendMtdUsd` came from; `null` when telemetry is not readable. */
  costBasis?: EndpointCostBasis | null;
  unitCost?: UnitCost | null;
  /** Idle GPU cost month to date; `null` without a utilisation reading. */
  idleCostUsd?: number | null;
  /** Mean GPU utilisation in percent; `null` without DCGM series. */
  utilisationPercent?: number | null;
  /** Why the cost could not be read (basis `unavailable`). */
  costUnavailableReason?: string | null;
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
  /** The part of `modelEndpointSpendMtdUsd` computed from GPU-hours. */
  selfHostedGpuSpendMtdUsd?: number;
  /** The part of `modelEndpointSpendMtdUsd` estimated from specs. */
  estimatedSpendMtdUsd?: number;
  /** Idle GPU cost of the team's self-hosted endpoints. */
  idleCostMtdUsd?: number;
}

/**
 * GPU cost of the self-hosted ModelEndpoints the user may read, month to
 * date, with the right-sizing recommendations the backend found.
 *
 * @public
 */
export interface FleetGpuCost {
  totalMtdUsd: number;
  idleMtdUsd: number;
  /** Endpoints whose GPU-hours came from Prometheus. */
  measuredEndpointCount: number;
  /** Endpoints whose GPU-hours are estimated from the spec. */
  estimatedEndpointCount: number;
  /** Endpoints whose GPU-hours source could not answer. */
  unavailableEndpointCount: number;
  recommendations: Array<{
    entityRef: string;
    title: string;
    recommendation: RightSizingRecommendation;
  }>;
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
export interface UnattributedTelemetry extends UnattributedUsage {
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
  /** Absent from backends that predate GPU-hour costs. */
  gpuCost?: FleetGpuCost;
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
  /**
   * ModelEndpoints and Agents with stored telemetry that left the catalog
   * (decommissioned, deleted); listed only on an unconditional
   * `ai-platform.telemetry.read`. Absent from backends that predate it.
   */
  retired?: FleetRetiredEntities;
}
