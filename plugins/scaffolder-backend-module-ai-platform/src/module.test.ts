import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import scaffolderModuleAiPlatform from './index';

describe('scaffolderModuleAiPlatform', () => {
  it('registers ai-platform:gitops:commit with the scaffolder', async () => {
    const addActions = jest.fn();

    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleAiPlatform,
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
    ]);
    expect(registered[0].supportsDryRun).toBe(true);
    expect(registered[0].schema.input.required).toEqual(
      expect.arrayContaining(['targetPath', 'commitMessage']),
    );
  });
});
