import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Examples shown for `ai-platform:endpoint:plan` in the scaffolder's installed-actions page.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Plan Llama 3.1 8B on an L4 with vLLM for the ML platform team (8k context, 1 to 2 replicas)',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          name: 'Plan the endpoint',
          action: 'ai-platform:endpoint:plan',
          input: {
            name: 'llama-8b-chat',
            owner: 'group:default/ml-platform',
            system: 'llm-platform',
            model: 'meta-llama/Llama-3.1-8B-Instruct',
            gpuProfile: 'l4-24gb',
            cluster: 'gpu-eu-west-1',
            runtime: 'vllm',
            contextTokens: 8192,
            replicas: { min: 1, max: 2 },
            dataClassification: 'internal',
          },
        },
      ],
    }),
  },
  {
    description:
      'Plan Llama 3.1 70B across four H100s (tensor parallel 4) as a KServe LLMInferenceService',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          name: 'Plan the endpoint',
          action: 'ai-platform:endpoint:plan',
          input: {
            name: 'llama-70b-chat',
            owner: 'group:default/ml-platform',
            model: 'meta-llama/Llama-3.1-70B-Instruct',
            gpuProfile: 'h100-80gb',
            cluster: 'gpu-eu-west-1',
            runtime: 'kserve-llm',
            contextTokens: 8192,
            maxConcurrentSequences: 4,
            tensorParallelSize: 4,
            replicas: { min: 1, max: 1 },
            dataClassification: 'internal',
          },
        },
      ],
    }),
  },
];
