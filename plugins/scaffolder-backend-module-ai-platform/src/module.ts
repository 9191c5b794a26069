import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createAiPlatformEndpointPlanAction,
  createAiPlatformEndpointRenderAction,
  createAiPlatformEntityValidateAction,
  createAiPlatformGitopsCommitAction,
  createAiPlatformKubernetesApplyAction,
} from './actions';

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
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, logger, catalog }) {
        const gitopsRepository = config.getOptionalString(
          'aiPlatform.gitops.repository',
        );
        if (!gitopsRepository) {
          logger.warn(
            'aiPlatform.gitops.repository is not set; ai-platform:gitops:commit will fail unless a template passes the repository input',
          );
        }
        scaffolder.addActions(
          createAiPlatformGitopsCommitAction({ config }),
          createAiPlatformEndpointPlanAction({ config, catalog }),
          createAiPlatformEndpointRenderAction({ config }),
          createAiPlatformKubernetesApplyAction({ config }),
          createAiPlatformEntityValidateAction({ catalog }),
        );
      },
    });
  },
});
