import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogModuleAiPlatformEntityModel } from './module';
import { AiPlatformEntitiesProcessor } from './processor';
import { GitopsRepositoryEntityProvider } from './gitops';

async function startWithConfig(data: object) {
  const extensionPoint = {
    addProcessor: jest.fn(),
    addEntityProvider: jest.fn(),
  } satisfies Partial<typeof catalogProcessingExtensionPoint.T>;
  await startTestBackend({
    extensionPoints: [[catalogProcessingExtensionPoint, extensionPoint]],
    features: [
      catalogModuleAiPlatformEntityModel,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({ data }),
    ],
  });
  return extensionPoint;
}

describe('catalogModuleAiPlatformEntityModel', () => {
  it('registers the AI platform entities processor and no GitOps provider without a repository', async () => {
    const extensionPoint = await startWithConfig({});

    expect(extensionPoint.addProcessor).toHaveBeenCalledTimes(1);
    const [processor] = extensionPoint.addProcessor.mock.calls[0];
    expect(processor).toBeInstanceOf(AiPlatformEntitiesProcessor);
    expect(processor.getProcessorName()).toBe('AiPlatformEntitiesProcessor');
    expect(extensionPoint.addEntityProvider).not.toHaveBeenCalled();
  });

  it('registers the GitOps repository entity provider when a repository is configured', async () => {
    const extensionPoint = await startWithConfig({
      aiPlatform: { gitops: { repository: '/srv/backstage/.data/gitops.git' } },
    });

    expect(extensionPoint.addEntityProvider).toHaveBeenCalledTimes(1);
    const [provider] = extensionPoint.addEntityProvider.mock.calls[0];
    expect(provider).toBeInstanceOf(GitopsRepositoryEntityProvider);
    expect(provider.getProviderName()).toBe('ai-platform-gitops-repository');
  });
});
