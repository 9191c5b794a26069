/**
 * Wire types of the planning answers of the AI platform REST API
 * (`GET /planning/options`, `POST /planning/preview`). Defined once here;
 * the backend builds them and the frontend client reads them.
 */

import type { DataClassification } from '../constants';
import type {
  EndpointCostEstimate,
  EndpointPlan,
  MemoryFit,
  PlanDecision,
} from '../planning';

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
  quota?: EndpointPlan['quota'];
  budget?: EndpointPlan['budget'];
  /**
   * Set when an owner was given but the user is neither a member of it nor
   * of a platform group: why the team's quota, budget and committed spend
   * are left out.
   */
  teamFiguresWithheld?: string;
  decisions: PlanDecision[];
  /** Checks made only when the template runs (e.g. custom CEL policies). */
  deferredChecks: Array<{ rule: string; message: string }>;
}
