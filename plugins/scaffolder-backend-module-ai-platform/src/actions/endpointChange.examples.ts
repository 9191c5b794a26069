import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Examples shown for `ai-platform:endpoint:change` in the scaffolder's installed-actions page.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Scale a golden-path endpoint to 1 to 3 replicas, re-plan it and commit the result',
    example: yaml.stringify({
      steps: [
        {
          id: 'change',
          name: 'Read, change and re-plan the endpoint',
          action: 'ai-platform:endpoint:change',
          input: {
            entityRef: 'modelendpoint:default/llama-8b-chat',
            operation: 'scale',
            minReplicas: 1,
            maxReplicas: 3,
          },
        },
        {
          id: 'render',
          name: 'Render',
          action: 'ai-platform:endpoint:render',
          input: {
            plan: '${{ steps.change.output.plan }}',
            lifecycle: '${{ steps.change.output.lifecycle }}',
            sourceTemplate: '${{ steps.change.output.sourceTemplate }}',
          },
        },
        {
          id: 'commit',
          name: 'Commit',
          action: 'ai-platform:gitops:commit',
          input: {
            sourcePath: '${{ steps.render.output.targetPath }}',
            targetPath: '${{ steps.change.output.gitopsPath }}',
            commitMessage: '${{ steps.change.output.commitMessage }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Move an endpoint to an H100 MIG slice with a 16k context (the plan checks the model still fits)',
    example: yaml.stringify({
      steps: [
        {
          id: 'change',
          action: 'ai-platform:endpoint:change',
          input: {
            entityRef: 'modelendpoint:default/llama-8b-chat',
            operation: 'change',
            gpuProfile: 'h100-mig-3g-40gb',
            contextTokens: 16384,
          },
        },
      ],
    }),
  },
  {
    description:
      "Decommission an endpoint: the next step removes its folder (manifests, gateway route, catalog-info.yaml) with ai-platform:gitops:commit's remove input",
    example: yaml.stringify({
      steps: [
        {
          id: 'change',
          action: 'ai-platform:endpoint:change',
          input: {
            entityRef: 'modelendpoint:default/llama-8b-chat',
            operation: 'decommission',
          },
        },
        {
          id: 'commit',
          action: 'ai-platform:gitops:commit',
          input: {
            remove: true,
            targetPath: '${{ steps.change.output.gitopsPath }}',
            commitMessage: '${{ steps.change.output.commitMessage }}',
          },
        },
      ],
    }),
  },
];
