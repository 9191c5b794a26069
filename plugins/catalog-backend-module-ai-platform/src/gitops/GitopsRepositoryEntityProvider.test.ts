import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { DeferredEntity } from '@backstage/plugin-catalog-node';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GitopsRepositoryEntityProvider } from './GitopsRepositoryEntityProvider';
import {
  TestGitopsRepository,
  git,
  modelEndpointYaml,
} from './__testUtils__/TestGitopsRepository';

jest.setTimeout(60_000);

function connectionMock() {
  const applyMutation = jest.fn(async (_mutation: unknown) => {});
  return {
    connection: { applyMutation, refresh: jest.fn(async () => {}) },
    applyMutation,
    /** Entities of the n-th applied full mutation. */
    applied: (n: number) =>
      (applyMutation.mock.calls[n][0] as { entities: DeferredEntity[] })
        .entities,
  };
}

describe('GitopsRepositoryEntityProvider', () => {
  let repo: TestGitopsRepository;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    repo = await TestGitopsRepository.create();
    jest.clearAllMocks();
  });

  afterEach(async () => {
    await repo.remove();
  });

  it('applies every catalog-info.yaml with annotations linking to its commit, and only when the head moves', async () => {
    const firstCommit = await repo.commit({
      'clusters/gpu-eu-west-1/team-ml/llama-8b/catalog-info.yaml':
        modelEndpointYaml('llama-8b'),
      'clusters/gpu-eu-west-1/team-ml/llama-8b/deployment.yaml':
        'kind: Deployment\n',
    });
    const secondCommit = await repo.commit({
      'clusters/gpu-eu-west-1/team-ml/mistral-7b/catalog-info.yaml': `${modelEndpointYaml(
        'mistral-7b',
      )}---\n${modelEndpointYaml('mistral-7b-canary')}`,
    });

    const provider = new GitopsRepositoryEntityProvider({
      repository: repo.bare,
      logger,
      commitUrlTemplate: 'https://git.example.com/gitops/commit/{commit}',
    });
    const { connection, applyMutation, applied } = connectionMock();
    await provider.connect(connection);

    await expect(provider.refresh()).resolves.toEqual({
      outcome: 'applied',
      commitSha: secondCommit,
      entityCount: 3,
      skippedPaths: [],
    });
    expect(applyMutation).toHaveBeenCalledTimes(1);
    expect(applyMutation.mock.calls[0][0]).toMatchObject({ type: 'full' });
    const entities = applied(0);
    expect(entities.map(e => e.entity.metadata.name)).toEqual([
      'llama-8b',
      'mistral-7b',
      'mistral-7b-canary',
    ]);
    const llamaPath =
      'clusters/gpu-eu-west-1/team-ml/llama-8b/catalog-info.yaml';
    expect(entities[0].entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': `aiplatform-gitops:${repo.bare}/${llamaPath}`,
      'backstage.io/managed-by-origin-location': `aiplatform-gitops:${repo.bare}/${llamaPath}`,
      'aiplatform.io/gitops-repository': repo.bare,
      'aiplatform.io/gitops-branch': 'main',
      'aiplatform.io/gitops-path': llamaPath,
      // The commit that added the file, not the newer head.
      'aiplatform.io/gitops-commit': firstCommit,
      'aiplatform.io/gitops-commit-time': new Date(
        git(repo.work, 'log', '-1', '--format=%cI', firstCommit),
      ).toISOString(),
      'aiplatform.io/gitops-created-time': new Date(
        git(repo.work, 'log', '-1', '--format=%cI', firstCommit),
      ).toISOString(),
    });
    expect(entities[0].entity.metadata.links).toEqual([
      {
        url: `https://git.example.com/gitops/commit/${firstCommit}`,
        title: `GitOps commit ${firstCommit.slice(0, 7)}`,
      },
    ]);
    expect(
      entities[2].entity.metadata.annotations?.['aiplatform.io/gitops-commit'],
    ).toBe(secondCommit);
    expect(entities[0].entity.spec).toMatchObject({
      serving: { cluster: 'gpu-eu-west-1' },
    });
    expect(entities[0].locationKey).toBe(`aiplatform-gitops:${repo.bare}`);

    // Nothing changed: no second mutation.
    await expect(provider.refresh()).resolves.toEqual({
      outcome: 'unchanged',
      commitSha: secondCommit,
    });
    expect(applyMutation).toHaveBeenCalledTimes(1);

    // A new commit removes one file: its entity is gone from the full mutation.
    const thirdCommit = await repo.commit({
      'clusters/gpu-eu-west-1/team-ml/llama-8b/catalog-info.yaml': null,
    });
    await expect(provider.refresh()).resolves.toMatchObject({
      outcome: 'applied',
      commitSha: thirdCommit,
      entityCount: 2,
    });
    expect(applyMutation).toHaveBeenCalledTimes(2);
    expect(applied(1).map(e => e.entity.metadata.name)).toEqual([
      'mistral-7b',
      'mistral-7b-canary',
    ]);
  });

  it('skips a broken file, keeps the entities of the others and the last readable version of the broken one', async () => {
    await repo.commit({
      'a/catalog-info.yaml': modelEndpointYaml('alpha'),
      'b/catalog-info.yaml': modelEndpointYaml('beta'),
    });
    const provider = new GitopsRepositoryEntityProvider({
      repository: repo.bare,
      logger,
    });
    const { connection, applied } = connectionMock();
    await provider.connect(connection);
    await provider.refresh();
    expect(applied(0).map(e => e.entity.metadata.name)).toEqual([
      'alpha',
      'beta',
    ]);

    const brokenCommit = await repo.commit({
      'b/catalog-info.yaml': 'kind: ModelEndpoint\nmetadata: [unclosed\n',
      'c/catalog-info.yaml': `${modelEndpointYaml(
        'gamma',
      )}---\nkind: Nothing\n`,
    });
    await expect(provider.refresh()).resolves.toEqual({
      outcome: 'applied',
      commitSha: brokenCommit,
      entityCount: 3,
      skippedPaths: ['b/catalog-info.yaml', 'c/catalog-info.yaml'],
    });
    expect(applied(1).map(e => e.entity.metadata.name)).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        `Skipped file b/catalog-info.yaml in GitOps repository ${repo.bare} at commit ${brokenCommit}`,
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Skipped part of c/catalog-info.yaml in GitOps repository',
      ),
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'document 2: apiVersion: expected a non-empty string',
      ),
    );
  });

  it('a fresh provider skips a broken file without a last readable version', async () => {
    await repo.commit({
      'a/catalog-info.yaml': modelEndpointYaml('alpha'),
      'b/catalog-info.yaml': 'metadata: {name: "unterminated\n',
    });
    const provider = new GitopsRepositoryEntityProvider({
      repository: repo.bare,
      logger,
    });
    const { connection, applied } = connectionMock();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toMatchObject({
      entityCount: 1,
      skippedPaths: ['b/catalog-info.yaml'],
    });
    expect(applied(0).map(e => e.entity.metadata.name)).toEqual(['alpha']);
  });

  it('applies no entities once for an empty or missing repository, then waits quietly for the first commit', async () => {
    const missing = new GitopsRepositoryEntityProvider({
      repository: path.join(repo.root, 'does-not-exist.git'),
      logger,
    });
    const missingConnection = connectionMock();
    await missing.connect(missingConnection.connection);
    await expect(missing.refresh()).resolves.toEqual({ outcome: 'empty' });
    expect(missingConnection.applied(0)).toEqual([]);

    const provider = new GitopsRepositoryEntityProvider({
      repository: repo.bare,
      logger,
    });
    const { connection, applyMutation, applied } = connectionMock();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toEqual({ outcome: 'empty' });
    await expect(provider.refresh()).resolves.toEqual({
      outcome: 'unchanged',
    });
    expect(applyMutation).toHaveBeenCalledTimes(1);
    expect(applied(0)).toEqual([]);
    expect(logger.info).toHaveBeenCalledWith(
      `GitOps repository ${repo.bare} has no branch main yet; it provides no entities`,
    );
    expect(logger.warn).not.toHaveBeenCalled();

    await repo.commit({ 'x/catalog-info.yaml': modelEndpointYaml('first') });
    await expect(provider.refresh()).resolves.toMatchObject({
      outcome: 'applied',
      entityCount: 1,
    });
    expect(applied(1).map(e => e.entity.metadata.name)).toEqual(['first']);
  });

  it('reads a remote repository through a mirror in the cache folder, with credentials kept out of annotations', async () => {
    const firstCommit = await repo.commit({
      'x/catalog-info.yaml': modelEndpointYaml('remote-one'),
    });
    const cacheDir = path.join(repo.root, 'cache');
    const provider = new GitopsRepositoryEntityProvider({
      repository: `file://${repo.bare}`,
      logger,
      cacheDir,
    });
    const { connection, applyMutation, applied } = connectionMock();
    await provider.connect(connection);
    await expect(provider.refresh()).resolves.toMatchObject({
      outcome: 'applied',
      commitSha: firstCommit,
    });
    expect(applied(0)[0].entity.metadata.annotations).toMatchObject({
      'aiplatform.io/gitops-repository': `file://${repo.bare}`,
      'aiplatform.io/gitops-commit': firstCommit,
    });
    expect(await fs.readdir(cacheDir)).toEqual([
      expect.stringMatching(/^[0-9a-f]{16}\.git$/),
    ]);

    await expect(provider.refresh()).resolves.toMatchObject({
      outcome: 'unchanged',
    });
    const secondCommit = await repo.commit({
      'y/catalog-info.yaml': modelEndpointYaml('remote-two'),
    });
    await expect(provider.refresh()).resolves.toMatchObject({
      outcome: 'applied',
      commitSha: secondCommit,
      entityCount: 2,
    });
    expect(applyMutation).toHaveBeenCalledTimes(2);
  });

  it('fails without applying anything when the remote cannot be read', async () => {
    const provider = new GitopsRepositoryEntityProvider({
      repository: `file://${path.join(repo.root, 'nope.git')}`,
      logger,
      cacheDir: path.join(repo.root, 'cache'),
    });
    const { connection, applyMutation } = connectionMock();
    await provider.connect(connection);
    await expect(provider.refresh()).rejects.toThrow(/git ls-remote/);
    expect(applyMutation).not.toHaveBeenCalled();
  });

  describe('fromConfig', () => {
    const scheduler = mockServices.scheduler.mock();

    it('returns undefined without a repository', () => {
      expect(
        GitopsRepositoryEntityProvider.fromConfig(new ConfigReader({}), {
          logger,
          scheduler,
        }),
      ).toBeUndefined();
    });

    it('schedules the refresh with the configured frequency', async () => {
      const provider = GitopsRepositoryEntityProvider.fromConfig(
        new ConfigReader({
          aiPlatform: {
            gitops: {
              repository: repo.bare,
              catalogSync: { frequencySeconds: 5 },
            },
          },
        }),
        { logger, scheduler },
      );
      await provider!.connect(connectionMock().connection);
      expect(scheduler.scheduleTask).toHaveBeenCalledWith(
        expect.objectContaining({
          id: 'ai-platform-gitops-repository:refresh',
          frequency: { seconds: 5 },
        }),
      );
    });

    it('rejects a bad frequency and a commit URL template without {commit}', () => {
      expect(() =>
        GitopsRepositoryEntityProvider.fromConfig(
          new ConfigReader({
            aiPlatform: {
              gitops: {
                repository: repo.bare,
                catalogSync: { frequencySeconds: 0 },
              },
            },
          }),
          { logger, scheduler },
        ),
      ).toThrow(
        'aiPlatform.gitops.catalogSync.frequencySeconds: expected a positive number of seconds, got 0',
      );
      expect(() =>
        GitopsRepositoryEntityProvider.fromConfig(
          new ConfigReader({
            aiPlatform: {
              gitops: {
                repository: repo.bare,
                catalogSync: {
                  commitUrlTemplate: 'https://git.example.com/commit',
                },
              },
            },
          }),
          { logger, scheduler },
        ),
      ).toThrow(/commitUrlTemplate: expected a URL containing \{commit\}/);
    });
  });

  it('annotates when the file was added (the template run) and when it last changed', async () => {
    const llamaPath = 'team-ml/llama-8b/catalog-info.yaml';
    const commitAt = async (content: string, isoDate: string) => {
      await fs.mkdir(path.join(repo.work, 'team-ml/llama-8b'), {
        recursive: true,
      });
      await fs.writeFile(path.join(repo.work, llamaPath), content);
      git(repo.work, 'add', '--all');
      // The committer date is what the annotations carry.
      execFileSync('git', ['commit', '--quiet', '-m', 'change'], {
        cwd: repo.work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Test',
          GIT_AUTHOR_EMAIL: 'test@example.com',
          GIT_COMMITTER_NAME: 'Test',
          GIT_COMMITTER_EMAIL: 'test@example.com',
          GIT_COMMITTER_DATE: isoDate,
        },
      });
      git(repo.work, 'push', '--quiet', 'origin', 'main');
      return git(repo.work, 'rev-parse', 'HEAD');
    };
    await commitAt(modelEndpointYaml('llama-8b'), '2026-11-02T09:30:00+00:00');
    const secondCommit = await commitAt(
      modelEndpointYaml('llama-8b').replace('production', 'experimental'),
      '2026-11-16T17:05:00+00:00',
    );

    const provider = new GitopsRepositoryEntityProvider({
      repository: repo.bare,
      logger,
    });
    const { connection, applied } = connectionMock();
    await provider.connect(connection);
    await provider.refresh();

    expect(applied(0)[0].entity.metadata.annotations).toMatchObject({
      'aiplatform.io/gitops-commit': secondCommit,
      'aiplatform.io/gitops-commit-time': '2026-11-16T17:05:00.000Z',
      'aiplatform.io/gitops-created-time': '2026-11-02T09:30:00.000Z',
    });
  });
});
