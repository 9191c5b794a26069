import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { Knex } from 'knex';
import request from 'supertest';
import { catalogModuleAiPlatformEntityModel } from './module';

jest.setTimeout(120_000);

const location = 'url:https://example.com/ai/catalog-info.yaml';

function withLocation(entity: Entity): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
      },
    },
  };
}

const gpt4o = withLocation({
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'gpt-4o' },
  spec: {
    type: 'chat',
    lifecycle: 'production',
    owner: 'ml-platform',
    model: { name: 'gpt-4o' },
    serving: { mode: 'managed', provider: 'openai' },
    dataClassification: 'internal',
  },
});

const supportTriage = withLocation({
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'Agent',
  metadata: { name: 'support-triage' },
  spec: {
    type: 'assistant',
    lifecycle: 'production',
    owner: 'customer-support',
    autonomyLevel: 'L3',
    models: ['gpt-4o'],
    dataClassification: 'confidential',
  },
});

const brokenAgent = withLocation({
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'Agent',
  metadata: { name: 'broken-agent' },
  spec: {
    type: 'assistant',
    lifecycle: 'production',
    owner: 'customer-support',
    autonomyLevel: 'L9',
    models: ['gpt-4o'],
  },
});

async function waitFor<T>(
  read: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function startCatalog(knex: Knex) {
  let connection: EntityProviderConnection | undefined;
  const testEntityProvider = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-entities',
    register(reg) {
      reg.registerInit({
        deps: { catalogProcessing: catalogProcessingExtensionPoint },
        async init({ catalogProcessing }) {
          catalogProcessing.addEntityProvider({
            getProviderName: () => 'test-entities',
            connect: async c => {
              connection = c;
            },
          });
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleAiPlatformEntityModel,
      testEntityProvider,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [{ allow: ['ModelEndpoint', 'Agent', 'Location'] }],
          },
        },
      }),
    ],
  });
  return { backend, getConnection: () => connection };
}

describe('the catalog with the AI platform entity model', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'stores relations, warnings and validation errors (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { backend, getConnection } = await startCatalog(knex);
      const connection = await waitFor(
        async () => getConnection(),
        'the entity provider',
      );

      const server = backend.server;
      try {
        const getEntity = async (ref: string) => {
          const [kind, rest] = ref.split(':');
          const [namespace, name] = rest.split('/');
          const res = await request(server)
            .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
            .set('Authorization', mockCredentials.user.header());
          return res.status === 200 ? (res.body as any) : undefined;
        };

        await connection.applyMutation({
          type: 'full',
          entities: [{ entity: gpt4o, locationKey: location }],
        });
        await waitFor(
          () => getEntity('modelendpoint:default/gpt-4o'),
          'the model endpoint',
        );

        await connection.applyMutation({
          type: 'full',
          entities: [gpt4o, supportTriage, brokenAgent].map(entity => ({
            entity,
            locationKey: location,
          })),
        });

        const agent = await waitFor(
          () => getEntity('agent:default/support-triage'),
          'the agent',
        );
        expect(agent.relations).toEqual(
          expect.arrayContaining([
            { type: 'ownedBy', targetRef: 'group:default/customer-support' },
            { type: 'usesModel', targetRef: 'modelendpoint:default/gpt-4o' },
          ]),
        );
        expect(agent.status.items).toEqual([
          {
            type: 'aiplatform.io/policy',
            level: 'warning',
            message:
              'spec.dataClassification: agent handles confidential data but uses model endpoint modelendpoint:default/gpt-4o classified internal',
          },
        ]);

        const model = await waitFor(async () => {
          const m = await getEntity('modelendpoint:default/gpt-4o');
          return m?.relations?.some((r: any) => r.type === 'modelUsedBy')
            ? m
            : undefined;
        }, 'the reverse relation on the model endpoint');
        expect(model.relations).toEqual(
          expect.arrayContaining([
            {
              type: 'modelUsedBy',
              targetRef: stringifyEntityRef(supportTriage),
            },
          ]),
        );

        // The invalid agent is never stored; its processing error names the field.
        expect(await getEntity('agent:default/broken-agent')).toBeUndefined();
        const errors = await waitFor(async () => {
          const rows = await knex('refresh_state')
            .where({ entity_ref: 'agent:default/broken-agent' })
            .select('errors');
          return rows[0]?.errors && rows[0].errors !== '[]'
            ? (JSON.parse(rows[0].errors) as Array<{ message: string }>)
            : undefined;
        }, 'the processing error of the invalid agent');
        expect(errors.map(e => e.message)).toEqual([
          'Processor AiPlatformEntitiesProcessor threw an error while validating the entity agent:default/broken-agent; caused by InputError: Agent "default/broken-agent" is invalid: spec.autonomyLevel: must be one of L1, L2, L3, L4, L5',
        ]);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'reports the same field paths from POST /validate-entity as from processing (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { backend } = await startCatalog(knex);
      const validate = (entity: Entity) =>
        request(backend.server)
          .post('/api/catalog/validate-entity')
          .set('Authorization', mockCredentials.user.header())
          .send({
            entity,
            location: 'url:https://example.com/ai/catalog-info.yaml',
          });
      const { metadata: _brokenMetadata, ...brokenAgentWithoutLocation } =
        brokenAgent;
      const invalidModelEndpoint: Entity = {
        apiVersion: 'aiplatform.io/v1alpha1',
        kind: 'ModelEndpoint',
        metadata: { name: 'llama-broken' },
        spec: {
          type: 'chat',
          lifecycle: 'production',
          owner: 'ml-platform',
          model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
          serving: {
            mode: 'self-hosted',
            runtime: 'vllm',
            replicas: { min: 3, max: 1 },
          },
        },
      };
      try {
        const invalidAgentResponse = await validate({
          ...brokenAgentWithoutLocation,
          metadata: { name: 'broken-agent' },
        });
        expect(invalidAgentResponse.status).toBe(400);
        expect(
          invalidAgentResponse.body.errors.map(
            (e: { message: string }) => e.message,
          ),
        ).toEqual([
          'Processor AiPlatformEntitiesProcessor threw an error while validating the entity agent:default/broken-agent; caused by InputError: Agent "default/broken-agent" is invalid: spec.autonomyLevel: must be one of L1, L2, L3, L4, L5',
        ]);

        const invalidModelResponse = await validate(invalidModelEndpoint);
        expect(invalidModelResponse.status).toBe(400);
        expect(
          invalidModelResponse.body.errors.map(
            (e: { message: string }) => e.message,
          ),
        ).toEqual([
          'Processor AiPlatformEntitiesProcessor threw an error while validating the entity modelendpoint:default/llama-broken; caused by InputError: ModelEndpoint "default/llama-broken" is invalid: spec.serving.replicas: min (3) must not be greater than max (1)',
        ]);

        const validAgentResponse = await validate({
          ...supportTriage,
          metadata: { name: 'support-triage' },
        });
        expect(validAgentResponse.status).toBe(200);

        const { metadata: _gptMetadata, ...gpt4oWithoutLocation } = gpt4o;
        const validModelResponse = await validate({
          ...gpt4oWithoutLocation,
          metadata: { name: 'gpt-4o' },
        });
        expect(validModelResponse.status).toBe(200);
      } finally {
        await backend.stop();
      }
    },
  );
});
