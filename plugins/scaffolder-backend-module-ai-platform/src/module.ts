import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createAiPlatformEndpointChangeAction,
  createAiPlatformEndpointPlanAction,
  createAiPlatformEndpointRenderAction,
  createAiPlatformEntityValidateAction,
  createAiPlatformGitopsCommitAction,
  createAiPlatformKubernetesApplyAction,
} from './actions';
import { AiPlatformBackendClient } from './gitops/aiPlatformBackendClient';

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
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        auditor: coreServices.auditor,
      },
      async init({
        scaffolder,
        config,
        logger,
        catalog,
        auth,
        discovery,
        auditor,
      }) {
        const gitopsRepository = config.getOptionalString(
          'aiPlatform.gitops.repository',
        );
        if (!gitopsRepository) {
          logger.warn(
            'aiPlatform.gitops.repository is not set; ai-platform:gitops:commit will fail unless a template passes the repository input',
          );
        }
        // Proposals needing approval and the audit events of plan, commit and apply go to
        // the ai-platform backend.
        const backend = new AiPlatformBackendClient({ auth, discovery });
        scaffolder.addActions(
          createAiPlatformGitopsCommitAction({ config, auditor, backend }),
          createAiPlatformEndpointPlanAction({ config, catalog, backend }),
          createAiPlatformEndpointChangeAction({ config, catalog }),
          createAiPlatformEndpointRenderAction({ config }),
          createAiPlatformKubernetesApplyAction({ config, backend }),
          createAiPlatformEntityValidateAction({ catalog, config }),
        );
      },
    });
  },
});
