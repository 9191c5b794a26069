import { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { InputError } from '@backstage/errors';
import { AiPlatformEntitiesProcessor } from './AiPlatformEntitiesProcessor';

const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

function modelEndpoint(
  name: string,
  spec: Record<string, unknown> = {},
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'ml-platform',
      model: { name: 'gpt-4o' },
      serving: { mode: 'managed', provider: 'openai' },
      ...spec,
    },
  };
}

function agent(spec: Record<string, unknown> = {}): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'support-triage', namespace: 'support' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'customer-support',
      models: ['gpt-4o'],
      ...spec,
    },
  };
}

function createProcessor(entities: Entity[] = []) {
  const catalog = catalogServiceMock({ entities });
  const logger = mockServices.logger.mock();
  const processor = new AiPlatformEntitiesProcessor({
    catalog,
    auth: mockServices.auth(),
    logger,
  });
  return { processor, catalog, logger };
}

const rel = (
  source: [string, string, string],
  type: string,
  target: [string, string, string],
) => ({
  type: 'relation',
  relation: {
    source: { kind: source[0], namespace: source[1], name: source[2] },
    type,
    target: { kind: target[0], namespace: target[1], name: target[2] },
  },
});

describe('AiPlatformEntitiesProcessor', () => {
  describe('validateEntityKind', () => {
    const { processor } = createProcessor();

    it('accepts valid ModelEndpoint and Agent entities', async () => {
      await expect(
        processor.validateEntityKind(modelEndpoint('gpt-4o')),
      ).resolves.toBe(true);
      await expect(processor.validateEntityKind(agent())).resolves.toBe(true);
    });

    it('ignores other kinds and other API groups', async () => {
      await expect(
        processor.validateEntityKind({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'web' },
          spec: { type: 'service', lifecycle: 'production', owner: 'team' },
        }),
      ).resolves.toBe(false);
      await expect(
        processor.validateEntityKind({
          ...agent(),
          apiVersion: 'acme.com/v1',
        }),
      ).resolves.toBe(false);
    });

    it('throws an InputError naming the field paths of an invalid Agent', async () => {
      const invalid = agent({ autonomyLevel: 'L7', models: [] });
      await expect(processor.validateEntityKind(invalid)).rejects.toThrow(
        InputError,
      );
      await expect(processor.validateEntityKind(invalid)).rejects.toThrow(
        'Agent "support/support-triage" is invalid: spec.autonomyLevel: must be one of L1, L2, L3, L4, L5; spec.models: must contain at least 1 entry',
      );
    });

    it("checks an API entity's aiplatform.io/tools annotation, naming it", async () => {
      const api = (tools: string) => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'API',
        metadata: {
          name: 'orders-mcp',
          annotations: { 'aiplatform.io/tools': tools },
        },
        spec: { type: 'mcp-server', lifecycle: 'production', owner: 'team-a' },
      });
      // Valid: left to the catalog's own API validation.
      await expect(
        processor.validateEntityKind(api('search_orders, refund_order')),
      ).resolves.toBe(false);
      await expect(
        processor.validateEntityKind(api('search orders')),
      ).rejects.toThrow(
        "Annotation 'aiplatform.io/tools' of api:default/orders-mcp: 'search orders' is not a tool name",
      );
    });

    it('reports an unknown version of our kinds instead of ignoring it', async () => {
      await expect(
        processor.validateEntityKind({
          ...modelEndpoint('gpt-4o'),
          apiVersion: 'aiplatform.io/v1beta1',
        }),
      ).rejects.toThrow(
        'ModelEndpoint "default/gpt-4o" is invalid: apiVersion: must be one of aiplatform.io/v1alpha1',
      );
    });

    it('rejects replicas.min above replicas.max', async () => {
      const entity = modelEndpoint('llama', {
        serving: {
          mode: 'self-hosted',
          runtime: 'vllm',
          replicas: { min: 3, max: 1 },
        },
      });
      await expect(processor.validateEntityKind(entity)).rejects.toThrow(
        'ModelEndpoint "default/llama" is invalid: spec.serving.replicas: min (3) must not be greater than max (1)',
      );
    });
  });

  describe('postProcessEntity', () => {
    it('emits the relations of a self-hosted ModelEndpoint in pairs', async () => {
      const { processor } = createProcessor();
      const entity = modelEndpoint(
        'llama-3-1-8b-chat',
        {
          owner: 'group:ml/ml-platform',
          system: 'support-assistant',
          serving: {
            mode: 'self-hosted',
            runtime: 'vllm',
            cluster: 'gpu-eu-west-1',
          },
        },
        'ml',
      );
      const emit = jest.fn();
      await expect(
        processor.postProcessEntity(entity, location, emit),
      ).resolves.toBe(entity);
      const self: [string, string, string] = [
        'ModelEndpoint',
        'ml',
        'llama-3-1-8b-chat',
      ];
      expect(emit.mock.calls.map(call => call[0])).toEqual([
        rel(self, 'ownedBy', ['group', 'ml', 'ml-platform']),
        rel(['group', 'ml', 'ml-platform'], 'ownerOf', self),
        rel(self, 'partOf', ['System', 'ml', 'support-assistant']),
        rel(['System', 'ml', 'support-assistant'], 'hasPart', self),
        rel(self, 'dependsOn', ['Resource', 'ml', 'gpu-eu-west-1']),
        rel(['Resource', 'ml', 'gpu-eu-west-1'], 'dependencyOf', self),
      ]);
    });

    it('emits no cluster relation for a managed ModelEndpoint', async () => {
      const { processor } = createProcessor();
      const emit = jest.fn();
      await processor.postProcessEntity(
        modelEndpoint('gpt-4o'),
        location,
        emit,
      );
      const self: [string, string, string] = [
        'ModelEndpoint',
        'default',
        'gpt-4o',
      ];
      expect(emit.mock.calls.map(call => call[0])).toEqual([
        rel(self, 'ownedBy', ['Group', 'default', 'ml-platform']),
        rel(['Group', 'default', 'ml-platform'], 'ownerOf', self),
      ]);
    });

    it('emits the relations of an Agent in pairs, defaulting to its namespace', async () => {
      const { processor } = createProcessor();
      const entity = agent({
        system: 'system:default/support-assistant',
        models: ['gpt-4o', 'modelendpoint:ml/llama-3-1-8b-chat'],
        tools: ['ticketing-mcp'],
      });
      const emit = jest.fn();
      await expect(
        processor.postProcessEntity(entity, location, emit),
      ).resolves.toBe(entity);
      const self: [string, string, string] = [
        'Agent',
        'support',
        'support-triage',
      ];
      expect(emit.mock.calls.map(call => call[0])).toEqual([
        rel(self, 'ownedBy', ['Group', 'support', 'customer-support']),
        rel(['Group', 'support', 'customer-support'], 'ownerOf', self),
        rel(self, 'partOf', ['system', 'default', 'support-assistant']),
        rel(['system', 'default', 'support-assistant'], 'hasPart', self),
        rel(self, 'usesModel', ['ModelEndpoint', 'support', 'gpt-4o']),
        rel(['ModelEndpoint', 'support', 'gpt-4o'], 'modelUsedBy', self),
        rel(self, 'usesModel', ['modelendpoint', 'ml', 'llama-3-1-8b-chat']),
        rel(['modelendpoint', 'ml', 'llama-3-1-8b-chat'], 'modelUsedBy', self),
        rel(self, 'consumesApi', ['API', 'support', 'ticketing-mcp']),
        rel(['API', 'support', 'ticketing-mcp'], 'apiConsumedBy', self),
      ]);
    });

    it('leaves other kinds alone', async () => {
      const { processor } = createProcessor();
      const emit = jest.fn();
      const component: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'web' },
        spec: { owner: 'team' },
      };
      await expect(
        processor.postProcessEntity(component, location, emit),
      ).resolves.toBe(component);
      expect(emit).not.toHaveBeenCalled();
    });
  });

  describe('data classification warning', () => {
    const confidentialModel = modelEndpoint(
      'llama',
      {
        serving: { mode: 'self-hosted', runtime: 'vllm' },
        dataClassification: 'confidential',
      },
      'support',
    );
    const internalModel = modelEndpoint(
      'gpt-4o',
      { dataClassification: 'internal' },
      'support',
    );
    const unclassifiedModel = modelEndpoint('mistral', {}, 'support');

    it('warns when the agent handles data above a model endpoint classification', async () => {
      const { processor } = createProcessor([confidentialModel, internalModel]);
      const entity = agent({
        models: ['llama', 'gpt-4o'],
        dataClassification: 'confidential',
      });
      const result = await processor.postProcessEntity(
        entity,
        location,
        jest.fn(),
      );
      expect((result as any).status).toEqual({
        items: [
          {
            type: 'aiplatform.io/policy',
            level: 'warning',
            message:
              'spec.dataClassification: agent handles confidential data but uses model endpoint modelendpoint:support/gpt-4o classified internal',
          },
        ],
      });
      expect(result.spec).toEqual(entity.spec);
    });

    it('warns about model endpoints without a classification', async () => {
      const { processor } = createProcessor([unclassifiedModel]);
      const result = await processor.postProcessEntity(
        agent({ models: ['mistral'], dataClassification: 'internal' }),
        location,
        jest.fn(),
      );
      expect((result as any).status.items).toEqual([
        {
          type: 'aiplatform.io/policy',
          level: 'warning',
          message:
            'spec.dataClassification: agent handles internal data but uses model endpoint modelendpoint:support/mistral, which declares no dataClassification',
        },
      ]);
    });

    it('does not warn when every model endpoint is classified at least as high', async () => {
      const { processor } = createProcessor([confidentialModel, internalModel]);
      const entity = agent({
        models: ['llama', 'gpt-4o'],
        dataClassification: 'internal',
      });
      await expect(
        processor.postProcessEntity(entity, location, jest.fn()),
      ).resolves.toBe(entity);
    });

    it('does not warn for public agents, unclassified agents or models not yet in the catalog', async () => {
      const { processor } = createProcessor([unclassifiedModel]);
      const publicAgent = agent({
        models: ['mistral'],
        dataClassification: 'public',
      });
      await expect(
        processor.postProcessEntity(publicAgent, location, jest.fn()),
      ).resolves.toBe(publicAgent);

      const unclassifiedAgent = agent({ models: ['mistral'] });
      await expect(
        processor.postProcessEntity(unclassifiedAgent, location, jest.fn()),
      ).resolves.toBe(unclassifiedAgent);

      const pendingModel = agent({
        models: ['not-registered-yet'],
        dataClassification: 'restricted',
      });
      await expect(
        processor.postProcessEntity(pendingModel, location, jest.fn()),
      ).resolves.toBe(pendingModel);
    });

    it('skips the check and logs when the catalog cannot be read', async () => {
      const logger = mockServices.logger.mock();
      const catalog = catalogServiceMock.mock({
        getEntitiesByRefs: jest.fn().mockRejectedValue(new Error('boom')),
      });
      const processor = new AiPlatformEntitiesProcessor({
        catalog,
        auth: mockServices.auth(),
        logger,
      });
      const entity = agent({ dataClassification: 'restricted' });
      await expect(
        processor.postProcessEntity(entity, location, jest.fn()),
      ).resolves.toBe(entity);
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not read the model endpoints of agent:support/support-triage to check their data classification; skipping the check',
        expect.objectContaining({ message: 'boom' }),
      );
    });

    it('replaces its own earlier warnings and keeps other status items', async () => {
      const { processor } = createProcessor([confidentialModel]);
      const otherItem = { type: 'acme.com/lint', level: 'info', message: 'ok' };
      const entity = {
        ...agent({ models: ['llama'], dataClassification: 'confidential' }),
        status: {
          items: [
            otherItem,
            {
              type: 'aiplatform.io/policy',
              level: 'warning',
              message: 'stale',
            },
          ],
        },
      };
      const result = await processor.postProcessEntity(
        entity,
        location,
        jest.fn(),
      );
      expect((result as any).status).toEqual({ items: [otherItem] });
    });

    it('reads the model endpoints with service credentials', async () => {
      const catalog = catalogServiceMock.mock({
        getEntitiesByRefs: jest.fn().mockResolvedValue({ items: [undefined] }),
      });
      const processor = new AiPlatformEntitiesProcessor({
        catalog,
        auth: mockServices.auth(),
      });
      await processor.postProcessEntity(
        agent({ dataClassification: 'internal' }),
        location,
        jest.fn(),
      );
      expect(catalog.getEntitiesByRefs).toHaveBeenCalledWith(
        {
          entityRefs: ['modelendpoint:support/gpt-4o'],
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'spec.dataClassification',
          ],
        },
        {
          credentials: expect.objectContaining({
            principal: expect.objectContaining({ type: 'service' }),
          }),
        },
      );
    });
  });
});
