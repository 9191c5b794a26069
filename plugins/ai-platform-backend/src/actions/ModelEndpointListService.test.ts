import { readAiPlatformConfig } from '@ai-platform/plugin-ai-platform-common';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { MCP_AI_PLATFORM_CONFIG } from './__testUtils__/mcpFixtures';
import { approvalOf, mayProcessReason } from './ModelEndpointListService';

const planning = readAiPlatformConfig(
  new ConfigReader({ aiPlatform: MCP_AI_PLATFORM_CONFIG }),
).planning;

function endpoint(spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'e' },
    spec: { type: 'chat', lifecycle: 'production', ...spec },
  };
}

const selfHosted = (model: string, cluster = 'gpu-eu-west-1') => ({
  model: { name: model },
  serving: {
    mode: 'self-hosted',
    runtime: 'vllm',
    cluster,
    gpuProfile: 'l4-24gb',
  },
});

describe('mayProcessReason', () => {
  it('lets an endpoint process its declared classification and less sensitive data', () => {
    const llama = endpoint({
      ...selfHosted('meta-llama/Llama-3.1-8B-Instruct'),
      dataClassification: 'confidential',
    });
    for (const c of ['public', 'internal', 'confidential'] as const) {
      expect(mayProcessReason(llama, c, planning)).toBeUndefined();
    }
    expect(mayProcessReason(llama, 'restricted', planning)).toBe(
      'declared for confidential data at most, not restricted',
    );
  });

  it('reads an endpoint without a classification as public only', () => {
    const managed = endpoint({
      serving: { mode: 'managed', provider: 'openai' },
    });
    expect(mayProcessReason(managed, 'public', planning)).toBeUndefined();
    expect(mayProcessReason(managed, 'internal', planning)).toMatch(
      /declares no dataClassification, so it may process public data only/,
    );
  });

  it("applies the golden path's model and cluster rules to self-hosted endpoints", () => {
    const seventyB = endpoint({
      ...selfHosted('meta-llama/Llama-3.1-70B-Instruct'),
      dataClassification: 'confidential',
    });
    expect(mayProcessReason(seventyB, 'confidential', planning)).toBe(
      'its model meta-llama/Llama-3.1-70B-Instruct is approved only up to internal data, not confidential',
    );
    expect(mayProcessReason(seventyB, 'internal', planning)).toBeUndefined();

    const restrictedCluster = readAiPlatformConfig(
      new ConfigReader({
        aiPlatform: {
          ...MCP_AI_PLATFORM_CONFIG,
          clusters: [
            {
              ...MCP_AI_PLATFORM_CONFIG.clusters[0],
              allowedDataClassifications: ['public', 'internal'],
            },
          ],
        },
      }),
    ).planning;
    const llama = endpoint({
      ...selfHosted(
        'meta-llama/Llama-3.1-8B-Instruct',
        'resource:default/gpu-eu-west-1',
      ),
      dataClassification: 'confidential',
    });
    expect(mayProcessReason(llama, 'confidential', restrictedCluster)).toBe(
      'its cluster gpu-eu-west-1 may not process confidential data',
    );
  });
});

describe('approvalOf', () => {
  it('approves production endpoints, self-hosted ones only with an approved model', () => {
    expect(
      approvalOf(
        endpoint(selfHosted('meta-llama/Llama-3.1-8B-Instruct')),
        planning,
      ).approved,
    ).toBe(true);
    expect(
      approvalOf(endpoint(selfHosted('some/unlisted-model')), planning),
    ).toEqual({
      approved: false,
      approval:
        "its model some/unlisted-model is not on the platform's approved model list",
    });
    expect(
      approvalOf(
        endpoint({ lifecycle: 'experimental', serving: { mode: 'managed' } }),
        planning,
      ),
    ).toEqual({
      approved: false,
      approval: 'lifecycle is experimental, not production',
    });
    expect(
      approvalOf(
        endpoint({ serving: { mode: 'managed', provider: 'openai' } }),
        planning,
      ),
    ).toEqual({
      approved: true,
      approval: 'production, managed by its provider',
    });
  });
});
