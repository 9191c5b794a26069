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
  spendMtdUsd: number | null;
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
