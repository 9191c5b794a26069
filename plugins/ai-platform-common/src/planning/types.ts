import type {
  DataClassification,
  ModelEndpointType,
  ServingRuntime,
} from '../constants';

/**
 * A Kubernetes toleration a GPU profile's pods carry.
 *
 * @public
 */
export type GpuToleration = {
  key: string;
  operator: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
};

/**
 * A GPU profile of the platform: what one GPU unit is, where it runs and what it costs.
 *
 * @public
 */
export type GpuProfile = {
  /** Profile id, e.g. `h100-80gb` or `h100-mig-3g-40gb`. */
  id: string;
  /** Human-readable title. */
  title?: string;
  /** Extended resource requested per GPU unit: `nvidia.com/gpu` or `nvidia.com/mig-3g.40gb` style. */
  resourceName: string;
  /** Memory usable by the runtime on one GPU unit, in GiB (below the nominal size). */
  usableMemoryGiB: number;
  /** GPUs per replica when the request does not set a tensor-parallel size. Defaults to 1. */
  gpusPerReplica?: number;
  /** Node selector that places pods on nodes with this GPU. */
  nodeSelector: Record<string, string>;
  /** Tolerations for the GPU nodes' taints. */
  tolerations: GpuToleration[];
  /** Price of one GPU unit for one hour, in US dollars. */
  hourlyCostUsd: number;
};

/**
 * A GPU cluster the platform deploys endpoints to.
 *
 * @public
 */
export type PlatformCluster = {
  /** Cluster name, e.g. `gpu-eu-west-1`; also its catalog Resource name. */
  name: string;
  /** Cloud region, e.g. `eu-west-1`. */
  region: string;
  /** Ids of the GPU profiles this cluster offers. */
  gpuProfiles: string[];
  /** Data classifications endpoints on this cluster may process. */
  allowedDataClassifications: DataClassification[];
  /** Folder in the GitOps repository for this cluster's manifests, e.g. `clusters/gpu-eu-west-1`. */
  gitopsPathPrefix?: string;
  // The cluster's API server credentials (aiPlatform.clusters[].apiServer) stay in the scaffolder
  // module's config loader and never reach the plan.
  /** Default Kueue LocalQueue name endpoints are admitted through. */
  kueueQueueName?: string;
};

/**
 * A model approved for self-hosting, with the architecture numbers the memory fit needs.
 *
 * @public
 */
export type ApprovedModel = {
  /** The model's name at its source, e.g. `meta-llama/Llama-3.1-8B-Instruct`. */
  name: string;
  /** What the model serves. Defaults to `chat`. */
  type?: ModelEndpointType;
  /** Parameter count, in billions (e.g. 8.03). */
  parametersBillions: number;
  /** `num_hidden_layers`. */
  layers: number;
  /** `num_key_value_heads`. */
  kvHeads: number;
  /** `head_dim` (or hidden_size / num_attention_heads). */
  headDim: number;
  /** Context length used when the request does not set one, in tokens. */
  defaultContextTokens: number;
  /** Longest context the model supports, in tokens. */
  maxContextTokens: number;
  /** Licence identifier, e.g. `llama3.1`. */
  license: string;
  /** The most sensitive data classification the model is approved for. */
  maxDataClassification: DataClassification;
  /** Bytes per weight: 2 for bf16/fp16, 1 for fp8/int8, 0.5 for int4. Defaults to 2. */
  dtypeBytes?: number;
  /** Bytes per KV-cache element: 2 for the auto/bf16 cache, 1 for fp8. Defaults to 2. */
  kvCacheDtypeBytes?: number;
};

/**
 * A team's GPU quota and budget.
 *
 * @public
 */
export type PlatformTeam = {
  /** The team's catalog group, as a full entity ref, e.g. `group:default/ml-platform`. */
  group: string;
  /** Kubernetes namespace the team's endpoints run in. */
  namespace: string;
  /** Kueue LocalQueue of the team; overrides the cluster's. */
  kueueQueueName?: string;
  /** GPU units the team may hold at max replicas, per GPU profile id. */
  gpuQuota: Record<string, number>;
  /** Monthly budget for the team's self-hosted endpoints, in US dollars. */
  monthlyBudgetUsd: number;
};

/**
 * A custom policy: a CEL expression over `request` and `plan` that must be true.
 *
 * @public
 */
export type PlatformPolicy = {
  id: string;
  expression: string;
  /** Shown when the expression is false. */
  message: string;
};

/**
 * The platform configuration the plan logic needs (the `aiPlatform` config block).
 *
 * @public
 */
export type EndpointPlanningConfig = {
  /** vLLM `gpu_memory_utilization` (share of usable memory vLLM may take), e.g. 0.92. */
  gpuMemoryUtilization: number;
  /** Hours per month used for cost estimates; 730 by convention. */
  hoursPerMonth: number;
  gpuProfiles: GpuProfile[];
  clusters: PlatformCluster[];
  models: ApprovedModel[];
  teams: PlatformTeam[];
  policies: PlatformPolicy[];
};

/**
 * The runtimes the self-hosted golden path renders.
 *
 * @public
 */
export const ENDPOINT_PLAN_RUNTIMES = ['vllm', 'kserve', 'kserve-llm'] as const;

/**
 * A runtime the self-hosted golden path renders.
 *
 * @public
 */
export type EndpointPlanRuntime = (typeof ENDPOINT_PLAN_RUNTIMES)[number] &
  ServingRuntime;

/**
 * A request for a self-hosted inference endpoint.
 *
 * @public
 */
export type EndpointRequest = {
  /** Endpoint name: a DNS-1123 label, at most 63 characters. */
  name: string;
  /** Owning group, e.g. `group:default/ml-platform`. */
  owner: string;
  system?: string;
  /** Approved model name. */
  model: string;
  gpuProfile: string;
  cluster: string;
  runtime: EndpointPlanRuntime;
  /** Context length (`max_model_len`), in tokens; defaults to the model's default. */
  contextTokens?: number;
  /** Full-length sequences that must fit in the KV cache at once; defaults to 1. */
  maxConcurrentSequences?: number;
  replicas: { min: number; max: number };
  dataClassification: DataClassification;
  /** GPUs per replica; defaults to the profile's gpusPerReplica, else 1. */
  tensorParallelSize?: number;
  /** Gateway alias; defaults to the endpoint name. */
  gatewayModel?: string;
  /** Monthly budget recorded on the entity, in US dollars. */
  monthlyBudgetUsd?: number;
};

/**
 * GPUs an existing self-hosted endpoint of the team holds, read from its catalog entity.
 *
 * @public
 */
export type ExistingEndpointAllocation = {
  /** Entity ref of the endpoint. */
  entityRef: string;
  gpuProfile: string;
  maxReplicas: number;
  /** GPUs per replica; defaults to the profile's gpusPerReplica, else 1. */
  gpusPerReplica?: number;
  /** The entity's `pricing.gpuHourUsd`; falls back to the profile's hourly cost. */
  gpuHourUsd?: number;
};

/**
 * One rule's verdict.
 *
 * @public
 */
export type PlanDecision = {
  rule: string;
  outcome: 'pass' | 'fail';
  message: string;
};

/**
 * The memory fit of a model on a GPU profile (per GPU, after tensor parallelism).
 *
 * @public
 */
export type MemoryFit = {
  fits: boolean;
  /** All weights, in GiB. */
  weightsGiB: number;
  /** KV cache for the context × concurrent sequences, in GiB. */
  kvCacheGiB: number;
  weightsGiBPerGpu: number;
  kvCacheGiBPerGpu: number;
  /** Reserved runtime overhead: max(2 GiB, 0.1 × weights per GPU). */
  overheadGiBPerGpu: number;
  requiredGiBPerGpu: number;
  availableGiBPerGpu: number;
  kvCacheBytesPerToken: number;
  /** Full-length sequences the memory left after weights and overhead can hold. */
  maxConcurrentSequences: number;
  /** E.g. `fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable`. */
  summary: string;
};

/**
 * The monthly cost of an endpoint at its min and max replicas.
 *
 * @public
 */
export type EndpointCostEstimate = {
  gpuHourUsd: number;
  gpusPerReplica: number;
  hoursPerMonth: number;
  monthlyMinUsd: number;
  monthlyMaxUsd: number;
};

/**
 * The result of planning an endpoint: resolved config, numbers and every decision.
 *
 * @public
 */
export type EndpointPlan = {
  /** True when every decision passed. */
  approved: boolean;
  request: EndpointRequest & {
    contextTokens: number;
    maxConcurrentSequences: number;
    tensorParallelSize: number;
    gatewayModel: string;
  };
  namespace?: string;
  kueueQueueName?: string;
  /** `<cluster gitopsPathPrefix or clusters/<cluster>>/<namespace>/<name>`. */
  gitopsPath?: string;
  gpuMemoryUtilization: number;
  gpusPerReplica: number;
  model?: ApprovedModel;
  gpuProfile?: GpuProfile;
  cluster?: PlatformCluster;
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
};
