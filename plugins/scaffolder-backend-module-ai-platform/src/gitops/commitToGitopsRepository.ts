import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  GitCommandError,
  GitCommandRunner,
  createScratchDir,
} from '@ai-platform/plugin-ai-platform-node';
import type { RenderedFile } from './readRenderedFiles';
import { assertFolderUnchanged, staleFolderError } from './folderTreeCheck';

/**
 * How many times a push rejected because the branch moved is rebased and retried.
 *
 * @internal
 */
export const GITOPS_PUSH_RETRIES = 3;

/**
 * What to commit where.
 *
 * @internal
 */
export type GitopsCommitRequest = {
  /** Remote URL, or an absolute path of a local repository. */
  repository: string;
  branch: string;
  /** Normalized POSIX folder inside the repository, never the root. */
  targetPath: string;
  /** The folder's new contents; none deletes the folder. */
  files: RenderedFile[];
  commitMessage: string;
  authorName: string;
  authorEmail: string;
  token?: string;
  logger: LoggerService;
  /** When true, compare only: nothing is committed or pushed and a missing local repository is not created. */
  dryRun: boolean;
  /**
   * The branch a missing `branch` starts from (a proposal branch starts from the synced
   * branch); the repository's default branch when unset or missing.
   */
  baseBranch?: string;
  /** When true, the result carries the unified diff of the change (truncated at {@link MAX_DIFF_CHARS}). */
  includeDiff?: boolean;
  /**
   * The tree id of `targetPath` when the change was planned: the commit is refused with a
   * ConflictError when the folder on the branch (a new branch: on its base) differs, also
   * after a rejected push, so a concurrent change is never overwritten or rebased over.
   */
  expectedFolderTreeId?: string;
};

/**
 * Longest diff returned; a longer one is cut with a note saying so.
 *
 * @internal
 */
export const MAX_DIFF_CHARS = 256 * 1024;

/**
 * Result of {@link commitToGitopsRepository}; a JSON value so it can be stored as a task checkpoint.
 *
 * @internal
 */
export type GitopsCommitResult = {
  /** The commit holding the files, or the current branch head in a dry run ('' if the branch has no commits). */
  commitId: string;
  /** Whether a new commit was pushed. */
  created: boolean;
  /** Repository paths added, modified or deleted by the change. */
  changedFiles: string[];
  /** Unified diff of the change against the branch (or its base), when asked for. */
  diff?: string;
};

/**
 * True for a repository given as a URL (`https://…`, `ssh://…`, `file://…`) or in scp form (`git@host:path`).
 *
 * @internal
 */
export function isRemoteRepository(repository: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) ||
    /^[^/\s]+@[^/\s]+:/.test(repository)
  );
}

function isPushRejectedBecauseRemoteMoved(error: unknown): boolean {
  return (
    error instanceof GitCommandError &&
    /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|stale info/i.test(
      error.stderr,
    )
  );
}

async function pathExists(p: string): Promise<boolean> {
  return fs
    .access(p)
    .then(() => true)
    .catch(() => false);
}

/**
 * Clones the GitOps repository, replaces `targetPath` with the rendered files and,
 * unless the tree already matches or this is a dry run, commits and pushes to the branch.
 * A push rejected because the branch moved is fetched, rebased and retried
 * {@link GITOPS_PUSH_RETRIES} times. The scratch clone is always removed.
 *
 * @internal
 */
export async function commitToGitopsRepository(
  request: GitopsCommitRequest,
): Promise<GitopsCommitResult> {
  const { repository, branch, targetPath, files, logger, dryRun } = request;
  const scratchDir = await createScratchDir();
  try {
    const git = await GitCommandRunner.create({
      scratchDir,
      token:
        request.token && /^https:\/\//i.test(repository)
          ? request.token
          : undefined,
      authorName: request.authorName,
      authorEmail: request.authorEmail,
    });
    const loggableRepository = git.redact(repository);
    const newFilePaths = files.map(f =>
      path.posix.join(targetPath, f.relativePath),
    );

    if (!isRemoteRepository(repository) && !(await pathExists(repository))) {
      if (request.expectedFolderTreeId) {
        throw staleFolderError({
          targetPath,
          branch,
          loggableRepository,
          folderExists: false,
        });
      }
      if (dryRun) {
        return { commitId: '', created: false, changedFiles: newFilePaths };
      }
      logger.info(
        `GitOps repository ${loggableRepository} does not exist; creating an empty bare repository there`,
      );
      await fs.mkdir(path.dirname(repository), { recursive: true });
      await git.run(
        [
          'init',
          '--quiet',
          '--bare',
          `--initial-branch=${branch}`,
          '--',
          repository,
        ],
        scratchDir,
      );
    }

    const checkoutDir = path.join(scratchDir, 'checkout');
    const remoteHeads = await git.run(
      ['ls-remote', '--heads', '--', repository, `refs/heads/${branch}`],
      scratchDir,
    );
    if (remoteHeads.trim()) {
      await git.run(
        [
          'clone',
          '--quiet',
          '--depth=1',
          '--single-branch',
          `--branch=${branch}`,
          '--',
          repository,
          checkoutDir,
        ],
        scratchDir,
      );
    } else {
      // The branch does not exist yet: start it from the base branch or the
      // default branch, or as the first commit of an empty repository.
      const baseExists =
        request.baseBranch &&
        (
          await git.run(
            [
              'ls-remote',
              '--heads',
              '--',
              repository,
              `refs/heads/${request.baseBranch}`,
            ],
            scratchDir,
          )
        ).trim();
      await git.run(
        [
          'clone',
          '--quiet',
          '--depth=1',
          ...(baseExists ? [`--branch=${request.baseBranch}`] : []),
          '--',
          repository,
          checkoutDir,
        ],
        scratchDir,
      );
      const defaultHead = await git.tryRun(
        ['rev-parse', '--verify', '--quiet', 'HEAD'],
        checkoutDir,
      );
      if (defaultHead) {
        await git.run(['checkout', '--quiet', '-B', branch], checkoutDir);
      } else {
        await git.run(
          ['symbolic-ref', 'HEAD', `refs/heads/${branch}`],
          checkoutDir,
        );
      }
    }

    const folderCheck = {
      git,
      targetPath,
      expectedFolderTreeId: request.expectedFolderTreeId,
      branch,
      loggableRepository,
    };
    await assertFolderUnchanged({
      ...folderCheck,
      cwd: checkoutDir,
      revision: 'HEAD',
    });

    const targetDir = resolveSafeChildPath(checkoutDir, targetPath);
    // No files removes the folder (a decommission); a folder already gone is no change.
    const targetExisted = await pathExists(targetDir);
    await fs.rm(targetDir, { recursive: true, force: true });
    for (const file of files) {
      const filePath = resolveSafeChildPath(targetDir, file.relativePath);
      await fs.mkdir(path.dirname(filePath), { recursive: true });
      await fs.writeFile(filePath, file.content);
    }
    if (files.length > 0 || targetExisted) {
      await git.run(['add', '--all', '--', targetPath], checkoutDir);
    }
    const changedFiles = (
      await git.run(
        ['diff', '--cached', '--name-only', '-z', '--no-renames'],
        checkoutDir,
      )
    )
      .split('\0')
      .filter(Boolean);
    const currentHead =
      (
        await git.tryRun(
          ['rev-parse', '--verify', '--quiet', 'HEAD'],
          checkoutDir,
        )
      )?.trim() ?? '';

    let diff: string | undefined;
    if (request.includeDiff) {
      diff = await git.run(
        ['diff', '--cached', '--no-renames', '--no-color'],
        checkoutDir,
      );
      if (diff.length > MAX_DIFF_CHARS) {
        diff = `${diff.slice(
          0,
          MAX_DIFF_CHARS,
        )}\n… diff truncated at ${MAX_DIFF_CHARS} characters of ${
          diff.length
        }\n`;
      }
    }

    if (dryRun || changedFiles.length === 0) {
      return { commitId: currentHead, created: false, changedFiles, diff };
    }

    await git.run(
      ['commit', '--quiet', '--no-verify', '-m', request.commitMessage],
      checkoutDir,
    );
    for (let attempt = 0; ; attempt++) {
      try {
        await git.run(
          [
            'push',
            '--quiet',
            '--no-verify',
            'origin',
            `HEAD:refs/heads/${branch}`,
          ],
          checkoutDir,
        );
        break;
      } catch (error) {
        if (!isPushRejectedBecauseRemoteMoved(error)) {
          throw error;
        }
        if (attempt >= GITOPS_PUSH_RETRIES) {
          throw new ConflictError(
            `Push to ${loggableRepository} branch '${branch}' was still rejected after ${GITOPS_PUSH_RETRIES} rebases because the branch keeps moving`,
            error,
          );
        }
        logger.info(
          `Branch '${branch}' of ${loggableRepository} moved during the commit; rebasing and retrying (${
            attempt + 1
          }/${GITOPS_PUSH_RETRIES})`,
        );
        await git.run(
          ['fetch', '--quiet', 'origin', `refs/heads/${branch}`],
          checkoutDir,
        );
        // A rebase of edits that do not conflict would merge over a concurrent change.
        await assertFolderUnchanged({
          ...folderCheck,
          cwd: checkoutDir,
          revision: 'FETCH_HEAD',
        });
        try {
          await git.run(['rebase', '--quiet', 'FETCH_HEAD'], checkoutDir);
        } catch (rebaseError) {
          await git.tryRun(['rebase', '--abort'], checkoutDir);
          throw new ConflictError(
            `Someone else changed ${targetPath} on branch '${branch}' of ${loggableRepository} at the same time; the change could not be rebased`,
            rebaseError,
          );
        }
        const rebasedHead = (
          await git.run(['rev-parse', 'HEAD'], checkoutDir)
        ).trim();
        const remoteHead = (
          await git.run(['rev-parse', 'FETCH_HEAD'], checkoutDir)
        ).trim();
        if (rebasedHead === remoteHead) {
          // The same change landed concurrently; our commit became empty.
          return {
            commitId: remoteHead,
            created: false,
            changedFiles: [],
            diff,
          };
        }
      }
    }

    const commitId = (await git.run(['rev-parse', 'HEAD'], checkoutDir)).trim();
    logger.info(
      `Committed ${changedFiles.length} changed file(s) under ${targetPath} to ${loggableRepository} branch '${branch}' as ${commitId}`,
    );
    return { commitId, created: true, changedFiles, diff };
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}
