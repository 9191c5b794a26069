import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * Examples shown for `ai-platform:entity:validate` in the scaffolder's installed-actions page.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      'Validate a rendered Agent: schema, models and tools in the catalog, and no literal credentials in the service skeleton',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          name: 'Validate the Agent entity',
          action: 'ai-platform:entity:validate',
          input: {
            entityPath: './agent/catalog-info.yaml',
            kind: 'Agent',
            name: 'ticket-summarizer',
            scanPath: './agent',
          },
        },
      ],
    }),
  },
  {
    description:
      'Validate a managed ModelEndpoint and the LiteLLM route that serves its gateway alias',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          name: 'Validate the ModelEndpoint and its gateway route',
          action: 'ai-platform:entity:validate',
          input: {
            entityPath: './rendered/catalog-info.yaml',
            kind: 'ModelEndpoint',
            name: 'gpt-4o-mini',
            gatewayRoutePath: './rendered/gateway/litellm-model.yaml',
            scanPath: './rendered',
          },
        },
      ],
    }),
  },
];
