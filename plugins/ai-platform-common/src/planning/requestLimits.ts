/**
 * Bounds of the numbers and texts of a self-hosted endpoint request, shared by the
 * `ai-platform:endpoint:plan` scaffolder action and `POST /planning/preview` so that both
 * refuse the same input. A value outside them is an input error (the request is refused
 * naming the field and the bound), not a plan decision.
 *
 * @public
 */
export const ENDPOINT_REQUEST_LIMITS = {
  /** GPUs per replica (tensor parallelism). 64 covers the largest NVLink domains in use. */
  tensorParallelSize: { min: 1, max: 64 },
  /** Full-length sequences that must fit in the KV cache at once. */
  maxConcurrentSequences: { min: 1, max: 4096 },
  /** Context length in tokens; the model's own maximum is a plan decision below this. */
  contextTokens: { min: 1, max: 16_777_216 },
  /** Minimum replicas (0 = scale to zero). */
  replicasMin: { min: 0, max: 1000 },
  /** Maximum replicas. */
  replicasMax: { min: 1, max: 1000 },
  /** Budget recorded on the ModelEndpoint entity, in US dollars. */
  monthlyBudgetUsd: { min: 0, max: 100_000_000 },
  /** Characters of the names and references (model, GPU profile, cluster, owner, ...). */
  textMaxLength: 253,
} as const;
