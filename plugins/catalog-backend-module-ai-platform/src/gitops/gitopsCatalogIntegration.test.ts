import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  SchedulerService,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { catalogModuleAiPlatformEntityModel } from '../module';
import {
  TestGitopsRepository,
  modelEndpointYaml,
} from './__testUtils__/TestGitopsRepository';

jest.setTimeout(120_000);

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

describe('the catalog synced with the GitOps repository', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'stores the committed ModelEndpoint with its relations and commit, and removes it when its file is deleted (%s)',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const repo = await TestGitopsRepository.create();
      const filePath =
        'clusters/gpu-eu-west-1/team-ml/llama-8b/catalog-info.yaml';
      const commit = await repo.commit({
        [filePath]: modelEndpointYaml('llama-8b'),
      });
      // The default test scheduler runs every task once at startup; this module
      // captures the catalog's scheduler to trigger the sync again.
      let scheduler: SchedulerService | undefined;
      const captureScheduler = createBackendModule({
        pluginId: 'catalog',
        moduleId: 'capture-scheduler',
        register(reg) {
          reg.registerInit({
            deps: { catalogScheduler: coreServices.scheduler },
            async init({ catalogScheduler }) {
              scheduler = catalogScheduler;
            },
          });
        },
      });
      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleAiPlatformEntityModel,
          mockServices.database.factory({ knex }),
          captureScheduler,
          mockServices.rootConfig.factory({
            data: {
              catalog: { rules: [{ allow: ['ModelEndpoint'] }] },
              aiPlatform: { gitops: { repository: repo.bare } },
            },
          }),
        ],
      });
      const getModelEndpoint = async () => {
        const res = await request(backend.server)
          .get('/api/catalog/entities/by-name/modelendpoint/default/llama-8b')
          .set('Authorization', mockCredentials.user.header());
        return res.status === 200 ? (res.body as any) : undefined;
      };

      try {
        // The task ran once at startup.
        const entity = await waitFor(async () => {
          const e = await getModelEndpoint();
          return e?.relations?.length ? e : undefined;
        }, 'the committed ModelEndpoint');
        expect(entity.metadata.annotations).toMatchObject({
          'backstage.io/managed-by-location': `aiplatform-gitops:${repo.bare}/${filePath}`,
          'aiplatform.io/gitops-commit': commit,
          'aiplatform.io/gitops-path': filePath,
        });
        expect(entity.relations).toEqual(
          expect.arrayContaining([
            { type: 'ownedBy', targetRef: 'group:default/ml-platform' },
            { type: 'dependsOn', targetRef: 'resource:default/gpu-eu-west-1' },
          ]),
        );

        await repo.commit({ [filePath]: null });
        await scheduler!.triggerTask('ai-platform-gitops-repository:refresh');
        await waitFor(
          async () => ((await getModelEndpoint()) ? undefined : true),
          'the ModelEndpoint to be removed',
        );
      } finally {
        await backend.stop();
        await repo.remove();
      }
    },
  );
});
