import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/**
 * The `aiPlatform` block of the repository's app-config.yaml (the demo platform config).
 */
export function readDemoAiPlatformConfig(): JsonObject {
  const appConfig = yaml.parse(
    readFileSync(
      path.resolve(__dirname, '../../../../app-config.yaml'),
      'utf8',
    ),
  );
  return appConfig.aiPlatform;
}

/** A small platform config with known numbers, for exact assertions. */
export const testAiPlatformConfig: JsonObject = {
  gpuMemoryUtilization: 0.92,
  gpuProfiles: [
    {
      id: 'h100-80gb',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 79.1,
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      hourlyCostUsd: 3.2,
    },
    {
      id: 'h100-mig-3g-40gb',
      resourceName: 'nvidia.com/mig-3g.40gb',
      usableMemoryGiB: 39.2,
      nodeSelector: {
        'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
        'nvidia.com/mig.strategy': 'mixed',
      },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      hourlyCostUsd: 1.4,
    },
    {
      id: 'l4-24gb',
      resourceName: 'nvidia.com/gpu',
      usableMemoryGiB: 22.49,
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      hourlyCostUsd: 0.8,
    },
  ],
  clusters: [
    {
      name: 'gpu-eu-west-1',
      region: 'eu-west-1',
      gpuProfiles: ['h100-80gb', 'h100-mig-3g-40gb', 'l4-24gb'],
      allowedDataClassifications: ['public', 'internal', 'confidential'],
      gitopsPathPrefix: 'clusters/gpu-eu-west-1',
      kueueQueueName: 'inference',
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
      kueueQueueName: 'ml-platform-gpu',
      gpuQuota: { 'h100-80gb': 8, 'h100-mig-3g-40gb': 2, 'l4-24gb': 4 },
      monthlyBudgetUsd: 30000,
    },
    {
      group: 'group:default/support-experience',
      namespace: 'support-ai',
      gpuQuota: { 'l4-24gb': 6 },
      monthlyBudgetUsd: 4000,
    },
  ],
  policies: [
    {
      id: 'max-eight-replicas',
      expression: 'request.replicas.max <= 8',
      message: 'An endpoint may scale to at most 8 replicas',
    },
    {
      id: 'endpoint-cost-cap',
      expression: 'plan.cost.monthlyMaxUsd <= 25000',
      message: 'One endpoint may cost at most 25,000 USD a month',
    },
  ],
};

/** A self-hosted ModelEndpoint entity as the catalog returns it. */
export function selfHostedEndpoint(options: {
  name: string;
  owner: string;
  gpuProfile: string;
  maxReplicas: number;
  gpuHourUsd?: number;
}): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: options.name, namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: options.owner,
      model: { name: 'some/model' },
      serving: {
        mode: 'self-hosted',
        runtime: 'vllm',
        cluster: 'gpu-eu-west-1',
        gpuProfile: options.gpuProfile,
        replicas: { min: 1, max: options.maxReplicas },
      },
      ...(options.gpuHourUsd !== undefined
        ? { pricing: { gpuHourUsd: options.gpuHourUsd } }
        : {}),
    },
  };
}
