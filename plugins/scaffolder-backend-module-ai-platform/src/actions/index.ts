export {
  createAiPlatformGitopsCommitAction,
  type AiPlatformGitopsCommitActionOptions,
} from './gitopsCommit';
