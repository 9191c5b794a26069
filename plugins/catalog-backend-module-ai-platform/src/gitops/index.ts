export {
  GitopsRepositoryEntityProvider,
  DEFAULT_GITOPS_CATALOG_SYNC_FREQUENCY_SECONDS,
} from './GitopsRepositoryEntityProvider';
export type {
  GitopsRepositoryEntityProviderOptions,
  GitopsCatalogSyncResult,
} from './GitopsRepositoryEntityProvider';
export {
  ANNOTATION_GITOPS_BRANCH,
  ANNOTATION_GITOPS_COMMIT,
  ANNOTATION_GITOPS_COMMIT_TIME,
  ANNOTATION_GITOPS_CREATED_TIME,
  ANNOTATION_GITOPS_PATH,
  ANNOTATION_GITOPS_REPOSITORY,
  GITOPS_LOCATION_TYPE,
} from './annotations';
