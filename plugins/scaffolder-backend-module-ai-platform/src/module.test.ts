import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import scaffolderModuleAiPlatform from './index';

describe('scaffolderModuleAiPlatform', () => {
  it('registers the gitops, plan, change, render, apply and entity validate actions with the scaffolder', async () => {
    const addActions = jest.fn();

    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleAiPlatform,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            aiPlatform: { gitops: { repository: '/srv/gitops.git' } },
          },
        }),
      ],
    });

    const registered = addActions.mock.calls.flat();
    expect(registered.map(action => action.id)).toEqual([
      'ai-platform:gitops:commit',
      'ai-platform:endpoint:plan',
      'ai-platform:endpoint:change',
      'ai-platform:endpoint:render',
      'ai-platform:kubernetes:apply',
      'ai-platform:entity:validate',
    ]);
    expect(registered.every(action => action.supportsDryRun)).toBe(true);
    expect(registered[0].supportsDryRun).toBe(true);
    expect(registered[0].schema.input.required).toEqual(
      expect.arrayContaining(['targetPath', 'commitMessage']),
    );
  });
});
