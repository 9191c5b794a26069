import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAiPlatformGitopsCommitAction } from './actions';

/**
 * Scaffolder module that registers the AI Platform golden-path actions.
 *
 * @public
 */
export const scaffolderModuleAiPlatform = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'ai-platform',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ scaffolder, config, logger }) {
        const gitopsRepository = config.getOptionalString(
          'aiPlatform.gitops.repository',
        );
        if (!gitopsRepository) {
          logger.warn(
            'aiPlatform.gitops.repository is not set; ai-platform:gitops:commit will fail unless a template passes the repository input',
          );
        }
        scaffolder.addActions(createAiPlatformGitopsCommitAction({ config }));
      },
    });
  },
});
