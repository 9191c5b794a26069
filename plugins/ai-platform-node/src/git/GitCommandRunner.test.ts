import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GitCommandError,
  GitCommandRunner,
  createScratchDir,
  redactUrlCredentials,
} from './GitCommandRunner';

describe('GitCommandRunner (the real git CLI)', () => {
  let scratchDir: string;

  beforeEach(async () => {
    scratchDir = await createScratchDir('ai-platform-node-test');
  });

  afterEach(async () => {
    await fs.rm(scratchDir, { recursive: true, force: true });
  });

  it('creates scratch folders under the OS temp dir with the given prefix', async () => {
    expect(path.dirname(scratchDir)).toBe(os.tmpdir());
    expect(path.basename(scratchDir)).toMatch(/^ai-platform-node-test-/);
    const defaultDir = await createScratchDir();
    try {
      expect(path.basename(defaultDir)).toMatch(/^ai-platform-gitops-/);
    } finally {
      await fs.rm(defaultDir, { recursive: true, force: true });
    }
  });

  it('commits with the configured identity into a bare repository', async () => {
    const git = await GitCommandRunner.create({
      scratchDir,
      authorName: 'AI Platform',
      authorEmail: 'ai-platform@example.com',
    });
    const bare = path.join(scratchDir, 'gitops.git');
    const work = path.join(scratchDir, 'work');
    await git.run(
      ['init', '--quiet', '--bare', '--initial-branch=main', bare],
      scratchDir,
    );
    await git.run(['clone', '--quiet', bare, work], scratchDir);
    await fs.writeFile(
      path.join(work, 'catalog-info.yaml'),
      'kind: ModelEndpoint\n',
    );
    await git.run(['add', '.'], work);
    await git.run(['commit', '--quiet', '-m', 'Add endpoint'], work);
    await git.run(['push', '--quiet', 'origin', 'HEAD:main'], work);

    const log = await git.run(
      ['log', '-1', '--format=%an <%ae> %cn|%s', 'main'],
      bare,
    );
    expect(log.trim()).toBe(
      'AI Platform <ai-platform@example.com> AI Platform|Add endpoint',
    );
    expect(
      await git.tryRun(['rev-parse', '--verify', 'refs/heads/nope'], bare),
    ).toBeUndefined();
  });

  it('rejects with a GitCommandError whose message and stderr carry no token or URL credentials', async () => {
    const token = 's3cr3t-token-value';
    const git = await GitCommandRunner.create({
      scratchDir,
      token,
      authorName: 'AI Platform',
      authorEmail: 'ai-platform@example.com',
    });
    const askpass = await fs.readFile(
      path.join(scratchDir, 'askpass.sh'),
      'utf8',
    );
    expect(askpass).not.toContain(token);

    const error = await git
      .run(
        [
          'clone',
          `https://user:${token}@127.0.0.1:9/nothing-${token}.git`,
          'x',
        ],
        scratchDir,
      )
      .then(
        () => undefined,
        e => e,
      );
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.message).toMatch(
      /^git clone https:\/\/\*\*\*@127\.0\.0\.1:9\//,
    );
    expect(error.message).not.toContain(token);
    expect(error.stderr).not.toContain(token);
    expect(error.exitCode).toBe(128);
  });

  it('redacts user info from URLs in any text', () => {
    expect(
      redactUrlCredentials(
        'fatal: could not read from https://bot:ghp_abc@github.com/org/repo.git and ssh://git@host/x',
      ),
    ).toBe(
      'fatal: could not read from https://***@github.com/org/repo.git and ssh://***@host/x',
    );
  });
});
