import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Examples shown for `ai-platform:kubernetes:apply` in the scaffolder's installed-actions page.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Plan and render a vLLM endpoint, then server-side apply its manifests to the cluster (a dry run validates them on the API server)',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          name: 'Plan the endpoint',
          action: 'ai-platform:endpoint:plan',
          input: {
            name: 'llama-8b-chat',
            owner: 'group:default/ml-platform',
            model: 'meta-llama/Llama-3.1-8B-Instruct',
            gpuProfile: 'l4-24gb',
            cluster: 'gpu-eu-west-1',
            runtime: 'vllm',
            contextTokens: 8192,
            replicas: { min: 1, max: 2 },
            dataClassification: 'internal',
          },
        },
        {
          id: 'render',
          name: 'Render manifests',
          action: 'ai-platform:endpoint:render',
          input: { plan: '${{ steps.plan.output.plan }}' },
        },
        {
          id: 'apply',
          name: 'Apply to the cluster',
          action: 'ai-platform:kubernetes:apply',
          input: {
            cluster: 'gpu-eu-west-1',
            sourcePath: '${{ steps.render.output.targetPath }}',
          },
        },
      ],
    }),
  },
];
