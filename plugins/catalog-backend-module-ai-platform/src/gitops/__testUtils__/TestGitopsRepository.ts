import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A ModelEndpoint catalog-info.yaml; its bogus location annotation must be overridden. */
export const modelEndpointYaml = (
  name: string,
) => `apiVersion: aiplatform.io/v1alpha1
kind: ModelEndpoint
metadata:
  name: ${name}
  annotations:
    backstage.io/managed-by-location: url:https://evil.example.com/fake.yaml
spec:
  type: chat
  lifecycle: production
  owner: ml-platform
  model:
    name: meta-llama/Llama-3.1-8B-Instruct
  serving:
    mode: self-hosted
    runtime: vllm
    cluster: gpu-eu-west-1
`;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_TERMINAL_PROMPT: '0',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: gitEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A bare repository plus a working clone that commits and pushes to it. */
export class TestGitopsRepository {
  private constructor(
    readonly root: string,
    readonly bare: string,
    readonly work: string,
  ) {}

  static async create(): Promise<TestGitopsRepository> {
    const root = await fs.mkdtemp(
      path.join(os.tmpdir(), 'gitops-provider-test-'),
    );
    const bare = path.join(root, 'gitops.git');
    const work = path.join(root, 'work');
    git(root, 'init', '--bare', '--quiet', '--initial-branch=main', bare);
    git(root, 'clone', '--quiet', bare, work);
    git(work, 'checkout', '--quiet', '-B', 'main');
    return new TestGitopsRepository(root, bare, work);
  }

  /** Writes (string) or deletes (null) files, commits and pushes; returns the commit id. */
  async commit(files: Record<string, string | null>): Promise<string> {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(this.work, file);
      if (content === null) {
        await fs.rm(target);
      } else {
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, content);
      }
    }
    git(this.work, 'add', '--all');
    git(this.work, 'commit', '--quiet', '-m', 'change');
    git(this.work, 'push', '--quiet', 'origin', 'main');
    return git(this.work, 'rev-parse', 'HEAD');
  }

  async remove(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true });
  }
}
