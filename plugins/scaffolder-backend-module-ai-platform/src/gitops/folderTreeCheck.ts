import { ConflictError } from '@backstage/errors';
import type { GitCommandRunner } from '@ai-platform/plugin-ai-platform-node';

/**
 * The git tree id of `folder` at `revision` in the checkout `cwd`, or undefined when the
 * revision or the folder does not exist.
 *
 * @internal
 */
export async function readFolderTreeId(
  git: GitCommandRunner,
  cwd: string,
  revision: string,
  folder: string,
): Promise<string | undefined> {
  const out = await git.tryRun(
    ['rev-parse', '--verify', '--quiet', `${revision}:${folder}`],
    cwd,
  );
  return out?.trim() || undefined;
}

/**
 * The optimistic check of a Day-2 change: throws a ConflictError when `targetPath` at
 * `revision` is not the tree `expectedFolderTreeId` the change was planned from (someone
 * changed or removed the folder since). Does nothing when no tree id is expected.
 *
 * @internal
 */
export async function assertFolderUnchanged(options: {
  git: GitCommandRunner;
  cwd: string;
  revision: string;
  targetPath: string;
  expectedFolderTreeId?: string;
  branch: string;
  loggableRepository: string;
}): Promise<void> {
  const { expectedFolderTreeId, targetPath } = options;
  if (!expectedFolderTreeId) {
    return;
  }
  const current = await readFolderTreeId(
    options.git,
    options.cwd,
    options.revision,
    targetPath,
  );
  if (current !== expectedFolderTreeId) {
    throw staleFolderError({ ...options, folderExists: current !== undefined });
  }
}

/**
 * The error of {@link assertFolderUnchanged}.
 *
 * @internal
 */
export function staleFolderError(options: {
  targetPath: string;
  branch: string;
  loggableRepository: string;
  folderExists: boolean;
}): ConflictError {
  const what = options.folderExists
    ? 'changed'
    : 'was removed (or its branch is gone)';
  return new ConflictError(
    `${options.targetPath} on branch '${options.branch}' of ${options.loggableRepository} ${what} since this change was planned; nothing was committed or pushed. Run the template again to re-plan from the current state`,
  );
}
