import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const gitEnv = {
  ...process.env,
  LC_ALL: 'C',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** Runs git synchronously for test setup and assertions. */
export function git(args: string[], cwd: string): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd,
    env: gitEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A bare repository in a fresh temp dir, with read helpers for assertions. */
export class BareGitRepository {
  readonly rootDir: string;
  readonly path: string;

  constructor(options: { initialBranch?: string } = {}) {
    this.rootDir = mkdtempSync(path.join(os.tmpdir(), 'ai-platform-test-'));
    this.path = path.join(this.rootDir, 'gitops.git');
    git(
      [
        'init',
        '--quiet',
        '--bare',
        '-b',
        options.initialBranch ?? 'main',
        this.path,
      ],
      this.rootDir,
    );
  }

  /** Number of commits on `branch`, 0 when it does not exist. */
  commitCount(branch = 'main'): number {
    try {
      return Number(
        git(['rev-list', '--count', `refs/heads/${branch}`], this.path),
      );
    } catch {
      return 0;
    }
  }

  head(branch = 'main'): string {
    return git(['rev-parse', `refs/heads/${branch}`], this.path);
  }

  /** Sorted paths of every file at the tip of `branch`. */
  listFiles(branch = 'main'): string[] {
    return git(
      ['ls-tree', '-r', '--name-only', `refs/heads/${branch}`],
      this.path,
    )
      .split('\n')
      .filter(Boolean)
      .sort();
  }

  readFile(filePath: string, branch = 'main'): string {
    return git(['show', `refs/heads/${branch}:${filePath}`], this.path);
  }

  /** Commits `files` directly to `branch` through a scratch clone, as another writer would. */
  commitFromOutside(
    files: Record<string, string>,
    message: string,
    branch = 'main',
  ) {
    const cloneDir = mkdtempSync(
      path.join(os.tmpdir(), 'ai-platform-test-clone-'),
    );
    try {
      git(['clone', '--quiet', this.path, cloneDir], this.rootDir);
      const hasBranch = this.commitCount(branch) > 0;
      if (hasBranch) {
        git(['checkout', '--quiet', branch], cloneDir);
      } else {
        git(['checkout', '--quiet', '--orphan', branch], cloneDir);
      }
      for (const [filePath, content] of Object.entries(files)) {
        const abs = path.join(cloneDir, filePath);
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
      git(['add', '--all'], cloneDir);
      git(['commit', '--quiet', '-m', message], cloneDir);
      git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], cloneDir);
    } finally {
      rmSync(cloneDir, { recursive: true, force: true });
    }
  }

  /**
   * Makes the next push to the repository first commit `filePath` to `branch` from another
   * clone, inside the pre-receive hook, so that push is rejected because the branch moved
   * between the pusher's clone and its push (once; later pushes pass).
   */
  installConcurrentCommitHook(filePath: string, branch = 'main') {
    const hookPath = path.join(this.path, 'hooks', 'pre-receive');
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
        `git clone -q -b '${branch}' "$REPO" "$TMP/c" && cd "$TMP/c" && mkdir -p "$(dirname '${filePath}')" && echo concurrent > '${filePath}' && git add --all &&`,
        `  git -c user.name=other -c user.email=other@example.com -c commit.gpgsign=false commit -qm concurrent && git push -q origin 'HEAD:${branch}'`,
        'rc=$?',
        'rm -rf "$TMP"',
        'exit $rc',
        '',
      ].join('\n'),
    );
    chmodSync(hookPath, 0o755);
  }

  remove() {
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}
