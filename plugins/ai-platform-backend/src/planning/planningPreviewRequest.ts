import {
  DATA_CLASSIFICATIONS,
  ENDPOINT_PLAN_RUNTIMES,
  ENDPOINT_REQUEST_LIMITS,
} from '@ai-platform/plugin-ai-platform-common';
import { z } from 'zod/v4';

const L = ENDPOINT_REQUEST_LIMITS;

/** A whole number within a limit of {@link ENDPOINT_REQUEST_LIMITS}. */
const wholeNumber = (limit: { min: number; max: number }) =>
  z
    .number({ error: `expected a whole number ≥ ${limit.min}` })
    .int({ error: `expected a whole number ≥ ${limit.min}` })
    .min(limit.min, { error: `expected a whole number ≥ ${limit.min}` })
    .max(limit.max, {
      error: `expected a whole number ≤ ${limit.max} (the maximum)`,
    });
const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `expected ${what}` })
    .max(L.textMaxLength, {
      error: `expected ${what} of at most ${L.textMaxLength} characters`,
    });

/**
 * The body of `POST /planning/preview`: every field the self-hosted endpoint form has
 * chosen so far; unknown fields are refused.
 *
 * @internal
 */
export const planningPreviewRequestSchema = z
  .object({
    model: nonEmpty('an approved model name'),
    gpuProfile: nonEmpty('a GPU profile id'),
    cluster: nonEmpty('a cluster name'),
    dataClassification: z.enum(DATA_CLASSIFICATIONS, {
      error: `expected one of ${DATA_CLASSIFICATIONS.join(', ')}`,
    }),
    contextTokens: wholeNumber(L.contextTokens).optional(),
    maxConcurrentSequences: wholeNumber(L.maxConcurrentSequences).optional(),
    tensorParallelSize: wholeNumber(L.tensorParallelSize).optional(),
    replicas: z
      .object({
        min: wholeNumber(L.replicasMin),
        max: wholeNumber(L.replicasMax),
      })
      .optional(),
    runtime: z
      .enum(ENDPOINT_PLAN_RUNTIMES, {
        error: `expected one of ${ENDPOINT_PLAN_RUNTIMES.join(', ')}`,
      })
      .optional(),
    owner: nonEmpty(
      'a group reference, e.g. group:default/ml-platform',
    ).optional(),
    name: z
      .string({ error: 'expected a text' })
      .max(L.textMaxLength, {
        error: `expected at most ${L.textMaxLength} characters`,
      })
      .optional(),
  })
  .strict();

/**
 * A validated body of `POST /planning/preview`.
 *
 * @internal
 */
export type PlanningPreviewRequest = z.infer<
  typeof planningPreviewRequestSchema
>;
