import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Output of git beyond this size is a bug in our usage, not a real listing. */
const GIT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Environment variable the askpass script reads the HTTPS token from. */
const TOKEN_ENV_VAR = 'AI_PLATFORM_GITOPS_TOKEN';

/** Only files with exactly this name are read from the repository. */
const CATALOG_FILE_NAME = 'catalog-info.yaml';

/** How many `git log` processes run at once when resolving the commit of each file. */
const LAST_COMMIT_LOOKUP_CONCURRENCY = 8;

/**
 * One `catalog-info.yaml` read from the repository at a commit.
 *
 * @internal
 */
export type GitopsCatalogFile = {
  /** POSIX path inside the repository, e.g. `clusters/gpu-eu-west-1/team-ml/llama-8b/catalog-info.yaml`. */
  path: string;
  /** The blob id of the file's content. */
  blobSha: string;
  /** The newest commit (reachable from the head) that changed this file. */
  commitSha: string;
  /** Committer time of `commitSha`, ISO 8601 in UTC. */
  commitTime: string;
  /** Committer time of the oldest commit that changed this file (the one that added it). */
  firstCommitTime: string;
  content: string;
};

/** The newest commit that changed a file, its time, and the time of the commit that added it. */
type FileCommitHistory = {
  commitSha: string;
  commitTime: string;
  firstCommitTime: string;
};

/**
 * A failed git invocation; the message carries git's stderr with credentials removed.
 *
 * @internal
 */
export class GitopsGitCommandError extends Error {
  readonly exitCode: number | string | undefined;

  constructor(message: string, exitCode: number | string | undefined) {
    super(message);
    this.name = 'GitopsGitCommandError';
    this.exitCode = exitCode;
  }
}

/**
 * True for a repository given as a URL (`https://…`, `ssh://…`, `file://…`) or in scp form (`git@host:path`).
 *
 * @internal
 */
export function isRemoteGitopsRepository(repository: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(repository) ||
    /^[^/\s]+@[^/\s]+:/.test(repository)
  );
}

/**
 * The repository as it may be shown and stored: URL user info (`user:token@`) removed,
 * local paths made absolute.
 *
 * @internal
 */
export function displayGitopsRepository(repository: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repository)) {
    return repository.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
  }
  if (isRemoteGitopsRepository(repository)) {
    return repository;
  }
  return path.resolve(repository);
}

/**
 * Options for {@link GitopsRepositoryReader}.
 *
 * @internal
 */
export type GitopsRepositoryReaderOptions = {
  /** Local path of a (bare) repository, or a remote URL. */
  repository: string;
  branch: string;
  /** Token for an HTTPS remote; handed to git through `GIT_ASKPASS` only. */
  token?: string;
  /** Where remote repositories are mirrored; defaults to a folder under the OS temp dir. */
  cacheDir?: string;
};

/**
 * Reads the branch head and every `catalog-info.yaml` of a GitOps repository with the real
 * `git` CLI. A local repository is read in place; a remote one is fetched into a bare mirror
 * under the cache folder, only when its branch head moved.
 *
 * @internal
 */
export class GitopsRepositoryReader {
  readonly #repository: string;
  readonly #branch: string;
  readonly #token?: string;
  readonly #cacheDir: string;
  readonly #isRemote: boolean;
  /** Newest commit that changed a file, with times, keyed by path and blob id. */
  readonly #lastCommitByBlob = new Map<string, FileCommitHistory>();
  #env?: NodeJS.ProcessEnv;

  constructor(options: GitopsRepositoryReaderOptions) {
    this.#isRemote = isRemoteGitopsRepository(options.repository);
    this.#repository = this.#isRemote
      ? options.repository
      : path.resolve(options.repository);
    this.#branch = options.branch;
    this.#token = options.token;
    this.#cacheDir =
      options.cacheDir ??
      path.join(os.tmpdir(), 'ai-platform-gitops-catalog-sync');
  }

  /**
   * The commit at the head of the branch, or `undefined` when the repository does not
   * exist yet, is empty or has no such branch.
   */
  async readHeadCommit(): Promise<string | undefined> {
    if (this.#isRemote) {
      const remoteHead = await this.#readRemoteHead();
      if (remoteHead) {
        await this.#fetchIntoMirror(remoteHead);
      }
      return remoteHead;
    }
    const exists = await fs
      .access(this.#repository)
      .then(() => true)
      .catch(() => false);
    if (!exists) {
      return undefined;
    }
    return this.#resolveBranch(this.#repository);
  }

  /** Every `catalog-info.yaml` in the tree of `commitSha`, in path order. */
  async readCatalogFiles(commitSha: string): Promise<GitopsCatalogFile[]> {
    const gitDir = await this.#gitDir();
    const listing = await this.#run(
      ['--git-dir', gitDir, 'ls-tree', '-r', '-z', '--full-tree', commitSha],
      gitDir,
    );
    const entries = listing
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const tab = line.indexOf('\t');
        const [, type, blobSha] = line.slice(0, tab).split(' ');
        return { type, blobSha, path: line.slice(tab + 1) };
      })
      .filter(
        e =>
          e.type === 'blob' &&
          path.posix.basename(e.path) === CATALOG_FILE_NAME,
      )
      .sort((a, b) => a.path.localeCompare(b.path));
    if (entries.length === 0) {
      return [];
    }

    const contents = await this.#readBlobs(
      gitDir,
      entries.map(e => e.blobSha),
    );
    const commits = await this.#lastCommits(gitDir, commitSha, entries);
    return entries.map((e, i) => ({
      path: e.path,
      blobSha: e.blobSha,
      commitSha: commits[i].commitSha,
      commitTime: commits[i].commitTime,
      firstCommitTime: commits[i].firstCommitTime,
      content: contents.get(e.blobSha) ?? '',
    }));
  }

  async #gitDir(): Promise<string> {
    return this.#isRemote ? this.#mirrorDir() : this.#repository;
  }

  #mirrorDir(): string {
    const key = createHash('sha256')
      .update(`${displayGitopsRepository(this.#repository)}\n${this.#branch}`)
      .digest('hex')
      .slice(0, 16);
    return path.join(this.#cacheDir, `${key}.git`);
  }

  async #resolveBranch(gitDir: string): Promise<string | undefined> {
    try {
      const out = await this.#run(
        [
          '--git-dir',
          gitDir,
          'rev-parse',
          '--verify',
          '--quiet',
          `refs/heads/${this.#branch}^{commit}`,
        ],
        gitDir,
      );
      return out.trim() || undefined;
    } catch (error) {
      // `--verify --quiet` exits 1 without output when the ref does not exist (also in an empty repository).
      if (error instanceof GitopsGitCommandError && error.exitCode === 1) {
        return undefined;
      }
      throw error;
    }
  }

  async #readRemoteHead(): Promise<string | undefined> {
    const out = await this.#run(
      ['ls-remote', '--heads', this.#repository, `refs/heads/${this.#branch}`],
      os.tmpdir(),
    );
    const line = out
      .split('\n')
      .find(l => l.endsWith(`\trefs/heads/${this.#branch}`));
    return line ? line.split('\t')[0] : undefined;
  }

  async #fetchIntoMirror(headSha: string): Promise<void> {
    const mirror = this.#mirrorDir();
    const exists = await fs
      .access(path.join(mirror, 'HEAD'))
      .then(() => true)
      .catch(() => false);
    if (!exists) {
      await fs.mkdir(mirror, { recursive: true });
      await this.#run(['init', '--bare', '--quiet', mirror], mirror);
    }
    if ((await this.#resolveBranch(mirror)) === headSha) {
      return;
    }
    await this.#run(
      [
        '--git-dir',
        mirror,
        'fetch',
        '--quiet',
        '--no-tags',
        '--force',
        this.#repository,
        `+refs/heads/${this.#branch}:refs/heads/${this.#branch}`,
      ],
      mirror,
    );
  }

  async #lastCommits(
    gitDir: string,
    headSha: string,
    entries: Array<{ path: string; blobSha: string }>,
  ): Promise<FileCommitHistory[]> {
    const result = new Array<FileCommitHistory>(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const index = next++;
        const { path: filePath, blobSha } = entries[index];
        const key = `${filePath}\0${blobSha}`;
        let commit = this.#lastCommitByBlob.get(key);
        if (!commit) {
          // Newest first: the first line is the last change, the last line the commit that added the file.
          const lines = (
            await this.#run(
              [
                '--git-dir',
                gitDir,
                'log',
                '--format=%H %cI',
                headSha,
                '--',
                filePath,
              ],
              gitDir,
            )
          )
            .trim()
            .split('\n');
          const [commitSha, commitTime] = lines[0].split(' ');
          commit = {
            commitSha,
            commitTime: new Date(commitTime).toISOString(),
            firstCommitTime: new Date(
              lines[lines.length - 1].split(' ')[1],
            ).toISOString(),
          };
          this.#lastCommitByBlob.set(key, commit);
        }
        result[index] = commit;
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(LAST_COMMIT_LOOKUP_CONCURRENCY, entries.length) },
        worker,
      ),
    );
    return result;
  }

  /** Reads blobs with one `git cat-file --batch` process. */
  async #readBlobs(
    gitDir: string,
    blobShas: string[],
  ): Promise<Map<string, string>> {
    const unique = [...new Set(blobShas)];
    const output = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
        cwd: gitDir,
        env: this.#gitEnv(),
      });
      const chunks: Buffer[] = [];
      const errChunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => errChunks.push(c));
      child.on('error', reject);
      child.on('close', code => {
        if (code === 0) {
          resolve(Buffer.concat(chunks));
        } else {
          reject(
            new GitopsGitCommandError(
              `git cat-file --batch failed: ${this.#redact(
                Buffer.concat(errChunks).toString('utf8').trim(),
              )}`,
              code ?? undefined,
            ),
          );
        }
      });
      child.stdin.end(`${unique.join('\n')}\n`);
    });

    const contents = new Map<string, string>();
    let offset = 0;
    while (offset < output.length) {
      const headerEnd = output.indexOf(0x0a, offset);
      const header = output.subarray(offset, headerEnd).toString('utf8');
      const [sha, type, size] = header.split(' ');
      offset = headerEnd + 1;
      if (type === 'missing' || size === undefined) {
        continue;
      }
      const length = Number(size);
      contents.set(
        sha,
        output.subarray(offset, offset + length).toString('utf8'),
      );
      offset += length + 1;
    }
    return contents;
  }

  #gitEnv(): NodeJS.ProcessEnv {
    if (!this.#env) {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        LC_ALL: 'C',
      };
      delete env[TOKEN_ENV_VAR];
      delete env.GIT_ASKPASS;
      this.#env = env;
    }
    return this.#env;
  }

  /** The environment for commands that talk to the remote: with `GIT_ASKPASS` for an HTTPS token. */
  async #remoteEnv(): Promise<NodeJS.ProcessEnv> {
    const env = this.#gitEnv();
    if (!this.#token || !/^https:\/\//i.test(this.#repository)) {
      return env;
    }
    // The script only prints an environment variable, so the token never
    // touches the disk, the command line or the remote URL.
    await fs.mkdir(this.#cacheDir, { recursive: true, mode: 0o700 });
    const askPassPath = path.join(this.#cacheDir, 'askpass.sh');
    await fs.writeFile(
      askPassPath,
      [
        '#!/bin/sh',
        'case "$1" in',
        '  Username*) echo "x-access-token" ;;',
        `  *) echo "$${TOKEN_ENV_VAR}" ;;`,
        'esac',
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    return { ...env, GIT_ASKPASS: askPassPath, [TOKEN_ENV_VAR]: this.#token };
  }

  #redact(text: string): string {
    let redacted = text.replace(
      /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi,
      '$1***@',
    );
    if (this.#token) {
      redacted = redacted.split(this.#token).join('***');
    }
    return redacted;
  }

  async #run(args: string[], cwd: string): Promise<string> {
    const talksToRemote = args[0] === 'ls-remote' || args.includes('fetch');
    const env = talksToRemote ? await this.#remoteEnv() : this.#gitEnv();
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        { cwd, env, maxBuffer: GIT_MAX_OUTPUT_BYTES, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (!error) {
            resolve(stdout);
            return;
          }
          const detail =
            this.#redact(String(stderr ?? '').trim()) ||
            this.#redact(error.message);
          reject(
            new GitopsGitCommandError(
              `git ${this.#redact(args.join(' '))} failed: ${detail}`,
              typeof error.code === 'number' || typeof error.code === 'string'
                ? error.code
                : undefined,
            ),
          );
        },
      );
    });
  }
}
