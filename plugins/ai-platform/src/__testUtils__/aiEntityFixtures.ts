import { Entity } from '@backstage/catalog-model';

// Test entities shaped like the catalog returns them (relations included),
// taken from examples/*.yaml.

export const claudeSonnetEndpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: {
    name: 'claude-sonnet',
    namespace: 'default',
    title: 'Claude Sonnet 4.5 (Anthropic via gateway)',
  },
  spec: {
    type: 'chat',
    lifecycle: 'production',
    owner: 'ml-platform',
    model: { name: 'claude-sonnet-4-5' },
    serving: { mode: 'managed', provider: 'anthropic' },
    gateway: { model: 'claude-sonnet' },
    slo: { ttftP95Ms: 1500, errorRatePercent: 1 },
    budget: { monthlyUsd: 8000 },
    pricing: { inputPerMillionTokensUsd: 3, outputPerMillionTokensUsd: 15 },
    dataClassification: 'confidential',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/ml-platform' },
    { type: 'modelUsedBy', targetRef: 'agent:default/support-triage-agent' },
  ],
};

export const llamaEndpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: {
    name: 'llama-3-1-8b-instruct',
    namespace: 'default',
    title: 'Llama 3.1 8B Instruct (H100)',
  },
  spec: {
    type: 'chat',
    lifecycle: 'production',
    owner: 'ml-platform',
    model: {
      name: 'meta-llama/Llama-3.1-8B-Instruct',
      version: '0e9e39f2',
      parametersBillions: 8,
      license: 'llama3.1',
    },
    serving: {
      mode: 'self-hosted',
      runtime: 'vllm',
      cluster: 'gpu-eu-west-1',
      namespace: 'llm-shared',
      gpuProfile: 'h100-80gb',
      replicas: { min: 1, max: 4 },
    },
    gateway: { model: 'llama-3.1-8b' },
    slo: { ttftP95Ms: 400, errorRatePercent: 1 },
    budget: { monthlyUsd: 9000 },
    pricing: { gpuHourUsd: 3.2 },
    dataClassification: 'internal',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/ml-platform' },
    { type: 'dependsOn', targetRef: 'resource:default/gpu-eu-west-1' },
  ],
};

export const supportTriageAgent: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'Agent',
  metadata: {
    name: 'support-triage-agent',
    namespace: 'default',
    title: 'Support triage agent',
  },
  spec: {
    type: 'workflow-agent',
    lifecycle: 'production',
    owner: 'support-experience',
    audience: 'product',
    autonomyLevel: 'L3',
    humanInTheLoop: true,
    riskTier: 'limited',
    models: ['claude-sonnet', 'llama-3-1-8b-instruct'],
    tools: ['zendesk-mcp'],
    gateway: { agentId: 'support-triage' },
    evals: [
      {
        suite: 'triage-routing-accuracy',
        minScore: 0.9,
        description: 'Correct queue and priority on 400 labelled tickets.',
      },
    ],
    slo: { ttftP95Ms: 1500, errorRatePercent: 1 },
    budget: { monthlyUsd: 4000 },
    dataClassification: 'confidential',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/support-experience' },
    { type: 'usesModel', targetRef: 'modelendpoint:default/claude-sonnet' },
    {
      type: 'usesModel',
      targetRef: 'modelendpoint:default/llama-3-1-8b-instruct',
    },
    { type: 'consumesApi', targetRef: 'api:default/zendesk-mcp' },
  ],
};

export const zendeskMcpApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name: 'zendesk-mcp',
    namespace: 'default',
    title: 'Zendesk MCP server',
  },
  spec: {
    type: 'mcp-server',
    lifecycle: 'production',
    owner: 'support-experience',
    definition: 'MCP server',
  },
};

export const classificationWarningStatus = {
  items: [
    {
      type: 'aiplatform.io/policy',
      level: 'warning',
      message:
        'spec.dataClassification: agent handles confidential data but uses model endpoint modelendpoint:default/llama-3-1-8b-instruct classified internal',
      error: undefined,
    },
    {
      type: 'backstage.io/catalog-processing',
      level: 'error',
      message: 'not ours',
    },
  ],
};
