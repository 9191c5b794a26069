import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import type { AuditorService } from '@backstage/backend-plugin-api';
import { auditCommit } from '../gitops/auditCommit';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  commitToGitopsRepository,
  isRemoteRepository,
} from '../gitops/commitToGitopsRepository';
import { redactUrlCredentials } from '@ai-platform/plugin-ai-platform-node';
import { readGitopsConfig } from '../gitops/gitopsConfig';
import { readRenderedFiles } from '../gitops/readRenderedFiles';
import type { AiPlatformBackendClient } from '../gitops/aiPlatformBackendClient';
import { reportAuditEvent } from '../gitops/reportAuditEvent';
import {
  parseApprovalInput,
  readCommittedEntity,
} from '../gitops/approvalInput';
import { examples } from './gitopsCommit.examples';

/**
 * Options for {@link createAiPlatformGitopsCommitAction}.
 *
 * @public
 */
export interface AiPlatformGitopsCommitActionOptions {
  /** Root config; the action reads `aiPlatform.gitops` and `app.baseUrl`. */
  config: Config;
  /**
   * The ai-platform backend, where proposals needing approval and audit events are
   * recorded. Without it a change that needs approval fails, and commits are audited
   * only through `auditor`.
   */
  backend?: AiPlatformBackendClient;
  /** Backstage's auditor service: every commit and proposal is an audit event. */
  auditor?: AuditorService;
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
  const appBaseUrl = (
    options.config.getOptionalString('app.baseUrl') ?? ''
  ).replace(/\/+$/, '');

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
        remove: z =>
          z
            .boolean({
              description:
                'When true, targetPath is deleted from the repository instead of replaced (sourcePath is not read): how a decommission removes an endpoint. A folder already gone makes no commit.',
            })
            .optional(),
        expectedFolderTreeId: z =>
          z
            .string({
              description:
                'The tree id of targetPath when the change was planned (readFolderTreeId of ai-platform:endpoint:change); the commit is refused if the folder changed since',
            })
            .optional(),
        approval: z =>
          z
            .any()
            .describe(
              'Whether the change needs approval: { required, reasons, summary, policyResults, entityRef }, or the governance output of ai-platform:entity:validate / ai-platform:endpoint:plan ({ approvalRequired, approvalReasons, requirements }). When required the files go to a proposal branch proposals/<entity>-<id> and wait for an approver; the branch the catalog syncs is not touched.',
            )
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
        approvalRequired: z =>
          z.boolean({
            description:
              'True when the change waits for approval on a proposal branch',
          }),
        proposalId: z =>
          z
            .string({
              description: 'Id of the pending approval, when required',
            })
            .optional(),
        approvalUrl: z =>
          z
            .string({
              description:
                'Link to the pending approval on the AI Platform page, when required',
            })
            .optional(),
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
      const files = ctx.input.remove
        ? []
        : await readRenderedFiles(sourceDir, 'sourcePath');

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
        expectedFolderTreeId: ctx.input.expectedFolderTreeId || undefined,
      };

      const approval = parseApprovalInput(ctx.input.approval);
      const entity = readCommittedEntity(files, approval.entityRef);
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
      const changeKey = contentHash.digest('hex');

      let result;
      let committedBranch = branch;
      let proposalId: string | undefined;
      if (ctx.isDryRun) {
        result = await commitToGitopsRepository({ ...request, dryRun: true });
        ctx.logger.info(
          `Dry run: would write ${
            files.length
          } file(s) to ${targetPath} in ${loggableRepository} ${
            approval.required
              ? `on a proposal branch off '${branch}', waiting for approval`
              : `branch '${branch}'`
          }; ${result.changedFiles.length} differ from the repository`,
        );
      } else if (approval.required) {
        if (!options.backend) {
          throw new InputError(
            'This change requires approval, but the scaffolder has no connection to the ai-platform backend to record it',
          );
        }
        if (!entity) {
          throw new InputError(
            'This change requires approval, but the files hold no catalog-info.yaml to tell the entity: pass approval.entityRef',
          );
        }
        const id = await ctx.checkpoint({
          key: `ai-platform.approval.id.${changeKey}`,
          fn: async () => randomUUID(),
        });
        committedBranch = `proposals/${entity.name}-${id.slice(0, 8)}`;
        result = await ctx.checkpoint({
          key: `ai-platform.gitops.proposal.${changeKey}`,
          fn: () =>
            commitToGitopsRepository({
              ...request,
              branch: committedBranch,
              baseBranch: branch,
              includeDiff: true,
              dryRun: false,
            }),
        });
        if (result.changedFiles.length === 0) {
          ctx.logger.info(
            `'${branch}' already holds these files under ${targetPath}; nothing to approve`,
          );
          committedBranch = branch;
        } else {
          const backend = options.backend;
          const proposal = {
            id,
            entityRef: entity.entityRef,
            requester: ctx.user?.ref,
            repository: loggableRepository,
            branch,
            proposalBranch: committedBranch,
            targetPath,
            commitId: result.commitId,
            summary: approval.summary || commitMessage,
            reasons: approval.reasons,
            policyResults: approval.policyResults,
            diff: result.diff ?? '',
            riskTier: entity.riskTier,
            taskId: ctx.task.id,
          };
          await ctx.checkpoint({
            key: `ai-platform.approval.request.${id}`,
            fn: async () => {
              const recorded = await backend.requestApproval(
                proposal,
                await ctx.getInitiatorCredentials(),
              );
              return recorded.id;
            },
          });
          proposalId = id;
          await auditCommit(options.auditor, {
            entityRef: entity.entityRef,
            actor: ctx.user?.ref,
            branch: committedBranch,
            commitId: result.commitId,
            proposalId,
          });
          ctx.logger.info(
            `${entity.entityRef} needs approval (${
              approval.reasons.join('; ') || 'approval required'
            }): committed to proposal branch '${committedBranch}' as ${
              result.commitId
            }; '${branch}' is unchanged until an approver who is not the requester approves proposal ${id}`,
          );
        }
      } else {
        result = await ctx.checkpoint({
          key: `ai-platform.gitops.commit.${changeKey}`,
          fn: () => commitToGitopsRepository({ ...request, dryRun: false }),
        });
        if (!result.created) {
          ctx.logger.info(
            `${targetPath} in ${loggableRepository} branch '${branch}' already holds these files; no new commit`,
          );
        } else {
          await auditCommit(options.auditor, {
            entityRef: entity?.entityRef,
            actor: ctx.user?.ref,
            branch,
            commitId: result.commitId,
          });
          if (entity) {
            // Best effort: the commit has landed; a missing audit row is logged, not fatal.
            await reportAuditEvent(
              options.backend,
              ctx,
              {
                action: 'commit',
                entityRef: entity.entityRef,
                actor: ctx.user?.ref,
                decision: 'committed',
                riskTier: entity.riskTier,
                details: {
                  branch,
                  commitId: result.commitId,
                  targetPath,
                  changedFiles: result.changedFiles,
                  taskId: ctx.task.id,
                },
              },
              'The commit',
            );
          }
        }
      }

      ctx.output('commitId', result.commitId);
      ctx.output('repository', loggableRepository);
      ctx.output('branch', committedBranch);
      ctx.output('files', repoFiles);
      ctx.output('changedFiles', result.changedFiles);
      ctx.output('created', result.created);
      ctx.output('approvalRequired', proposalId !== undefined);
      if (proposalId) {
        ctx.output('proposalId', proposalId);
        ctx.output(
          'approvalUrl',
          `${appBaseUrl}/ai-platform?approval=${encodeURIComponent(
            proposalId,
          )}`,
        );
      }
    },
  });
}
