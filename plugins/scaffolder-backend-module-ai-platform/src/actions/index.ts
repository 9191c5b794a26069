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
export {
  createAiPlatformKubernetesApplyAction,
  type AiPlatformKubernetesApplyActionOptions,
} from './kubernetesApply';
export {
  createAiPlatformEntityValidateAction,
  type AiPlatformEntityValidateActionOptions,
} from './entityValidate';
export {
  createAiPlatformEndpointChangeAction,
  type AiPlatformEndpointChangeActionOptions,
} from './endpointChange';
