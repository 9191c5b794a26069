import {
  EndpointCostBasis,
  UnitCost,
} from '@ai-platform/plugin-ai-platform-common';

/** One ModelEndpoint or Agent row of the fleet table. */
export interface FleetEntity {
  entityRef: string;
  kind: string;
  title: string;
  owner: string | null;
  /** Whether the user may read this entity's telemetry; when not, the numbers are `null`. */
  telemetryReadable: boolean;
  level: string | null;
  evaluatedAt: string | null;
  /** `spec.serving.mode` of a ModelEndpoint; `null` for agents. */
  servingMode: 'self-hosted' | 'managed' | null;
  /**
   * Month-to-date cost: GPU cost of a self-hosted endpoint, else the
   * gateway's per-call cost; `null` when not readable or its source is
   * unavailable (see `costUnavailableReason`).
   */
  spendMtdUsd: number | null;
  /** Where `spendMtdUsd` came from; `null` when the telemetry is not readable. */
  costBasis: EndpointCostBasis | null;
  unitCost: UnitCost | null;
  /** Idle GPU cost this month; `null` without a utilisation reading. */
  idleCostUsd: number | null;
  /** Mean GPU utilisation over 7 days (Prometheus); `null` without one. */
  utilisationPercent: number | null;
  costUnavailableReason: string | null;
  requestsMtd: number | null;
  /** The latest scorecard's `ttft-p95` check (24 h). */
  ttftP95Ms: number | null;
  ttftStatus: string | null;
  /** The weakest `eval:<suite>` check of the latest scorecard. */
  evalScore: number | null;
  evalSuite: string | null;
  evalStatus: string | null;
}

/** One golden-path entity: what a template created and when it first served. */
export interface GoldenPathEntity {
  entityRef: string;
  kind: string;
  title: string;
  owner: string | null;
  templateRef: string;
  /** When the template ran (the GitOps commit that added the entity), or `null` when unknown. */
  createdAt: string | null;
  createdAtSource: 'gitops-created-time' | 'gitops-commit-time' | null;
  telemetryReadable: boolean;
  firstTelemetryAt: string | null;
  firstTelemetryPrecision: 'event' | 'hour' | null;
  /** `firstTelemetryAt - createdAt`, never below 0 (see `firstTelemetryPrecision`). */
  timeToFirstInferenceMs: number | null;
}
