import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Examples shown for `ai-platform:endpoint:render` in the scaffolder's installed-actions page.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Plan, render and commit a vLLM endpoint (Deployment, Service, KEDA ScaledObject, PDB, ServiceMonitor, LiteLLM route, catalog-info.yaml)',
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
          input: {
            plan: '${{ steps.plan.output.plan }}',
            targetPath: './rendered',
            lifecycle: 'production',
          },
        },
        {
          id: 'commit',
          name: 'Commit to GitOps',
          action: 'ai-platform:gitops:commit',
          input: {
            sourcePath: '${{ steps.render.output.targetPath }}',
            targetPath: '${{ steps.plan.output.gitopsPath }}',
            commitMessage: 'Add llama-8b-chat endpoint',
          },
        },
      ],
    }),
  },
];
