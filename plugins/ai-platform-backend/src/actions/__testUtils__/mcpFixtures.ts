import { Entity } from '@backstage/catalog-model';
import { TelemetryEvent } from '../../database/TelemetryStore';

function group(name: string, parent?: string, children: string[] = []): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children, ...(parent ? { parent } : {}) },
    relations: [
      ...(parent
        ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
        : []),
      ...children.map(child => ({
        type: 'parentOf',
        targetRef: `group:default/${child}`,
      })),
    ],
  };
}

function endpoint(
  name: string,
  owner: string,
  spec: Record<string, unknown>,
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace: 'default', title: name },
    spec: { owner: `group:default/${owner}`, ...spec },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

function selfHosted(model: string, gpuProfile: string) {
  return {
    model: { name: model },
    serving: {
      mode: 'self-hosted',
      runtime: 'vllm',
      cluster: 'gpu-eu-west-1',
      gpuProfile,
      replicas: { min: 1, max: 2 },
    },
  };
}

/** A small copy of the demo organisation and its model endpoints. */
export const MCP_ENTITIES: Entity[] = [
  group('acme', undefined, ['ml-platform', 'support-experience']),
  group('ml-platform', 'acme'),
  group('support-experience', 'acme'),
  endpoint('llama-3-1-8b-instruct', 'ml-platform', {
    type: 'chat',
    lifecycle: 'production',
    ...selfHosted('meta-llama/Llama-3.1-8B-Instruct', 'h100-80gb'),
    gateway: { model: 'llama-3.1-8b' },
    slo: { ttftP95Ms: 400, errorRatePercent: 1 },
    budget: { monthlyUsd: 9000 },
    dataClassification: 'confidential',
  }),
  endpoint('mistral-7b-instruct', 'support-experience', {
    type: 'chat',
    lifecycle: 'experimental',
    ...selfHosted('mistralai/Mistral-7B-Instruct-v0.3', 'l4-24gb'),
    gateway: { model: 'mistral-7b' },
    slo: { ttftP95Ms: 800, errorRatePercent: 2 },
    budget: { monthlyUsd: 1500 },
    dataClassification: 'confidential',
  }),
  endpoint('qwen2-5-7b-instruct', 'support-experience', {
    type: 'chat',
    lifecycle: 'production',
    ...selfHosted('Qwen/Qwen2.5-7B-Instruct', 'l4-24gb'),
    gateway: { model: 'qwen2.5-7b' },
    slo: { ttftP95Ms: 600 },
    dataClassification: 'internal',
  }),
  endpoint('bge-m3-embeddings', 'support-experience', {
    type: 'embedding',
    lifecycle: 'production',
    ...selfHosted('BAAI/bge-m3', 'l4-24gb'),
    gateway: { model: 'bge-m3' },
    dataClassification: 'confidential',
  }),
  endpoint('claude-sonnet', 'ml-platform', {
    type: 'chat',
    lifecycle: 'production',
    model: { name: 'claude-sonnet-4-5' },
    serving: { mode: 'managed', provider: 'anthropic' },
    gateway: { model: 'claude-sonnet' },
    slo: { ttftP95Ms: 1500, errorRatePercent: 1 },
    // Spent 3 USD below: over budget.
    budget: { monthlyUsd: 1 },
    pricing: { inputPerMillionTokensUsd: 3, outputPerMillionTokensUsd: 15 },
    dataClassification: 'confidential',
  }),
];

const model = (
  name: string,
  parametersBillions: number,
  maxDataClassification: string,
  type?: string,
) => ({
  name,
  ...(type ? { type } : {}),
  parametersBillions,
  layers: 32,
  kvHeads: 8,
  headDim: 128,
  defaultContextTokens: 8192,
  maxContextTokens: 32768,
  license: 'apache-2.0',
  maxDataClassification,
});

/** The platform config of the tests (`aiPlatform`), as in app-config.yaml. */
export const MCP_AI_PLATFORM_CONFIG = {
  gpuProfiles: [
    {
      id: 'h100-80gb',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 79.1,
      hourlyCostUsd: 3.2,
    },
    {
      id: 'l4-24gb',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 22.49,
      hourlyCostUsd: 0.8,
    },
  ],
  clusters: [
    {
      name: 'gpu-eu-west-1',
      region: 'eu-west-1',
      gpuProfiles: ['h100-80gb', 'l4-24gb'],
      allowedDataClassifications: ['public', 'internal', 'confidential'],
    },
  ],
  models: [
    model('meta-llama/Llama-3.1-8B-Instruct', 8.03, 'confidential'),
    model('mistralai/Mistral-7B-Instruct-v0.3', 7.25, 'confidential'),
    model('Qwen/Qwen2.5-7B-Instruct', 7.62, 'confidential'),
    model('meta-llama/Llama-3.1-70B-Instruct', 70.6, 'internal'),
    model('BAAI/bge-m3', 0.57, 'confidential', 'embedding'),
  ],
  teams: [
    {
      group: 'group:default/ml-platform',
      namespace: 'llm-shared',
      monthlyBudgetUsd: 30000,
      gpuQuota: { 'h100-80gb': 8, 'l4-24gb': 4 },
    },
  ],
};

/**
 * `count` streamed, successful gateway calls of `name`'s alias, 10 s apart
 * before `now`, with TTFTs spread evenly from `ttftMs[0]` to `ttftMs[1]`.
 */
export function callsOf(
  name: string,
  alias: string,
  now: Date,
  options: { count: number; ttftMs: [number, number]; costUsd: number },
): TelemetryEvent[] {
  const { count, ttftMs, costUsd } = options;
  return Array.from({ length: count }, (_, i) => ({
    source: 'litellm',
    sourceEventId: `${name}-${i}`,
    occurredAt: new Date(now.getTime() - (i + 1) * 10_000),
    entityRef: `modelendpoint:default/${name}`,
    joinKey: alias,
    operation: 'chat',
    model: alias,
    provider: 'test',
    streamed: true,
    status: 'ok' as const,
    errorType: null,
    inputTokens: 1000,
    outputTokens: 200,
    costUsd,
    ttftMs: ttftMs[0] + ((ttftMs[1] - ttftMs[0]) * i) / Math.max(1, count - 1),
    latencyMs: 2000,
  }));
}
