import {
  DATA_CLASSIFICATIONS,
  MODEL_ENDPOINT_TYPES,
  SERVING_MODES,
} from '@ai-platform/plugin-ai-platform-common';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  GROUP_REF_INPUT_DESCRIPTION,
  parseActionEntityRef,
} from './actionEntityRef';
import { ModelEndpointListService } from './ModelEndpointListService';

/**
 * Registers `list-model-endpoints`: which ModelEndpoints exist, which may
 * process a data classification, how fast they are and what they cost.
 *
 * @internal
 */
export function registerListModelEndpointsAction(
  actionsRegistry: ActionsRegistryService,
  endpoints: ModelEndpointListService,
) {
  actionsRegistry.register({
    name: 'list-model-endpoints',
    title: 'List model endpoints',
    description: `Lists the model endpoints (LLM inference endpoints) of the AI platform that a developer can call through the LLM gateway, with filters. Use it to pick a model for an application or agent, e.g. "which approved endpoint can process confidential data under 800 ms p95?" -> { approvedOnly: true, mayProcess: "confidential", maxTtftP95Ms: 800 }.
Each item has: gatewayAlias (the model name to send to the gateway's OpenAI-compatible API), dataClassification (the most sensitive data it may process; order: ${DATA_CLASSIFICATIONS.join(
      ' < ',
    )}), approved (lifecycle production and, when self-hosted, a model on the platform's approved list), slo (targets), ttftP95Ms (measured time to first token p95 over the last 24 h), level (scorecard grade: bronze, silver, gold or null), unitCost (USD per million output tokens and per thousand requests this month) and spendMtdUsd.
Numbers are null when the caller lacks the ai-platform.telemetry.read permission on an endpoint (telemetryReadable: false). "excluded" says why each endpoint that did not match a filter was left out.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          type: z
            .enum(MODEL_ENDPOINT_TYPES)
            .optional()
            .describe(
              'The kind of inference: chat for LLM chat/completions, embedding, rerank, completion or classification.',
            ),
          mayProcess: z
            .enum(DATA_CLASSIFICATIONS)
            .optional()
            .describe(
              `Only endpoints allowed to process data of this classification (${DATA_CLASSIFICATIONS.join(
                ' < ',
              )}): an endpoint approved for confidential data may also process internal and public data.`,
            ),
          maxTtftP95Ms: z
            .number()
            .positive()
            .optional()
            .describe(
              'Only endpoints whose measured time-to-first-token p95 over the last 24 h is at most this many milliseconds.',
            ),
          servingMode: z
            .enum(SERVING_MODES)
            .optional()
            .describe(
              'self-hosted (our GPU clusters) or managed (a provider such as OpenAI or Anthropic behind the gateway).',
            ),
          owner: z
            .string()
            .min(1)
            .optional()
            .describe(
              `Only endpoints owned by this group. ${GROUP_REF_INPUT_DESCRIPTION}`,
            ),
          approvedOnly: z
            .boolean()
            .optional()
            .describe(
              "Only approved endpoints: lifecycle production and, when self-hosted, serving a model on the platform's approved model list. Default false.",
            ),
        }),
      output: z =>
        z.object({
          items: z.array(
            z.object({
              name: z.string(),
              title: z.string(),
              entityRef: z.string(),
              type: z.string().nullable(),
              lifecycle: z.string().nullable(),
              owner: z.string().nullable(),
              servingMode: z.enum(SERVING_MODES).nullable(),
              model: z.string().nullable(),
              gatewayAlias: z
                .string()
                .nullable()
                .describe('The model name to send to the LLM gateway'),
              dataClassification: z.enum(DATA_CLASSIFICATIONS).nullable(),
              approved: z.boolean(),
              approval: z.string().describe('Why approved or not'),
              slo: z.object({
                ttftP95Ms: z.number().nullable(),
                errorRatePercent: z.number().nullable(),
              }),
              telemetryReadable: z.boolean(),
              ttftP95Ms: z.number().nullable(),
              ttftStatus: z.string().nullable(),
              ttftMeasuredAt: z.string().nullable(),
              level: z.string().nullable(),
              unitCost: z
                .object({
                  perMillionOutputTokensUsd: z.number().nullable(),
                  perThousandRequestsUsd: z.number().nullable(),
                  basis: z.string(),
                })
                .nullable(),
              spendMtdUsd: z.number().nullable(),
            }),
          ),
          excluded: z.array(
            z.object({ entityRef: z.string(), reason: z.string() }),
          ),
          notes: z.array(z.string()),
        }),
    },
    action: async ({ input, credentials }) => {
      const output = await endpoints.list(
        {
          ...input,
          owner: input.owner
            ? parseActionEntityRef(input.owner, 'owner', 'group')
            : undefined,
        },
        credentials,
      );
      return { output };
    },
  });
}
