export type {
  AiBudget,
  AiServiceLevelObjectives,
  ManagedModelServing,
  ModelEndpointEntityV1alpha1,
  SelfHostedModelServing,
} from './ModelEndpointEntityV1alpha1';
export {
  collectModelEndpointEntityErrors,
  isAiPlatformModelEndpointCandidate,
  isModelEndpointEntityV1alpha1,
  modelEndpointEntityV1alpha1Schema,
  modelEndpointEntityV1alpha1Validator,
  validateModelEndpointEntity,
} from './ModelEndpointEntityV1alpha1';
export type {
  AgentEntityV1alpha1,
  AgentEvalRequirement,
} from './AgentEntityV1alpha1';
export {
  agentEntityV1alpha1Schema,
  agentEntityV1alpha1Validator,
  collectAgentEntityErrors,
  isAgentEntityV1alpha1,
  isAiPlatformAgentCandidate,
  validateAgentEntity,
} from './AgentEntityV1alpha1';
