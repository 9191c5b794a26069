import {
  type AiPlatformConfig,
  DATA_CLASSIFICATIONS,
  ENDPOINT_PLAN_RUNTIMES,
} from '@ai-platform/plugin-ai-platform-common';
import { AuthService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import { planningPreviewRequestSchema } from '../planning/planningPreviewRequest';
import { PlanningPreviewService } from '../planning/PlanningPreviewService';
import { previewEndpointPlan } from '../planning/previewEndpointPlan';
import { GROUP_REF_INPUT_DESCRIPTION } from './actionEntityRef';

/**
 * Registers `plan-model-endpoint`: the self-hosted golden path's plan for a
 * proposed endpoint (the `POST /planning/preview` logic), with no side
 * effects.
 *
 * @internal
 */
export function registerPlanModelEndpointAction(
  actionsRegistry: ActionsRegistryService,
  services: {
    auth: AuthService;
    planning: PlanningPreviewService;
    platform: AiPlatformConfig;
  },
) {
  const { auth, planning, platform } = services;
  actionsRegistry.register({
    name: 'plan-model-endpoint',
    title: 'Plan a self-hosted model endpoint',
    description: `Plans a proposed self-hosted model endpoint exactly as the "self-hosted model endpoint" golden path (software template) would, without creating anything: GPU memory fit (weights + KV cache + overhead per GPU), monthly cost at min and max replicas, and the result of every platform rule (approved model, GPU profile on the cluster, data classification of the model and cluster, tensor parallelism, the owner team's GPU quota and monthly budget). "approved" is true when every evaluated rule passed; "deferredChecks" are checked when the template runs (custom policies; quota and budget when no owner is given or the caller is not a member of the owning team or a platform group).
A model, GPU profile or cluster the platform does not know is answered with a failed rule that lists the known ones.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          model: z
            .string()
            .describe(
              'The model name on the approved list, e.g. meta-llama/Llama-3.1-8B-Instruct',
            ),
          gpuProfile: z.string().describe('A GPU profile id, e.g. l4-24gb'),
          cluster: z.string().describe('A cluster name, e.g. gpu-eu-west-1'),
          dataClassification: z
            .enum(DATA_CLASSIFICATIONS)
            .describe('The most sensitive data the endpoint will process'),
          contextTokens: z
            .number()
            .int()
            .optional()
            .describe("Max context length in tokens; default: the model's"),
          maxConcurrentSequences: z
            .number()
            .int()
            .optional()
            .describe('Concurrent full-length sequences per replica'),
          tensorParallelSize: z
            .number()
            .int()
            .optional()
            .describe('GPUs each replica shards the model over; default 1'),
          replicas: z
            .object({ min: z.number().int(), max: z.number().int() })
            .optional()
            .describe('Autoscaling bounds; default min 1, max 1'),
          runtime: z
            .enum(ENDPOINT_PLAN_RUNTIMES)
            .optional()
            .describe('Serving runtime; default vllm'),
          owner: z
            .string()
            .optional()
            .describe(
              `The owning team, to check its GPU quota and budget. ${GROUP_REF_INPUT_DESCRIPTION}`,
            ),
          name: z.string().optional().describe('The endpoint name'),
        }),
      output: z => {
        const decision = z.object({
          rule: z.string(),
          outcome: z.enum(['pass', 'fail']),
          message: z.string(),
        });
        return z.object({
          approved: z.boolean(),
          fits: z.boolean().nullable(),
          contextTokens: z.number(),
          maxConcurrentSequences: z.number(),
          tensorParallelSize: z.number(),
          replicas: z.object({ min: z.number(), max: z.number() }),
          memoryFit: z
            .object({ fits: z.boolean(), summary: z.string() })
            .passthrough()
            .optional(),
          cost: z
            .object({ monthlyMinUsd: z.number(), monthlyMaxUsd: z.number() })
            .passthrough()
            .optional(),
          quota: z.object({}).passthrough().optional(),
          budget: z.object({}).passthrough().optional(),
          teamFiguresWithheld: z.string().optional(),
          decisions: z.array(decision),
          deferredChecks: z.array(
            z.object({ rule: z.string(), message: z.string() }),
          ),
        });
      },
    },
    action: async ({ input, credentials }) => {
      // The preview's own limits (the form's), one message per bad field.
      const parsed = planningPreviewRequestSchema.safeParse(input);
      if (!parsed.success) {
        throw new InputError(
          `Invalid plan-model-endpoint input: ${parsed.error.issues
            .map(issue => `'${issue.path.join('.')}': ${issue.message}`)
            .join('; ')}`,
        );
      }
      // A user sees their team's figures; a service principal (a static
      // token) is a member of no team.
      const preview = auth.isPrincipal(credentials, 'user')
        ? await planning.preview(parsed.data, credentials)
        : previewEndpointPlan(parsed.data, platform, [], {
            teamFiguresVisible: false,
          });
      return { output: preview };
    },
  });
}
