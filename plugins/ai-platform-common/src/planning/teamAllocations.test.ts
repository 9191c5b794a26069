import type { Entity } from '@backstage/catalog-model';
import { collectTeamAllocations } from './teamAllocations';

type JsonObject = NonNullable<Entity['spec']>;

function endpoint(
  name: string,
  owner: string,
  serving: JsonObject,
  pricing?: JsonObject,
): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner,
      model: { name: 'some/model' },
      serving,
      ...(pricing ? { pricing } : {}),
    },
  };
}

const selfHosted = (gpuProfile: string, max: number) => ({
  mode: 'self-hosted',
  runtime: 'vllm',
  cluster: 'gpu-eu-west-1',
  gpuProfile,
  replicas: { min: 1, max },
});

describe('collectTeamAllocations', () => {
  const entities = [
    endpoint('llama-chat', 'ml-platform', selfHosted('l4-24gb', 2), {
      gpuHourUsd: 0.7,
    }),
    endpoint(
      'qwen-chat',
      'group:default/ml-platform',
      selfHosted('h100-80gb', 3),
    ),
    endpoint(
      'other-team',
      'group:default/support-experience',
      selfHosted('l4-24gb', 4),
    ),
    endpoint('managed', 'ml-platform', { mode: 'managed', provider: 'openai' }),
    endpoint('replanned', 'ml-platform', selfHosted('l4-24gb', 8)),
  ];

  it("collects the GPUs of the team's self-hosted endpoints only", () => {
    expect(
      collectTeamAllocations(entities, {
        ownerRef: 'group:default/ML-Platform',
        excludeEndpointName: 'replanned',
      }),
    ).toEqual([
      {
        entityRef: 'modelendpoint:default/llama-chat',
        gpuProfile: 'l4-24gb',
        maxReplicas: 2,
        gpuHourUsd: 0.7,
      },
      {
        entityRef: 'modelendpoint:default/qwen-chat',
        gpuProfile: 'h100-80gb',
        maxReplicas: 3,
        gpuHourUsd: undefined,
      },
    ]);
  });

  it('returns nothing for an owner that is not an entity reference', () => {
    expect(collectTeamAllocations(entities, { ownerRef: ':' })).toEqual([]);
  });
});
