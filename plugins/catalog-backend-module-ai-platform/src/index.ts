/**
 * A catalog backend module adding the ModelEndpoint and Agent kinds of the
 * AI platform: validation, relations and data classification warnings; and
 * an entity provider that keeps the catalog in sync with the platform's
 * GitOps repository.
 *
 * @packageDocumentation
 */

export { AiPlatformEntitiesProcessor } from './processor';
export type { AiPlatformEntitiesProcessorOptions } from './processor';
export { catalogModuleAiPlatformEntityModel as default } from './module';
export {
  GitopsRepositoryEntityProvider,
  DEFAULT_GITOPS_CATALOG_SYNC_FREQUENCY_SECONDS,
  ANNOTATION_GITOPS_BRANCH,
  ANNOTATION_GITOPS_COMMIT,
  ANNOTATION_GITOPS_COMMIT_TIME,
  ANNOTATION_GITOPS_CREATED_TIME,
  ANNOTATION_GITOPS_PATH,
  ANNOTATION_GITOPS_REPOSITORY,
  GITOPS_LOCATION_TYPE,
} from './gitops';
export type {
  GitopsRepositoryEntityProviderOptions,
  GitopsCatalogSyncResult,
} from './gitops';
