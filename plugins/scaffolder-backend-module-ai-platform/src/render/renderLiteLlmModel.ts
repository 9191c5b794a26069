import type { RenderablePlan } from './renderablePlan';
import { HTTP_PORT, names } from './workloadParts';

/**
 * The in-cluster OpenAI-compatible base URL of the endpoint for each runtime.
 *
 * @internal
 */
export function inClusterApiBase(plan: RenderablePlan): string {
  const { name, namespace } = names(plan);
  switch (plan.request.runtime) {
    case 'vllm':
      return `http://${name}.${namespace}.svc.cluster.local:${HTTP_PORT}/v1`;
    case 'kserve':
      // Standard (raw) mode predictor Service; the HF server's OpenAI routes live under /openai.
      return `http://${name}-predictor.${namespace}.svc.cluster.local/openai/v1`;
    default:
      // The workload Service the LLMInferenceService controller creates (TLS on 8000).
      return `https://${name}-kserve-workload-svc.${namespace}.svc.cluster.local:${HTTP_PORT}/v1`;
  }
}

/**
 * The LiteLLM route of the endpoint (`gateway/litellm-model.yaml`): the gateway model name
 * pointing at the in-cluster API, with the key read from the gateway's environment.
 *
 * @internal
 */
export function renderLiteLlmModel(plan: RenderablePlan) {
  return {
    model_list: [
      {
        model_name: plan.request.gatewayModel,
        litellm_params: {
          model: `openai/${plan.request.name}`,
          api_base: inClusterApiBase(plan),
          api_key: 'os.environ/SELF_HOSTED_ENDPOINT_API_KEY',
        },
        model_info: {
          mode: plan.model.type === 'embedding' ? 'embedding' : 'chat',
          backstage_entity_ref: `modelendpoint:default/${plan.request.name}`,
        },
      },
    ],
  };
}
