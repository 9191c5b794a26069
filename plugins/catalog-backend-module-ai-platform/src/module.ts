import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { AiPlatformEntitiesProcessor } from './processor';

/**
 * Adds the ModelEndpoint and Agent kinds (`aiplatform.io/v1alpha1`) to the
 * catalog: validation, relations and data classification warnings.
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
      },
      async init({ catalogProcessing, catalog, auth, logger }) {
        catalogProcessing.addProcessor(
          new AiPlatformEntitiesProcessor({ catalog, auth, logger }),
        );
      },
    });
  },
});
