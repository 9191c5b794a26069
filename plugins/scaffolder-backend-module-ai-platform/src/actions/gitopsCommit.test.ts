import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BareGitRepository, git } from '../__testUtils__/bareGitRepository';
import { createAiPlatformGitopsCommitAction } from './gitopsCommit';

jest.setTimeout(60_000);

const TARGET = 'clusters/gpu-eu-1/team-ml/llama-8b';

describe('ai-platform:gitops:commit', () => {
  const workspace = createMockDirectory();
  let repo: BareGitRepository;

  beforeEach(() => {
    repo = new BareGitRepository();
    workspace.clear();
  });

  afterEach(() => {
    repo.remove();
  });

  function createAction(gitops: Record<string, unknown> = {}) {
    return createAiPlatformGitopsCommitAction({
      config: new ConfigReader({
        aiPlatform: { gitops: { repository: repo.path, ...gitops } },
      }),
    });
  }

  function createContext(
    input: Record<string, unknown>,
    extra: { isDryRun?: boolean } = {},
  ) {
    const ctx = createMockActionContext({
      input: {
        sourcePath: 'manifests',
        targetPath: TARGET,
        commitMessage: 'Add llama-8b endpoint',
        ...input,
      },
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
    return Object.assign(ctx, extra);
  }

  function outputs(ctx: { output: unknown }): Record<string, unknown> {
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('makes the first commit in an empty bare repository', async () => {
    workspace.setContent({
      'manifests/deployment.yaml': 'kind: Deployment\n',
      'manifests/monitoring/servicemonitor.yaml': 'kind: ServiceMonitor\n',
    });
    const ctx = createContext({});

    await createAction().handler(ctx as any);

    expect(repo.commitCount()).toBe(1);
    expect(repo.listFiles()).toEqual([
      `${TARGET}/deployment.yaml`,
      `${TARGET}/monitoring/servicemonitor.yaml`,
    ]);
    expect(repo.readFile(`${TARGET}/deployment.yaml`)).toBe('kind: Deployment');
    expect(git(['log', '-1', '--format=%an <%ae>|%s', 'main'], repo.path)).toBe(
      'AI Platform <ai-platform@backstage.local>|Add llama-8b endpoint',
    );
    expect(outputs(ctx)).toEqual({
      commitId: repo.head(),
      repository: repo.path,
      branch: 'main',
      files: [
        `${TARGET}/deployment.yaml`,
        `${TARGET}/monitoring/servicemonitor.yaml`,
      ],
      changedFiles: [
        `${TARGET}/deployment.yaml`,
        `${TARGET}/monitoring/servicemonitor.yaml`,
      ],
      created: true,
      approvalRequired: false,
    });
  });

  it('makes no second commit when the files are unchanged', async () => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const first = createContext({});
    await createAction().handler(first as any);
    const firstCommit = repo.head();

    const second = createContext({});
    await createAction().handler(second as any);

    expect(repo.commitCount()).toBe(1);
    expect(outputs(second)).toMatchObject({
      commitId: firstCommit,
      created: false,
      changedFiles: [],
      files: [`${TARGET}/deployment.yaml`],
    });
  });

  it('replaces targetPath contents in a new commit and leaves other folders alone', async () => {
    repo.commitFromOutside(
      {
        'README.md': 'platform gitops\n',
        'clusters/gpu-eu-1/team-ml/other-model/deployment.yaml': 'other\n',
        [`${TARGET}/deployment.yaml`]: 'old\n',
        [`${TARGET}/obsolete.yaml`]: 'obsolete\n',
      },
      'seed',
    );
    const seedCommit = repo.head();
    workspace.setContent({
      'manifests/deployment.yaml': 'kind: Deployment\nreplicas: 2\n',
      'manifests/service.yaml': 'kind: Service\n',
    });
    const ctx = createContext({ commitMessage: 'Scale llama-8b' });

    await createAction().handler(ctx as any);

    expect(repo.commitCount()).toBe(2);
    expect(git(['rev-parse', 'main~1'], repo.path)).toBe(seedCommit);
    expect(repo.listFiles()).toEqual([
      'README.md',
      `${TARGET}/deployment.yaml`,
      `${TARGET}/service.yaml`,
      'clusters/gpu-eu-1/team-ml/other-model/deployment.yaml',
    ]);
    expect(repo.readFile('README.md')).toBe('platform gitops');
    expect(outputs(ctx)).toMatchObject({
      commitId: repo.head(),
      created: true,
      changedFiles: [
        `${TARGET}/deployment.yaml`,
        `${TARGET}/obsolete.yaml`,
        `${TARGET}/service.yaml`,
      ],
    });
  });

  it('remove: deletes targetPath in one commit without reading sourcePath, leaves other folders alone, and makes no commit once it is gone', async () => {
    repo.commitFromOutside(
      {
        [`${TARGET}/deployment.yaml`]: 'kind: Deployment\n',
        [`${TARGET}/gateway/litellm-model.yaml`]: 'model_list: []\n',
        'clusters/gpu-eu-1/team-ml/other/deployment.yaml': 'kind: Deployment\n',
      },
      'Two endpoints',
    );
    const removeInput = {
      sourcePath: 'not-rendered',
      remove: true,
      commitMessage: 'Decommission llama-8b',
    };

    const ctx = createContext(removeInput);
    await createAction().handler(ctx as any);

    expect(repo.commitCount()).toBe(2);
    expect(repo.listFiles()).toEqual([
      'clusters/gpu-eu-1/team-ml/other/deployment.yaml',
    ]);
    expect(outputs(ctx)).toMatchObject({
      created: true,
      files: [],
      changedFiles: [
        `${TARGET}/deployment.yaml`,
        `${TARGET}/gateway/litellm-model.yaml`,
      ],
    });

    const again = createContext(removeInput);
    await createAction().handler(again as any);
    expect(repo.commitCount()).toBe(2);
    expect(outputs(again)).toMatchObject({ created: false, changedFiles: [] });
  });

  it('reports the would-be changes in a dry run without committing', async () => {
    repo.commitFromOutside({ [`${TARGET}/deployment.yaml`]: 'old\n' }, 'seed');
    const seedCommit = repo.head();
    workspace.setContent({
      'manifests/deployment.yaml': 'old\n',
      'manifests/service.yaml': 'kind: Service\n',
    });
    const ctx = createContext({}, { isDryRun: true });

    await createAction().handler(ctx as any);

    expect(repo.commitCount()).toBe(1);
    expect(repo.head()).toBe(seedCommit);
    expect(outputs(ctx)).toEqual({
      commitId: seedCommit,
      repository: repo.path,
      branch: 'main',
      files: [`${TARGET}/deployment.yaml`, `${TARGET}/service.yaml`],
      changedFiles: [`${TARGET}/service.yaml`],
      created: false,
      approvalRequired: false,
    });
  });

  it('does not create a missing local repository in a dry run, but does on a real run', async () => {
    const missing = path.join(repo.rootDir, 'new', 'gitops.git');
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });

    const dryCtx = createContext({ repository: missing }, { isDryRun: true });
    await createAction().handler(dryCtx as any);
    expect(outputs(dryCtx)).toMatchObject({
      commitId: '',
      created: false,
      changedFiles: [`${TARGET}/deployment.yaml`],
    });
    expect(() => git(['rev-parse', '--git-dir'], missing)).toThrow();

    const ctx = createContext({ repository: missing });
    await createAction().handler(ctx as any);
    expect(git(['rev-list', '--count', 'main'], missing)).toBe('1');
    expect(git(['rev-parse', '--is-bare-repository'], missing)).toBe('true');
  });

  it('creates a missing branch from the default branch', async () => {
    repo.commitFromOutside({ 'README.md': 'platform gitops\n' }, 'seed');
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const ctx = createContext({ branch: 'staging' });

    await createAction().handler(ctx as any);

    expect(repo.commitCount('main')).toBe(1);
    expect(repo.commitCount('staging')).toBe(2);
    expect(repo.listFiles('staging')).toEqual([
      'README.md',
      `${TARGET}/deployment.yaml`,
    ]);
    expect(outputs(ctx)).toMatchObject({ branch: 'staging', created: true });
  });

  it('uses the configured branch and author', async () => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const action = createAction({
      branch: 'production',
      authorName: 'Platform Bot',
      authorEmail: 'bot@example.com',
    });

    await action.handler(createContext({}) as any);

    expect(repo.commitCount('main')).toBe(0);
    expect(
      git(['log', '-1', '--format=%an <%ae>', 'production'], repo.path),
    ).toBe('Platform Bot <bot@example.com>');
  });

  /**
   * Makes the first push to the bare repository trigger a concurrent commit of
   * `filePath` from inside the pre-receive hook, so that push is rejected
   * because the branch moved underneath it.
   */
  function installConcurrentCommitHook(filePath: string) {
    const hookPath = path.join(repo.path, 'hooks', 'pre-receive');
    writeFileSync(
      hookPath,
      [
        '#!/bin/sh',
        'MARK="$(pwd)/race-marker"',
        '[ -e "$MARK" ] && exit 0',
        'touch "$MARK"',
        'REPO="$(pwd)"',
        'unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES',
        'TMP=$(mktemp -d)',
        `git clone -q "$REPO" "$TMP/c" && cd "$TMP/c" && mkdir -p "$(dirname '${filePath}')" && echo concurrent > '${filePath}' && git add --all &&`,
        '  git -c user.name=other -c user.email=other@example.com -c commit.gpgsign=false commit -qm concurrent && git push -q origin HEAD:main',
        'rc=$?',
        'rm -rf "$TMP"',
        'exit $rc',
        '',
      ].join('\n'),
    );
    chmodSync(hookPath, 0o755);
  }

  it('rebases and retries when the branch moved before the push', async () => {
    repo.commitFromOutside({ 'README.md': 'platform gitops\n' }, 'seed');
    installConcurrentCommitHook('concurrent.txt');
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const ctx = createContext({});

    await createAction().handler(ctx as any);

    expect(repo.commitCount()).toBe(3);
    expect(git(['log', '--format=%s', 'main'], repo.path).split('\n')).toEqual([
      'Add llama-8b endpoint',
      'concurrent',
      'seed',
    ]);
    expect(repo.listFiles()).toEqual([
      'README.md',
      `${TARGET}/deployment.yaml`,
      'concurrent.txt',
    ]);
    expect(outputs(ctx)).toMatchObject({
      commitId: repo.head(),
      created: true,
    });
  });

  it('fails with a ConflictError when a concurrent commit changed the same files', async () => {
    repo.commitFromOutside({ 'README.md': 'platform gitops\n' }, 'seed');
    installConcurrentCommitHook(`${TARGET}/deployment.yaml`);
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });

    await expect(
      createAction().handler(createContext({}) as any),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`Someone else changed ${TARGET}`),
    });
    expect(git(['log', '--format=%s', 'main'], repo.path).split('\n')).toEqual([
      'concurrent',
      'seed',
    ]);
  });

  it('runs the push inside a checkpoint keyed by the content', async () => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const keys: string[] = [];
    const recordingContext = () => {
      const ctx = createContext({});
      ctx.checkpoint = async ({ key, fn }: any) => {
        keys.push(key);
        return fn();
      };
      return ctx;
    };
    await createAction().handler(recordingContext() as any);
    await createAction().handler(recordingContext() as any);
    workspace.setContent({
      'manifests/deployment.yaml': 'kind: Deployment\nreplicas: 3\n',
    });
    await createAction().handler(recordingContext() as any);

    expect(keys[0]).toMatch(/^ai-platform\.gitops\.commit\.[0-9a-f]{64}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);

    // A retried task gets the stored result back and does not touch the repository.
    const commitsBefore = repo.commitCount();
    const replay = createContext({});
    replay.checkpoint = async () =>
      ({
        commitId: 'stored-commit',
        created: true,
        changedFiles: ['x'],
      } as any);
    await createAction().handler(replay as any);
    expect(repo.commitCount()).toBe(commitsBefore);
    expect(outputs(replay)).toMatchObject({
      commitId: 'stored-commit',
      created: true,
    });
  });

  it.each([
    ['../escape', "must not contain '..' segments"],
    ['clusters/../../escape', "must not contain '..' segments"],
    ['/etc/gitops', 'must be relative'],
    ['.', 'not its root'],
    ['.git/hooks', '.git folder'],
  ])('rejects targetPath %s', async (targetPath, message) => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const promise = createAction().handler(
      createContext({ targetPath }) as any,
    );
    await expect(promise).rejects.toThrow(/targetPath/);
    await expect(promise).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
    expect(repo.commitCount()).toBe(0);
  });

  it('rejects a missing repository configuration', async () => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const action = createAiPlatformGitopsCommitAction({
      config: new ConfigReader({}),
    });
    await expect(
      action.handler(createContext({}) as any),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('set aiPlatform.gitops.repository'),
    });
  });

  it('rejects a missing or empty sourcePath', async () => {
    workspace.setContent({
      'manifests/deployment.yaml': 'kind: Deployment\n',
      empty: {},
    });
    await expect(
      createAction().handler(createContext({ sourcePath: 'rendered' }) as any),
    ).rejects.toThrow(/sourcePath '.*rendered' does not exist/);
    await expect(
      createAction().handler(createContext({ sourcePath: 'empty' }) as any),
    ).rejects.toThrow(/sourcePath '.*empty' contains no files/);
    await expect(
      createAction().handler(
        createContext({ sourcePath: '../outside' }) as any,
      ),
    ).rejects.toThrow(
      /sourcePath '..\/outside' must be a folder inside the task workspace/,
    );
  });

  it('rejects an invalid branch name', async () => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    await expect(
      createAction().handler(
        createContext({ branch: '--upload-pack=evil' }) as any,
      ),
    ).rejects.toThrow(
      "branch '--upload-pack=evil' is not a valid git branch name",
    );
  });

  it('reports git failures with stderr', async () => {
    workspace.setContent({ 'manifests/deployment.yaml': 'kind: Deployment\n' });
    const notARepo = path.join(repo.rootDir, 'plain-folder');
    mkdirSync(notARepo);
    await expect(
      createAction().handler(createContext({ repository: notARepo }) as any),
    ).rejects.toThrow(
      /git ls-remote .* failed: .*does not appear to be a git repository/s,
    );
  });

  describe('remotes with a token', () => {
    const certDir = createMockDirectory();
    let server: http.Server | undefined;
    let authorizationHeaders: string[];

    // Answers the first request with a Basic challenge, records the credentials
    // git sends back, then refuses access so the action fails.
    const handleRequest: http.RequestListener = (req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="gitops"' });
        res.end();
        return;
      }
      authorizationHeaders.push(req.headers.authorization);
      res.writeHead(403);
      res.end('forbidden');
    };

    async function listen(s: http.Server, scheme: string): Promise<string> {
      server = s;
      await new Promise<void>(resolve => s.listen(0, '127.0.0.1', resolve));
      return `${scheme}://127.0.0.1:${(s.address() as AddressInfo).port}`;
    }

    beforeEach(() => {
      authorizationHeaders = [];
    });

    afterEach(async () => {
      delete process.env.GIT_SSL_NO_VERIFY;
      if (server) {
        await new Promise(resolve => server!.close(resolve));
        server = undefined;
      }
    });

    it('sends the token to an HTTPS remote through GIT_ASKPASS and keeps it out of errors and logs', async () => {
      certDir.clear();
      const keyPath = certDir.resolve('key.pem');
      const certPath = certDir.resolve('cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          keyPath,
          '-out',
          certPath,
        ],
        { stdio: 'ignore' },
      );
      const baseUrl = await listen(
        https.createServer(
          { key: readFileSync(keyPath), cert: readFileSync(certPath) },
          handleRequest,
        ),
        'https',
      );
      process.env.GIT_SSL_NO_VERIFY = '1'; // self-signed test certificate
      workspace.setContent({
        'manifests/deployment.yaml': 'kind: Deployment\n',
      });
      const ctx = createContext({
        repository: `${baseUrl}/platform/gitops.git`,
      });

      const error: Error = await createAction({ token: 'tok-super-secret' })
        .handler(ctx as any)
        .then(
          () => {
            throw new Error('expected the action to fail');
          },
          e => e,
        );

      expect(authorizationHeaders).toContain(
        `Basic ${Buffer.from('x-access-token:tok-super-secret').toString(
          'base64',
        )}`,
      );
      expect(error.message).toMatch(/git ls-remote .* failed/);
      expect(error.message).not.toContain('tok-super-secret');
      const logger = ctx.logger as jest.Mocked<typeof ctx.logger>;
      const logged = JSON.stringify([
        logger.info.mock.calls,
        logger.warn.mock.calls,
        logger.error.mock.calls,
        logger.debug.mock.calls,
      ]);
      expect(logged).not.toContain('tok-super-secret');
    });

    it('redacts credentials embedded in the repository URL', async () => {
      workspace.setContent({
        'manifests/deployment.yaml': 'kind: Deployment\n',
      });
      const ctx = createContext({
        repository: 'https://bot:url-secret@127.0.0.1:1/platform/gitops.git',
      });
      const promise = createAction({ token: 'tok-super-secret' }).handler(
        ctx as any,
      );
      await expect(promise).rejects.toThrow(/https:\/\/\*\*\*@127\.0\.0\.1:1/);
      await expect(promise).rejects.not.toThrow(/url-secret|tok-super-secret/);
    });

    it('does not send the token to a plain-http remote', async () => {
      const baseUrl = await listen(http.createServer(handleRequest), 'http');
      workspace.setContent({
        'manifests/deployment.yaml': 'kind: Deployment\n',
      });
      await expect(
        createAction({ token: 'tok-super-secret' }).handler(
          createContext({ repository: `${baseUrl}/gitops.git` }) as any,
        ),
      ).rejects.toThrow(/git ls-remote/);
      expect(authorizationHeaders).toEqual([]);
    });
  });
});
