export {
  createAiPlatformGitopsCommitAction,
  type AiPlatformGitopsCommitActionOptions,
} from './gitopsCommit';
export {
  createAiPlatformEndpointPlanAction,
  type AiPlatformEndpointPlanActionOptions,
} from './endpointPlan';
export {
  createAiPlatformEndpointRenderAction,
  type AiPlatformEndpointRenderActionOptions,
} from './endpointRender';
