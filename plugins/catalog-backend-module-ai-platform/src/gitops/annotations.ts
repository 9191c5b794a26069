/**
 * Location type of entities read from the GitOps repository, used in
 * `backstage.io/managed-by-location`: `aiplatform-gitops:<repository>/<path>`.
 *
 * @public
 */
export const GITOPS_LOCATION_TYPE = 'aiplatform-gitops';

/**
 * The newest commit of the GitOps repository that changed the file the entity was read
 * from (a full 40-character id). This is the commit `ai-platform:gitops:commit` returns.
 *
 * @public
 */
export const ANNOTATION_GITOPS_COMMIT = 'aiplatform.io/gitops-commit';

/**
 * Committer time (ISO 8601) of the commit in {@link ANNOTATION_GITOPS_COMMIT}.
 *
 * @public
 */
export const ANNOTATION_GITOPS_COMMIT_TIME = 'aiplatform.io/gitops-commit-time';

/**
 * Committer time (ISO 8601) of the oldest commit that changed the entity's file: the commit
 * that added it, which for a golden-path entity is the template run's `ai-platform:gitops:commit`.
 *
 * @public
 */
export const ANNOTATION_GITOPS_CREATED_TIME =
  'aiplatform.io/gitops-created-time';

/**
 * Path of the `catalog-info.yaml` inside the GitOps repository the entity was read from.
 *
 * @public
 */
export const ANNOTATION_GITOPS_PATH = 'aiplatform.io/gitops-path';

/**
 * The GitOps repository (URL without credentials, or absolute local path).
 *
 * @public
 */
export const ANNOTATION_GITOPS_REPOSITORY = 'aiplatform.io/gitops-repository';

/**
 * The branch of the GitOps repository the entity was read from.
 *
 * @public
 */
export const ANNOTATION_GITOPS_BRANCH = 'aiplatform.io/gitops-branch';
