/**
 * Node.js parts of the AI platform plugins, shared by the ai-platform backend plugin and the
 * scaffolder module: the git client for the GitOps repository (commits, proposal branches,
 * approval merges).
 *
 * @packageDocumentation
 */

export {
  GitCommandError,
  GitCommandRunner,
  createScratchDir,
  redactUrlCredentials,
} from './git/GitCommandRunner';
export type { GitCommandRunnerOptions } from './git/GitCommandRunner';
