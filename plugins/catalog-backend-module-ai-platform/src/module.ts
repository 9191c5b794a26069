import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { AiPlatformEntitiesProcessor } from './processor';
import { GitopsRepositoryEntityProvider } from './gitops';

/**
 * Adds the ModelEndpoint and Agent kinds (`aiplatform.io/v1alpha1`) to the
 * catalog: validation, relations and data classification warnings. When
 * `aiPlatform.gitops.repository` is configured, it also keeps the catalog in
 * sync with the `catalog-info.yaml` files of that GitOps repository.
 *
 * @public
 */
export const catalogModuleAiPlatformEntityModel = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ai-platform-entity-model',
  register(reg) {
    reg.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
      },
      async init({
        catalogProcessing,
        catalog,
        auth,
        logger,
        config,
        scheduler,
      }) {
        catalogProcessing.addProcessor(
          new AiPlatformEntitiesProcessor({ catalog, auth, logger }),
        );
        const gitopsProvider = GitopsRepositoryEntityProvider.fromConfig(
          config,
          { logger, scheduler },
        );
        if (gitopsProvider) {
          catalogProcessing.addEntityProvider(gitopsProvider);
        } else {
          logger.info(
            'aiPlatform.gitops.repository is not configured; the GitOps repository is not synced into the catalog',
          );
        }
      },
    });
  },
});
