import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Examples shown for `ai-platform:gitops:commit` in the scaffolder's installed-actions page.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Commit the rendered manifests of a self-hosted endpoint to the configured GitOps repository',
    example: yaml.stringify({
      steps: [
        {
          id: 'commit',
          name: 'Commit manifests to GitOps',
          action: 'ai-platform:gitops:commit',
          input: {
            sourcePath: 'manifests',
            targetPath: 'clusters/gpu-eu-1/team-ml/llama-8b',
            commitMessage: 'Add llama-8b inference endpoint for team-ml',
          },
        },
      ],
    }),
  },
  {
    description:
      'Commit to a staging branch instead of the configured default branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'commit',
          name: 'Commit manifests to the staging branch',
          action: 'ai-platform:gitops:commit',
          input: {
            sourcePath: 'manifests',
            targetPath: 'clusters/gpu-us-2/team-search/bge-reranker',
            commitMessage: 'Add bge-reranker endpoint for team-search',
            branch: 'staging',
          },
        },
      ],
    }),
  },
];
