import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogModuleAiPlatformEntityModel } from './module';
import { AiPlatformEntitiesProcessor } from './processor';

describe('catalogModuleAiPlatformEntityModel', () => {
  it('registers the AI platform entities processor', async () => {
    const extensionPoint = {
      addProcessor: jest.fn(),
    } satisfies Partial<typeof catalogProcessingExtensionPoint.T>;

    await startTestBackend({
      extensionPoints: [[catalogProcessingExtensionPoint, extensionPoint]],
      features: [
        catalogModuleAiPlatformEntityModel,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });

    expect(extensionPoint.addProcessor).toHaveBeenCalledTimes(1);
    const [processor] = extensionPoint.addProcessor.mock.calls[0];
    expect(processor).toBeInstanceOf(AiPlatformEntitiesProcessor);
    expect(processor.getProcessorName()).toBe('AiPlatformEntitiesProcessor');
  });
});
