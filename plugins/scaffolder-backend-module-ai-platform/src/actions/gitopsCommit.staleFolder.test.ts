import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { BareGitRepository, git } from '../__testUtils__/bareGitRepository';
import { commitToGitopsRepository } from '../gitops/commitToGitopsRepository';
import { createAiPlatformGitopsCommitAction } from './gitopsCommit';

jest.setTimeout(60_000);

const TARGET = 'clusters/gpu-eu-1/team-ml/llama-8b';

describe('ai-platform:gitops:commit with expectedFolderTreeId (a Day-2 change planned from a read)', () => {
  const workspace = createMockDirectory();
  let repo: BareGitRepository;
  let readTreeId: string;

  beforeEach(() => {
    repo = new BareGitRepository();
    workspace.clear();
    repo.commitFromOutside(
      {
        'README.md': 'platform gitops\n',
        [`${TARGET}/deployment.yaml`]: 'replicas: 1\n',
        [`${TARGET}/service.yaml`]: 'kind: Service\n',
      },
      'seed',
    );
    // What ai-platform:endpoint:change read and planned from.
    readTreeId = git(['rev-parse', `refs/heads/main:${TARGET}`], repo.path);
    workspace.setContent({
      'rendered/deployment.yaml': 'replicas: 3\n',
      'rendered/service.yaml': 'kind: Service\n',
    });
  });

  afterEach(() => repo.remove());

  function run(input: Record<string, unknown>, isDryRun = false) {
    const action = createAiPlatformGitopsCommitAction({
      config: new ConfigReader({
        aiPlatform: { gitops: { repository: repo.path } },
      }),
    });
    const ctx = Object.assign(
      createMockActionContext({
        input: {
          sourcePath: 'rendered',
          targetPath: TARGET,
          commitMessage: 'Scale endpoint llama-8b: replicas.max 1 → 3',
          ...input,
        },
        workspacePath: workspace.path,
        logger: mockServices.logger.mock(),
      }),
      { isDryRun },
    );
    return action.handler(ctx as any);
  }

  const stale = {
    name: 'ConflictError',
    message: expect.stringMatching(
      new RegExp(
        `^${TARGET} on branch 'main' of .* changed since this change was planned; nothing was committed or pushed\\. Run the template again to re-plan from the current state`,
      ),
    ),
  };

  it('commits when the folder is still the tree the change was planned from', async () => {
    await run({ expectedFolderTreeId: readTreeId });

    expect(git(['log', '-1', '--format=%s', 'main'], repo.path)).toBe(
      'Scale endpoint llama-8b: replicas.max 1 → 3',
    );
    expect(repo.readFile(`${TARGET}/deployment.yaml`)).toBe('replicas: 3');
  });

  it('refuses when another commit changed a file of the folder after the read, and the branch does not move', async () => {
    repo.commitFromOutside(
      { [`${TARGET}/service.yaml`]: 'kind: Service\nport: 8080\n' },
      'someone else edits the service',
    );
    const headBefore = repo.head();

    await expect(
      run({ expectedFolderTreeId: readTreeId }),
    ).rejects.toMatchObject(stale);
    expect(repo.head()).toBe(headBefore);
    expect(repo.readFile(`${TARGET}/service.yaml`)).toBe(
      'kind: Service\nport: 8080',
    );
  });

  it('without expectedFolderTreeId the same commit replaces the folder, as before', async () => {
    repo.commitFromOutside(
      { [`${TARGET}/service.yaml`]: 'kind: Service\nport: 8080\n' },
      'someone else edits the service',
    );

    await run({});

    expect(repo.readFile(`${TARGET}/service.yaml`)).toBe('kind: Service');
  });

  it('refuses when the folder was removed since the read (someone decommissioned it)', async () => {
    const cloneDir = workspace.resolve('other-clone');
    git(['clone', '--quiet', repo.path, cloneDir], workspace.path);
    git(['rm', '--quiet', '-r', TARGET], cloneDir);
    git(['commit', '--quiet', '-m', 'decommission'], cloneDir);
    git(['push', '--quiet', 'origin', 'HEAD:main'], cloneDir);
    const headBefore = repo.head();

    await expect(
      run({ expectedFolderTreeId: readTreeId }),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`${TARGET} on branch 'main'`),
    });
    await expect(run({ expectedFolderTreeId: readTreeId })).rejects.toThrow(
      /was removed/,
    );
    expect(repo.head()).toBe(headBefore);
  });

  it('reports a stale folder in a dry run too', async () => {
    repo.commitFromOutside(
      { [`${TARGET}/service.yaml`]: 'kind: Service\nport: 8080\n' },
      'someone else edits the service',
    );

    await expect(
      run({ expectedFolderTreeId: readTreeId }, true),
    ).rejects.toMatchObject(stale);
  });

  it('refuses, instead of rebasing over it, a concurrent commit to the folder that lands between the clone and the push', async () => {
    // A new file in the folder: the rebase would succeed without a conflict and keep it.
    repo.installConcurrentCommitHook(`${TARGET}/extra.yaml`);

    await expect(
      run({ expectedFolderTreeId: readTreeId }),
    ).rejects.toMatchObject(stale);
    expect(git(['log', '--format=%s', 'main'], repo.path).split('\n')).toEqual([
      'concurrent',
      'seed',
    ]);
    expect(repo.readFile(`${TARGET}/deployment.yaml`)).toBe('replicas: 1');
  });

  it('still rebases over a concurrent commit outside the folder', async () => {
    repo.installConcurrentCommitHook('clusters/gpu-eu-1/team-ml/other/x.yaml');

    await run({ expectedFolderTreeId: readTreeId });

    expect(git(['log', '--format=%s', 'main'], repo.path).split('\n')).toEqual([
      'Scale endpoint llama-8b: replicas.max 1 → 3',
      'concurrent',
      'seed',
    ]);
  });

  it('checks a new proposal branch against its base branch', async () => {
    const request = {
      repository: repo.path,
      branch: 'proposals/llama-8b-1234abcd',
      baseBranch: 'main',
      targetPath: TARGET,
      files: [
        {
          relativePath: 'deployment.yaml',
          content: Buffer.from('replicas: 3\n'),
        },
      ],
      commitMessage: 'Scale',
      authorName: 'AI Platform',
      authorEmail: 'ai-platform@backstage.local',
      logger: mockServices.logger.mock(),
      dryRun: false,
    };
    await expect(
      commitToGitopsRepository({
        ...request,
        expectedFolderTreeId: 'f'.repeat(40),
      }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(repo.commitCount('proposals/llama-8b-1234abcd')).toBe(0);

    const result = await commitToGitopsRepository({
      ...request,
      expectedFolderTreeId: readTreeId,
    });
    expect(result.created).toBe(true);
    expect(repo.head('proposals/llama-8b-1234abcd')).toBe(result.commitId);
  });
});
