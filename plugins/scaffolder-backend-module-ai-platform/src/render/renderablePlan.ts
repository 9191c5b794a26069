import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * The parts of an `ai-platform:endpoint:plan` output the renderer needs.
 *
 * @internal
 */
export const renderablePlanSchema = z.object({
  approved: z.literal(true, {
    message:
      'the plan was not approved; run ai-platform:endpoint:plan and fix the failed rules first',
  }),
  request: z.object({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(63),
    owner: z.string().min(1),
    system: z.string().min(1).optional(),
    model: z.string().min(1),
    runtime: z.enum(['vllm', 'kserve', 'kserve-llm']),
    contextTokens: z.number().int().positive(),
    tensorParallelSize: z.number().int().positive(),
    maxConcurrentSequences: z.number().int().positive().optional(),
    replicas: z
      .object({
        min: z.number().int().min(0),
        max: z.number().int().min(0),
      })
      .refine(r => r.min <= r.max && (r.max >= 1 || r.min === 0), {
        message:
          'min must not exceed max, and max must be at least 1 unless the endpoint is paused (min = max = 0)',
      }),
    dataClassification: z.enum([
      'public',
      'internal',
      'confidential',
      'restricted',
    ]),
    gatewayModel: z.string().min(1),
    monthlyBudgetUsd: z.number().min(0).optional(),
  }),
  namespace: z.string().min(1),
  kueueQueueName: z.string().min(1).optional(),
  gpuMemoryUtilization: z.number().gt(0).max(1),
  gpusPerReplica: z.number().int().positive(),
  model: z.object({
    name: z.string().min(1),
    type: z
      .enum(['chat', 'completion', 'embedding', 'rerank', 'classification'])
      .optional(),
    parametersBillions: z.number().positive(),
    license: z.string().min(1),
  }),
  gpuProfile: z.object({
    id: z.string().min(1),
    resourceName: z.string().min(1),
    nodeSelector: z.record(z.string(), z.string()),
    tolerations: z.array(
      z.object({
        key: z.string(),
        operator: z.enum(['Exists', 'Equal']),
        value: z.string().optional(),
        effect: z.string().optional(),
      }),
    ),
    hourlyCostUsd: z.number().min(0),
  }),
  cluster: z.object({ name: z.string().min(1) }),
  memoryFit: z.object({ weightsGiB: z.number().positive() }),
  /** The replicas a paused endpoint had before its pause; resume restores them. */
  pausedFrom: z
    .object({
      min: z.number().int().min(0),
      max: z.number().int().min(1),
    })
    .optional(),
});

/**
 * A plan the renderer accepts.
 *
 * @internal
 */
export type RenderablePlan = z.infer<typeof renderablePlanSchema>;

/**
 * Parses the plan input, or throws an InputError naming each bad field.
 *
 * @internal
 */
export function parseRenderablePlan(plan: unknown): RenderablePlan {
  const parsed = renderablePlanSchema.safeParse(plan);
  if (!parsed.success) {
    throw new InputError(
      `plan is not a usable ai-platform:endpoint:plan output: ${parsed.error.issues
        .map(i => `plan.${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * True for a paused endpoint: min = max = 0 replicas.
 *
 * @internal
 */
export function isPausedPlan(plan: RenderablePlan): boolean {
  return plan.request.replicas.min === 0 && plan.request.replicas.max === 0;
}
