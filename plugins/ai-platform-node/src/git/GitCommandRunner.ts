import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Output of git beyond this size is a bug in our usage, not a real repository listing. */
const GIT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Environment variable the askpass script reads the HTTPS token from. */
const TOKEN_ENV_VAR = 'AI_PLATFORM_GITOPS_TOKEN';

/**
 * A failed git invocation. The message carries git's stderr with credentials redacted.
 *
 * @public
 */
export class GitCommandError extends Error {
  readonly stderr: string;
  readonly exitCode: number | string | undefined;

  constructor(message: string, stderr: string, exitCode?: number | string) {
    super(message);
    this.name = 'GitCommandError';
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

/**
 * Options for {@link GitCommandRunner.create}.
 *
 * @public
 */
export type GitCommandRunnerOptions = {
  /** Folder for the askpass helper; it is removed with the rest of the scratch folder. */
  scratchDir: string;
  /** HTTPS token, handed to git through GIT_ASKPASS; never put in argv or logs. */
  token?: string;
  /** Commit author and committer identity. */
  authorName: string;
  authorEmail: string;
};

/**
 * Replaces user info in URLs (`https://user:secret@host`) with `***`.
 *
 * @public
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/**
 * Runs the real `git` CLI with a fixed identity, no interactive prompts, an optional
 * token supplied through `GIT_ASKPASS`, and error messages with credentials redacted.
 *
 * @public
 */
export class GitCommandRunner {
  readonly #env: NodeJS.ProcessEnv;
  readonly #token?: string;

  static async create(
    options: GitCommandRunnerOptions,
  ): Promise<GitCommandRunner> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
      GIT_AUTHOR_NAME: options.authorName,
      GIT_AUTHOR_EMAIL: options.authorEmail,
      GIT_COMMITTER_NAME: options.authorName,
      GIT_COMMITTER_EMAIL: options.authorEmail,
    };
    delete env[TOKEN_ENV_VAR];
    if (options.token) {
      // The script only prints an environment variable, so the token never
      // touches the disk, the command line, or the remote URL.
      const askPassPath = path.join(options.scratchDir, 'askpass.sh');
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
      env.GIT_ASKPASS = askPassPath;
      env[TOKEN_ENV_VAR] = options.token;
    }
    return new GitCommandRunner(env, options.token);
  }

  private constructor(env: NodeJS.ProcessEnv, token?: string) {
    this.#env = env;
    this.#token = token;
  }

  /** Removes the token and URL credentials from text that may be logged or thrown. */
  redact(text: string): string {
    let redacted = redactUrlCredentials(text);
    if (this.#token) {
      redacted = redacted.split(this.#token).join('***');
    }
    return redacted;
  }

  /** Runs `git <args>` in `cwd` and resolves with stdout; rejects with {@link GitCommandError}. */
  run(args: string[], cwd: string): Promise<string> {
    const fullArgs = ['-c', 'commit.gpgsign=false', ...args];
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        fullArgs,
        {
          cwd,
          env: this.#env,
          maxBuffer: GIT_MAX_OUTPUT_BYTES,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          if (!error) {
            resolve(stdout);
            return;
          }
          const cleanStderr = this.redact(String(stderr ?? '').trim());
          const detail = cleanStderr || this.redact(error.message);
          reject(
            new GitCommandError(
              `git ${this.redact(args.join(' '))} failed: ${detail}`,
              cleanStderr,
              error.code ?? undefined,
            ),
          );
        },
      );
    });
  }

  /** Like {@link GitCommandRunner.run} but resolves with `undefined` when git exits non-zero. */
  async tryRun(args: string[], cwd: string): Promise<string | undefined> {
    try {
      return await this.run(args, cwd);
    } catch (error) {
      if (error instanceof GitCommandError) {
        return undefined;
      }
      throw error;
    }
  }
}

/**
 * Creates a scratch folder under the OS temp dir, named `<prefix>-XXXXXX`
 * (e.g. `ai-platform-gitops`, `ai-platform-approval`).
 *
 * @public
 */
export function createScratchDir(
  prefix: string = 'ai-platform-gitops',
): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
}
