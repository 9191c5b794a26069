import { InputError } from '@backstage/errors';
import yaml from 'yaml';
import { z } from 'zod';

/**
 * `litellm_params` keys that carry credentials. Each must be an `os.environ/NAME` reference,
 * which LiteLLM resolves from the proxy's environment, never a literal value.
 */
const CREDENTIAL_PARAMS = [
  'api_key',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'vertex_credentials',
  'azure_ad_token',
  'client_secret',
] as const;

const ENV_REFERENCE = /^os\.environ\/[A-Za-z_][A-Za-z0-9_]*$/;

const environmentReference = z.string().regex(ENV_REFERENCE, {
  message:
    'must be an os.environ/NAME reference to an environment variable of the gateway, not a literal credential',
});

const modelEntrySchema = z.object({
  model_name: z
    .string()
    .min(1, { message: 'must be the alias clients send, not empty' }),
  litellm_params: z
    .object({
      model: z.string().regex(/^[a-z0-9_-]+\/.+$/, {
        message:
          'must be <provider>/<model>, e.g. openai/gpt-4o-mini or anthropic/claude-sonnet-4-5',
      }),
      ...Object.fromEntries(
        CREDENTIAL_PARAMS.map(key => [key, environmentReference.optional()]),
      ),
    })
    .passthrough(),
  model_info: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A LiteLLM proxy config fragment with a `model_list`, as the golden paths render it into
 * `gateway/litellm-model.yaml`.
 *
 * @internal
 */
export const liteLlmRouteSchema = z.object({
  model_list: z
    .array(modelEntrySchema)
    .min(1, { message: 'must hold at least one model entry' }),
});

/**
 * One route of a LiteLLM `model_list`.
 *
 * @internal
 */
export type LiteLlmModelRoute = z.infer<typeof modelEntrySchema>;

/**
 * Parses and validates a rendered LiteLLM route file; throws an InputError naming the file
 * and every bad field (e.g. `model_list[0].litellm_params.api_key: must be an os.environ/NAME
 * reference ...`).
 *
 * @internal
 */
export function parseLiteLlmRoute(
  content: string,
  fileLabel: string,
): LiteLlmModelRoute[] {
  let document: unknown;
  try {
    document = yaml.parse(content);
  } catch (error) {
    throw new InputError(
      `${fileLabel} is not valid YAML: ${(error as Error).message}`,
    );
  }
  const parsed = liteLlmRouteSchema.safeParse(document);
  if (!parsed.success) {
    throw new InputError(
      `${fileLabel} is not a valid LiteLLM route: ${parsed.error.issues
        .map(
          issue =>
            `${
              issue.path
                .map((p, i) =>
                  typeof p === 'number'
                    ? `[${p}]`
                    : `${i ? '.' : ''}${String(p)}`,
                )
                .join('') || '<file>'
            }: ${issue.message}`,
        )
        .join('; ')}`,
    );
  }
  return parsed.data.model_list;
}
