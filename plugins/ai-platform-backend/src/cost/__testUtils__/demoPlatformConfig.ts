import { readAiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';

/**
 * The demo platform: the `aiPlatform` block of app-config.yaml (GPU
 * profiles, cluster, models, teams; not gitops or serving), read through the
 * real config reader. Keep in step with app-config.yaml.
 */
export const DEMO_PLATFORM = readAiPlatformConfig(
  new ConfigReader({
    aiPlatform: {
      gpuMemoryUtilization: 0.92,
      gpuProfiles: [
        {
          id: 'h100-80gb',
          resourceName: 'nvidia.com/gpu',
          usableMemoryGiB: 79.1,
          hourlyCostUsd: 3.2,
        },
        {
          id: 'h100-mig-3g-40gb',
          resourceName: 'nvidia.com/mig-3g.40gb',
          usableMemoryGiB: 39.2,
          hourlyCostUsd: 1.4,
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
          gpuProfiles: ['h100-80gb', 'h100-mig-3g-40gb', 'l4-24gb'],
          allowedDataClassifications: ['public', 'internal', 'confidential'],
        },
      ],
      models: [
        {
          name: 'meta-llama/Llama-3.1-8B-Instruct',
          parametersBillions: 8.03,
          layers: 32,
          kvHeads: 8,
          headDim: 128,
          defaultContextTokens: 8192,
          maxContextTokens: 131072,
          license: 'llama3.1',
          maxDataClassification: 'confidential',
        },
        {
          name: 'Qwen/Qwen2.5-7B-Instruct',
          parametersBillions: 7.62,
          layers: 28,
          kvHeads: 4,
          headDim: 128,
          defaultContextTokens: 8192,
          maxContextTokens: 32768,
          license: 'apache-2.0',
          maxDataClassification: 'confidential',
        },
        {
          name: 'mistralai/Mistral-7B-Instruct-v0.3',
          parametersBillions: 7.25,
          layers: 32,
          kvHeads: 8,
          headDim: 128,
          defaultContextTokens: 8192,
          maxContextTokens: 32768,
          license: 'apache-2.0',
          maxDataClassification: 'confidential',
        },
        {
          name: 'meta-llama/Llama-3.1-70B-Instruct',
          parametersBillions: 70.6,
          layers: 80,
          kvHeads: 8,
          headDim: 128,
          defaultContextTokens: 8192,
          maxContextTokens: 131072,
          license: 'llama3.1',
          maxDataClassification: 'internal',
        },
        {
          name: 'BAAI/bge-m3',
          type: 'embedding',
          parametersBillions: 0.57,
          layers: 24,
          kvHeads: 16,
          headDim: 64,
          defaultContextTokens: 8192,
          maxContextTokens: 8192,
          license: 'mit',
          maxDataClassification: 'confidential',
        },
      ],
      teams: [
        {
          group: 'group:default/ml-platform',
          namespace: 'llm-shared',
          gpuQuota: { 'h100-80gb': 8, 'h100-mig-3g-40gb': 2, 'l4-24gb': 4 },
          monthlyBudgetUsd: 30000,
        },
        {
          group: 'group:default/support-experience',
          namespace: 'support-ai',
          gpuQuota: { 'l4-24gb': 6 },
          monthlyBudgetUsd: 4000,
        },
        {
          group: 'group:default/developer-productivity',
          namespace: 'devprod-ai',
          gpuQuota: { 'h100-mig-3g-40gb': 4, 'l4-24gb': 4 },
          monthlyBudgetUsd: 6000,
        },
      ],
    },
  }),
);

/**
 * A self-hosted ModelEndpoint on the demo cluster (`internal` data, owner
 * ml-platform unless given).
 */
export function demoSelfHostedEndpoint(options: {
  model: string;
  gpuProfile: string;
  replicas: { min: number; max: number };
  owner?: string;
  cluster?: string;
}): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'demo-endpoint', namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: options.owner ?? 'ml-platform',
      model: { name: options.model },
      serving: {
        mode: 'self-hosted',
        runtime: 'vllm',
        cluster: options.cluster ?? 'gpu-eu-west-1',
        gpuProfile: options.gpuProfile,
        replicas: options.replicas,
      },
      dataClassification: 'internal',
    },
  };
}
