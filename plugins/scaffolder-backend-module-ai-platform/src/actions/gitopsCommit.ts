import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  commitToGitopsRepository,
  isRemoteRepository,
} from '../gitops/commitToGitopsRepository';
import { redactUrlCredentials } from '../gitops/GitCommandRunner';
import { readGitopsConfig } from '../gitops/gitopsConfig';
import { readRenderedFiles } from '../gitops/readRenderedFiles';
import { examples } from './gitopsCommit.examples';

/**
 * Options for {@link createAiPlatformGitopsCommitAction}.
 *
 * @public
 */
export interface AiPlatformGitopsCommitActionOptions {
  /** Root config; the action reads `aiPlatform.gitops`. */
  config: Config;
}

/**
 * Checks `targetPath` and returns it as a normalized POSIX path relative to the repository root.
 *
 * @internal
 */
export function normalizeTargetPath(targetPath: unknown): string {
  if (typeof targetPath !== 'string' || targetPath.trim() === '') {
    throw new InputError(
      'targetPath is required: the folder inside the GitOps repository to write the files to, e.g. clusters/gpu-eu-1/team-ml/llama-8b',
    );
  }
  if (path.posix.isAbsolute(targetPath) || path.win32.isAbsolute(targetPath)) {
    throw new InputError(
      `targetPath must be relative to the root of the GitOps repository, got absolute path '${targetPath}'`,
    );
  }
  const segments = targetPath
    .split(/[\\/]+/)
    .filter(segment => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new InputError(
      `targetPath must not contain '..' segments, got '${targetPath}'`,
    );
  }
  if (segments.length === 0) {
    throw new InputError(
      `targetPath must name a folder inside the GitOps repository, not its root, got '${targetPath}'`,
    );
  }
  if (segments[0].toLowerCase() === '.git') {
    throw new InputError(
      `targetPath must not point into the .git folder, got '${targetPath}'`,
    );
  }
  return segments.join('/');
}

/**
 * True when `branch` is a usable git branch name (a conservative subset of `git check-ref-format`).
 *
 * @internal
 */
export function isValidBranchName(branch: string): boolean {
  return (
    branch.length > 0 &&
    !branch.startsWith('-') &&
    !branch.startsWith('/') &&
    !branch.endsWith('/') &&
    !branch.endsWith('.') &&
    !branch.endsWith('.lock') &&
    !branch.includes('..') &&
    !branch.includes('//') &&
    !branch.includes('@{') &&
    branch !== '@' &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x20\x7f~^:?*[\\]/.test(branch) &&
    !branch.split('/').some(part => part.startsWith('.'))
  );
}

/**
 * Creates the `ai-platform:gitops:commit` action, which commits rendered files from the task
 * workspace into a folder of the platform's GitOps repository and pushes them.
 *
 * @remarks
 * The folder `targetPath` is replaced as a whole; the rest of the repository is untouched.
 * When the folder already holds exactly these files no commit is made, so a retried step
 * never creates a second commit. The push runs inside a task checkpoint keyed by the
 * repository, branch, folder and file contents.
 *
 * @public
 */
export function createAiPlatformGitopsCommitAction(
  options: AiPlatformGitopsCommitActionOptions,
) {
  const gitopsConfig = readGitopsConfig(options.config);

  return createTemplateAction({
    id: 'ai-platform:gitops:commit',
    description:
      "Commits rendered files from the workspace into a folder of the platform's GitOps repository and pushes them",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourcePath: z =>
          z
            .string({
              description:
                "Workspace-relative folder holding the rendered files. Defaults to '.', the whole workspace.",
            })
            .optional(),
        targetPath: z =>
          z.string({
            description:
              'Folder inside the GitOps repository whose contents are replaced by the files, e.g. clusters/gpu-eu-1/team-ml/llama-8b. Must be relative, without ..',
          }),
        commitMessage: z =>
          z.string({ description: 'Message of the commit' }).min(1),
        repository: z =>
          z
            .string({
              description:
                'URL or local path of the GitOps repository. Defaults to aiPlatform.gitops.repository.',
            })
            .optional(),
        branch: z =>
          z
            .string({
              description:
                "Branch to commit to; created if missing. Defaults to aiPlatform.gitops.branch, else 'main'.",
            })
            .optional(),
      },
      output: {
        commitId: z =>
          z.string({
            description:
              "The commit that holds the files. In a dry run, the current head of the branch ('' when it has no commits yet).",
          }),
        repository: z =>
          z.string({
            description: 'The GitOps repository, with any credentials removed',
          }),
        branch: z => z.string({ description: 'The branch committed to' }),
        files: z =>
          z
            .array(z.string())
            .describe(
              'Repository-relative paths of all files now under targetPath',
            ),
        changedFiles: z =>
          z
            .array(z.string())
            .describe(
              'Repository-relative paths added, modified or deleted by this change (in a dry run: that would be)',
            ),
        created: z =>
          z.boolean({
            description:
              'False when the repository already held these files (or in a dry run) and no commit was made',
          }),
      },
    },
    async handler(ctx) {
      const repositoryInput = ctx.input.repository ?? gitopsConfig.repository;
      if (!repositoryInput?.trim()) {
        throw new InputError(
          'No GitOps repository configured: set aiPlatform.gitops.repository in app-config, or pass the repository input',
        );
      }
      const repository = isRemoteRepository(repositoryInput)
        ? repositoryInput
        : path.resolve(repositoryInput);
      const branch = ctx.input.branch ?? gitopsConfig.branch;
      if (!isValidBranchName(branch)) {
        throw new InputError(
          `branch '${branch}' is not a valid git branch name`,
        );
      }
      const targetPath = normalizeTargetPath(ctx.input.targetPath);
      const commitMessage = ctx.input.commitMessage;
      if (typeof commitMessage !== 'string' || commitMessage.trim() === '') {
        throw new InputError('commitMessage is required and must not be empty');
      }
      const sourcePathInput = ctx.input.sourcePath ?? '.';
      let sourceDir: string;
      try {
        sourceDir = resolveSafeChildPath(ctx.workspacePath, sourcePathInput);
      } catch {
        throw new InputError(
          `sourcePath '${sourcePathInput}' must be a folder inside the task workspace`,
        );
      }
      const files = await readRenderedFiles(sourceDir, 'sourcePath');

      const loggableRepository = redactUrlCredentials(repository);
      const repoFiles = files.map(f =>
        path.posix.join(targetPath, f.relativePath),
      );
      const request = {
        repository,
        branch,
        targetPath,
        files,
        commitMessage,
        authorName: gitopsConfig.authorName,
        authorEmail: gitopsConfig.authorEmail,
        token: gitopsConfig.token,
        logger: ctx.logger,
      };

      let result;
      if (ctx.isDryRun) {
        result = await commitToGitopsRepository({ ...request, dryRun: true });
        ctx.logger.info(
          `Dry run: would write ${files.length} file(s) to ${targetPath} in ${loggableRepository} branch '${branch}'; ${result.changedFiles.length} differ from the repository`,
        );
      } else {
        const contentHash = createHash('sha256');
        contentHash.update(
          JSON.stringify([loggableRepository, branch, targetPath]),
        );
        for (const file of files) {
          contentHash.update(`\0${file.relativePath}\0`);
          contentHash.update(
            createHash('sha256').update(file.content).digest('hex'),
          );
        }
        result = await ctx.checkpoint({
          key: `ai-platform.gitops.commit.${contentHash.digest('hex')}`,
          fn: () => commitToGitopsRepository({ ...request, dryRun: false }),
        });
        if (!result.created) {
          ctx.logger.info(
            `${targetPath} in ${loggableRepository} branch '${branch}' already holds these files; no new commit`,
          );
        }
      }

      ctx.output('commitId', result.commitId);
      ctx.output('repository', loggableRepository);
      ctx.output('branch', branch);
      ctx.output('files', repoFiles);
      ctx.output('changedFiles', result.changedFiles);
      ctx.output('created', result.created);
    },
  });
}
