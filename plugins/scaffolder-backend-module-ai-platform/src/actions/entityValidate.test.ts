import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createAiPlatformEntityValidateAction } from './entityValidate';
import { examples } from './entityValidate.examples';

const catalogEntities: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'claude-sonnet', namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'ml-platform',
      model: { name: 'claude-sonnet-4-5' },
      serving: { mode: 'managed', provider: 'anthropic' },
      gateway: { model: 'claude-sonnet' },
      dataClassification: 'confidential',
    },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o', namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'ml-platform',
      model: { name: 'gpt-4o' },
      serving: { mode: 'managed', provider: 'openai' },
      gateway: { model: 'gpt-4o' },
      dataClassification: 'internal',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'zendesk-mcp', namespace: 'default' },
    spec: { type: 'mcp', lifecycle: 'production', owner: 'x', definition: '' },
  },
];

function agent(overrides: { spec?: object; metadata?: object } = {}) {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'ticket-summarizer', ...overrides.metadata },
    spec: {
      type: 'assistant',
      lifecycle: 'experimental',
      owner: 'group:default/support-experience',
      models: ['modelendpoint:default/claude-sonnet'],
      tools: ['api:default/zendesk-mcp'],
      gateway: { agentId: 'ticket-summarizer' },
      dataClassification: 'confidential',
      ...overrides.spec,
    },
  };
}

const managedEndpoint = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'gpt-4o-mini' },
  spec: {
    type: 'chat',
    lifecycle: 'experimental',
    owner: 'group:default/ml-platform',
    model: { name: 'gpt-4o-mini' },
    serving: { mode: 'managed', provider: 'openai' },
    gateway: { model: 'gpt-4o-mini' },
    budget: { monthlyUsd: 500 },
    dataClassification: 'internal',
  },
};

function route(apiKey: string, modelName = 'gpt-4o-mini') {
  return yaml.stringify({
    model_list: [
      {
        model_name: modelName,
        litellm_params: { model: 'openai/gpt-4o-mini', api_key: apiKey },
      },
    ],
  });
}

describe('ai-platform:entity:validate', () => {
  const workspace = createMockDirectory();
  const action = createAiPlatformEntityValidateAction({
    catalog: catalogServiceMock({ entities: catalogEntities }),
  });

  beforeEach(() => workspace.clear());

  function context(input: Record<string, unknown>) {
    return createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
  }

  it('accepts a valid Agent whose models and tools exist and outputs its ref', async () => {
    workspace.setContent({
      'agent/catalog-info.yaml': yaml.stringify(agent()),
      'agent/src/index.ts': 'const apiKey = process.env[API_KEY_ENV_VAR];\n',
    });
    const ctx = context({
      entityPath: './agent/catalog-info.yaml',
      kind: 'Agent',
      name: 'ticket-summarizer',
      scanPath: './agent',
    });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'agent:default/ticket-summarizer',
    );
    expect(ctx.output).toHaveBeenCalledWith('scannedFiles', 2);
    expect(ctx.output).toHaveBeenCalledWith('gatewayModels', []);
  });

  it('lists every schema problem of an Agent by field path', async () => {
    workspace.setContent({
      'catalog-info.yaml': yaml.stringify(
        agent({ spec: { autonomyLevel: 'L9', models: [], riskTier: 'huge' } }),
      ),
    });

    await expect(
      action.handler(
        context({ entityPath: 'catalog-info.yaml', kind: 'Agent' }),
      ),
    ).rejects.toThrow(
      /spec\.autonomyLevel: must be one of L1, L2, L3, L4, L5.*spec\.riskTier: must be one of minimal, limited, high/s,
    );
    await expect(
      action.handler(
        context({ entityPath: 'catalog-info.yaml', kind: 'Agent' }),
      ),
    ).rejects.toThrow(/spec\.models: must contain at least 1 entry/);
  });

  it('fails on a name mismatch, a missing model or tool and a model below the data classification, listing all', async () => {
    workspace.setContent({
      'catalog-info.yaml': yaml.stringify(
        agent({
          metadata: { name: 'other-name' },
          spec: {
            models: [
              'modelendpoint:default/gpt-4o',
              'modelendpoint:default/not-there',
            ],
            tools: ['api:default/ghost-mcp'],
          },
        }),
      ),
    });

    const error = await action
      .handler(
        context({
          entityPath: 'catalog-info.yaml',
          kind: 'Agent',
          name: 'ticket-summarizer',
        }),
      )
      .catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message.split('\n')).toEqual([
      'agent:default/other-name failed validation:',
      "- metadata.name: expected 'ticket-summarizer' (the name parameter), got 'other-name'",
      '- spec.models[0]: modelendpoint:default/gpt-4o is approved for internal data only, but the agent handles confidential data',
      '- spec.models[1]: modelendpoint:default/not-there is not in the catalog; pick an existing ModelEndpoint',
      '- spec.tools[0]: api:default/ghost-mcp is not in the catalog; pick an existing API',
    ]);
  });

  it('skips the catalog checks when checkCatalogReferences is false', async () => {
    workspace.setContent({
      'catalog-info.yaml': yaml.stringify(
        agent({ spec: { models: ['modelendpoint:default/not-there'] } }),
      ),
    });
    const ctx = context({
      entityPath: 'catalog-info.yaml',
      kind: 'Agent',
      checkCatalogReferences: false,
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'agent:default/ticket-summarizer',
    );
  });

  it('rejects a file of another kind, more than one entity, and a missing file', async () => {
    workspace.setContent({
      'endpoint.yaml': yaml.stringify(managedEndpoint),
      'two.yaml': `${yaml.stringify(agent())}---\n${yaml.stringify(agent())}`,
    });
    await expect(
      action.handler(context({ entityPath: 'endpoint.yaml', kind: 'Agent' })),
    ).rejects.toThrow(
      'entityPath \'endpoint.yaml\' must hold an Agent entity, found kind "ModelEndpoint"',
    );
    await expect(
      action.handler(context({ entityPath: 'two.yaml', kind: 'Agent' })),
    ).rejects.toThrow('must hold exactly one entity, found 2');
    await expect(
      action.handler(context({ entityPath: 'nope.yaml', kind: 'Agent' })),
    ).rejects.toThrow("entityPath 'nope.yaml' does not exist");
    await expect(
      action.handler(context({ entityPath: '../outside.yaml', kind: 'Agent' })),
    ).rejects.toThrow('must be a path inside the task workspace');
  });

  it('checks that a ModelEndpoint gateway route serves its alias with the key by environment reference', async () => {
    workspace.setContent({
      'rendered/catalog-info.yaml': yaml.stringify(managedEndpoint),
      'rendered/gateway/litellm-model.yaml': route('os.environ/OPENAI_API_KEY'),
    });
    const ctx = context({
      entityPath: 'rendered/catalog-info.yaml',
      kind: 'ModelEndpoint',
      gatewayRoutePath: 'rendered/gateway/litellm-model.yaml',
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('gatewayModels', ['gpt-4o-mini']);

    workspace.setContent({
      'rendered/catalog-info.yaml': yaml.stringify(managedEndpoint),
      'rendered/gateway/litellm-model.yaml': route(
        'os.environ/OPENAI_API_KEY',
        'something-else',
      ),
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      "- spec.gateway.model: 'gpt-4o-mini' is not routed by rendered/gateway/litellm-model.yaml (it routes something-else)",
    );
  });

  it('rejects a literal API key in the gateway route without echoing it', async () => {
    const literalKey = 'sk-proj-abcdefghijklmnopqrstuvwx1234';
    workspace.setContent({
      'rendered/catalog-info.yaml': yaml.stringify(managedEndpoint),
      'rendered/gateway/litellm-model.yaml': route(literalKey),
    });
    const error = await action
      .handler(
        context({
          entityPath: 'rendered/catalog-info.yaml',
          kind: 'ModelEndpoint',
          gatewayRoutePath: 'rendered/gateway/litellm-model.yaml',
        }),
      )
      .catch(e => e);
    expect(error.message).toContain(
      'model_list[0].litellm_params.api_key: must be an os.environ/NAME reference',
    );
    expect(error.message).not.toContain(literalKey);
  });

  it('finds literal credentials anywhere under scanPath and names file and line', async () => {
    const literalKey = 'sk-abcdefghijklmnopqrstuvwxyz012345';
    workspace.setContent({
      'agent/catalog-info.yaml': yaml.stringify(agent()),
      'agent/src/index.ts': `const a = 1;\nconst client = new OpenAI({ apiKey: '${literalKey}' });\n`,
      'agent/.env': 'AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n',
    });
    const error = await action
      .handler(
        context({
          entityPath: 'agent/catalog-info.yaml',
          kind: 'Agent',
          scanPath: 'agent',
        }),
      )
      .catch(e => e);
    expect(error.message.split('\n').slice(1)).toEqual([
      '- agent/.env:1: looks like a literal AWS access key id; reference it from the environment or a secret store instead',
      '- agent/src/index.ts:2: looks like a literal OpenAI-style API key; reference it from the environment or a secret store instead',
    ]);
    expect(error.message).not.toContain(literalKey);
  });

  describe('examples', () => {
    it.each(examples.map(e => [e.description, e]))(
      'runs: %s',
      async (_description, example) => {
        const step = yaml.parse(example.example).steps[0];
        expect(step.action).toBe('ai-platform:entity:validate');
        const dir = step.input.entityPath.replace(/\/catalog-info\.yaml$/, '');
        const entity =
          step.input.kind === 'Agent'
            ? agent({ metadata: { name: step.input.name } })
            : {
                ...managedEndpoint,
                metadata: { name: step.input.name },
              };
        workspace.setContent({
          [step.input.entityPath]: yaml.stringify(entity),
          ...(step.input.gatewayRoutePath
            ? {
                [step.input.gatewayRoutePath]: route(
                  'os.environ/OPENAI_API_KEY',
                ),
              }
            : {}),
          [`${dir}/README.md`]: '# hello\n',
        });
        const ctx = context(step.input);
        await action.handler(ctx);
        expect(ctx.output).toHaveBeenCalledWith('name', step.input.name);
      },
    );
  });
});
