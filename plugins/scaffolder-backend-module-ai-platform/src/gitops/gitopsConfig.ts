import type { Config } from '@backstage/config';

/**
 * The `aiPlatform.gitops` configuration with defaults applied.
 *
 * @internal
 */
export type GitopsConfig = {
  repository?: string;
  branch: string;
  authorName: string;
  authorEmail: string;
  token?: string;
};

/**
 * Branch used when neither config nor the action input names one.
 *
 * @internal
 */
export const DEFAULT_GITOPS_BRANCH = 'main';

/**
 * Reads `aiPlatform.gitops` from the root config.
 *
 * @internal
 */
export function readGitopsConfig(config: Config): GitopsConfig {
  const gitops = config.getOptionalConfig('aiPlatform.gitops');
  return {
    repository: gitops?.getOptionalString('repository'),
    branch: gitops?.getOptionalString('branch') ?? DEFAULT_GITOPS_BRANCH,
    authorName: gitops?.getOptionalString('authorName') ?? 'AI Platform',
    authorEmail:
      gitops?.getOptionalString('authorEmail') ?? 'ai-platform@backstage.local',
    token: gitops?.getOptionalString('token'),
  };
}
