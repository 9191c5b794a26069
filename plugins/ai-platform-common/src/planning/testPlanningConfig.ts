import type { EndpointPlanningConfig } from './types';

/**
 * The demo platform config (mirrors app-config.yaml), for tests.
 *
 * @internal
 */
export const testPlanningConfig: EndpointPlanningConfig = {
  gpuMemoryUtilization: 0.92,
  hoursPerMonth: 730,
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
    {
      name: 'gpu-us-east-1',
      region: 'us-east-1',
      gpuProfiles: ['l4-24gb'],
      allowedDataClassifications: ['public', 'internal'],
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
      gpuQuota: { 'h100-80gb': 8, 'l4-24gb': 4 },
      monthlyBudgetUsd: 30000,
    },
    {
      group: 'group:default/support-experience',
      namespace: 'support-ai',
      gpuQuota: { 'l4-24gb': 6 },
      monthlyBudgetUsd: 4000,
    },
  ],
  policies: [],
};
