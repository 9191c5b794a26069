import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  createScratchDir,
  GitCommandError,
  GitCommandRunner,
  redactUrlCredentials,
} from '@ai-platform/plugin-ai-platform-node';

/** git's empty tree object: the base of a repository's first change. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** How often a merge whose push was rejected (the branch moved) is redone. */
const MERGE_PUSH_ATTEMPTS = 3;

/**
 * The GitOps repository the approvals act on: `aiPlatform.gitops`.
 *
 * @internal
 */
export type GitopsRepositoryConfig = {
  /** Remote URL, or an absolute path of a local (bare) repository. */
  repository?: string;
  authorName: string;
  authorEmail: string;
  token?: string;
};

/**
 * Reads `aiPlatform.gitops` as the scaffolder module does (a local path is
 * resolved against the working directory, as there).
 *
 * @internal
 */
export function readGitopsRepositoryConfig(
  config: Config,
): GitopsRepositoryConfig {
  const gitops = config.getOptionalConfig('aiPlatform.gitops');
  const repository = gitops?.getOptionalString('repository');
  return {
    repository:
      repository && !isRemoteRepository(repository)
        ? path.resolve(repository)
        : repository,
    authorName: gitops?.getOptionalString('authorName') ?? 'AI Platform',
    authorEmail:
      gitops?.getOptionalString('authorEmail') ?? 'ai-platform@backstage.local',
    token: gitops?.getOptionalString('token'),
  };
}

function isRemoteRepository(repository: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) ||
    /^[^/\s]+@[^/\s]+:/.test(repository)
  );
}

/**
 * Where a proposal lives.
 *
 * @internal
 */
export type ProposalLocation = {
  /** The repository as recorded (credentials removed). */
  repository: string;
  branch: string;
  proposalBranch: string;
  /** The proposal's head when it was requested: only this commit is merged. */
  commitId: string;
};

/**
 * Merges or closes proposal branches of the GitOps repository with the git
 * CLI; works with a local bare repository and a remote (HTTPS token through
 * GIT_ASKPASS, SSH through the process's own keys).
 *
 * @internal
 */
export class GitopsProposalMerger {
  constructor(private readonly config: GitopsRepositoryConfig) {}

  /**
   * Merges the proposal branch into the synced branch with a merge commit
   * whose message records the approver and the time, pushes it and deletes
   * the proposal branch. Returns the merge commit.
   *
   * @throws ConflictError when the proposal no longer merges cleanly
   */
  async merge(
    location: ProposalLocation,
    message: string,
  ): Promise<{ mergeCommitId: string }> {
    return this.#withRepository(location, async (git, repository, scratch) => {
      const syncedExists = (
        await git.run(
          [
            'ls-remote',
            '--heads',
            '--',
            repository,
            `refs/heads/${location.branch}`,
          ],
          scratch,
        )
      ).trim();
      if (!syncedExists) {
        return this.#startSyncedBranch(
          git,
          repository,
          scratch,
          location,
          message,
        );
      }
      for (let attempt = 1; ; attempt++) {
        const checkout = path.join(scratch, `merge-${attempt}`);
        await git.run(
          [
            'clone',
            '--quiet',
            '--no-tags',
            `--branch=${location.branch}`,
            '--',
            repository,
            checkout,
          ],
          scratch,
        );
        const fetched = await git.tryRun(
          [
            'fetch',
            '--quiet',
            'origin',
            `refs/heads/${location.proposalBranch}`,
          ],
          checkout,
        );
        if (fetched === undefined) {
          throw new NotFoundError(
            `The proposal branch '${location.proposalBranch}' no longer exists in the GitOps repository`,
          );
        }
        const proposalHead = (
          await git.run(['rev-parse', 'FETCH_HEAD'], checkout)
        ).trim();
        if (proposalHead !== location.commitId) {
          throw new ConflictError(
            `The proposal branch '${location.proposalBranch}' moved since approval was requested (now ${proposalHead}, requested ${location.commitId}); reject it and run the template again`,
          );
        }
        try {
          await git.run(
            ['merge', '--quiet', '--no-ff', '-m', message, location.commitId],
            checkout,
          );
        } catch (error) {
          await git.tryRun(['merge', '--abort'], checkout);
          throw new ConflictError(
            `The proposal branch '${location.proposalBranch}' no longer merges cleanly into '${location.branch}'; reject it and run the template again`,
            error,
          );
        }
        const mergeCommitId = (
          await git.run(['rev-parse', 'HEAD'], checkout)
        ).trim();
        try {
          await git.run(
            [
              'push',
              '--quiet',
              '--no-verify',
              'origin',
              `HEAD:refs/heads/${location.branch}`,
            ],
            checkout,
          );
        } catch (error) {
          if (
            attempt < MERGE_PUSH_ATTEMPTS &&
            error instanceof GitCommandError &&
            /\[rejected\]|non-fast-forward|fetch first|cannot lock ref/i.test(
              error.stderr,
            )
          ) {
            continue;
          }
          throw error;
        }
        await git.tryRun(
          [
            'push',
            '--quiet',
            'origin',
            `:refs/heads/${location.proposalBranch}`,
          ],
          checkout,
        );
        return { mergeCommitId };
      }
    });
  }

  /**
   * The diff the approver reviews, computed from the repository itself (not
   * taken from the caller): the proposal's commit against its merge base with
   * the synced branch, cut at `maxChars`.
   *
   * @throws NotFoundError when the proposal commit is not on its branch
   */
  async diff(location: ProposalLocation, maxChars: number): Promise<string> {
    return this.#withRepository(location, async (git, repository, scratch) => {
      const local = path.join(scratch, 'diff');
      await git.run(['init', '--quiet', '--bare', local], scratch);
      const fetched = await git.tryRun(
        [
          'fetch',
          '--quiet',
          '--',
          repository,
          `+refs/heads/${location.proposalBranch}:refs/heads/proposal`,
        ],
        local,
      );
      // Without a synced branch yet, the diff is the whole proposal (against the empty tree).
      const baseFetched = await git.tryRun(
        [
          'fetch',
          '--quiet',
          '--',
          repository,
          `+refs/heads/${location.branch}:refs/heads/base`,
        ],
        local,
      );
      const head =
        fetched === undefined
          ? undefined
          : (
              await git.tryRun(['rev-parse', 'refs/heads/proposal'], local)
            )?.trim();
      if (head !== location.commitId) {
        throw new NotFoundError(
          `The proposal commit ${location.commitId} is not the head of branch '${location.proposalBranch}' of the GitOps repository`,
        );
      }
      const diff = await git.run(
        baseFetched === undefined
          ? [
              'diff',
              '--no-color',
              '--no-renames',
              EMPTY_TREE,
              location.commitId,
            ]
          : [
              'diff',
              '--no-color',
              '--no-renames',
              `base...${location.commitId}`,
            ],
        local,
      );
      return diff.length > maxChars
        ? `${diff.slice(
            0,
            maxChars,
          )}\n… diff truncated at ${maxChars} characters of ${diff.length}\n`
        : diff;
    });
  }

  /**
   * A repository whose synced branch does not exist yet (the proposal is its first
   * change): the synced branch starts at the proposal plus an empty commit that records
   * the approval.
   */
  async #startSyncedBranch(
    git: GitCommandRunner,
    repository: string,
    scratch: string,
    location: ProposalLocation,
    message: string,
  ): Promise<{ mergeCommitId: string }> {
    const checkout = path.join(scratch, 'start');
    await git.run(
      [
        'clone',
        '--quiet',
        '--no-tags',
        `--branch=${location.proposalBranch}`,
        '--',
        repository,
        checkout,
      ],
      scratch,
    );
    const head = (await git.run(['rev-parse', 'HEAD'], checkout)).trim();
    if (head !== location.commitId) {
      throw new ConflictError(
        `The proposal branch '${location.proposalBranch}' moved since approval was requested (now ${head}, requested ${location.commitId}); reject it and run the template again`,
      );
    }
    await git.run(
      ['commit', '--quiet', '--allow-empty', '-m', message],
      checkout,
    );
    await git.run(
      [
        'push',
        '--quiet',
        '--no-verify',
        'origin',
        `HEAD:refs/heads/${location.branch}`,
      ],
      checkout,
    );
    await git.tryRun(
      ['push', '--quiet', 'origin', `:refs/heads/${location.proposalBranch}`],
      checkout,
    );
    return {
      mergeCommitId: (await git.run(['rev-parse', 'HEAD'], checkout)).trim(),
    };
  }

  /** Deletes the proposal branch, so nothing of it reaches the synced branch. */
  async close(location: ProposalLocation): Promise<void> {
    await this.#withRepository(location, async (git, repository, scratch) => {
      // git push needs a repository to run in, even only to delete a ref.
      const local = path.join(scratch, 'close');
      await git.run(['init', '--quiet', local], scratch);
      await git.run(
        [
          'push',
          '--quiet',
          '--',
          repository,
          `:refs/heads/${location.proposalBranch}`,
        ],
        local,
      );
      const left = await git.run(
        [
          'ls-remote',
          '--heads',
          '--',
          repository,
          `refs/heads/${location.proposalBranch}`,
        ],
        scratch,
      );
      if (left.trim()) {
        throw new ConflictError(
          `The proposal branch '${location.proposalBranch}' could not be deleted`,
        );
      }
    });
  }

  async #withRepository<T>(
    location: ProposalLocation,
    fn: (
      git: GitCommandRunner,
      repository: string,
      scratch: string,
    ) => Promise<T>,
  ): Promise<T> {
    const repository = this.config.repository;
    if (!repository) {
      throw new InputError(
        'No GitOps repository configured: set aiPlatform.gitops.repository',
      );
    }
    if (redactUrlCredentials(repository) !== location.repository) {
      throw new ConflictError(
        'The proposal was committed to another GitOps repository than aiPlatform.gitops.repository; decide it there',
      );
    }
    const scratch = await createScratchDir('ai-platform-approval');
    try {
      const git = await GitCommandRunner.create({
        scratchDir: scratch,
        token:
          this.config.token && /^https:\/\//i.test(repository)
            ? this.config.token
            : undefined,
        authorName: this.config.authorName,
        authorEmail: this.config.authorEmail,
      });
      return await fn(git, repository, scratch);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }
}
