import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { BareGitRepository, git } from '../__testUtils__/bareGitRepository';
import { testAiPlatformConfig } from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointChangeAction } from './endpointChange';

jest.setTimeout(30_000);

const FOLDER = 'clusters/gpu-eu-west-1/llm-shared/llama-chat';

/** A self-hosted endpoint as an older golden path committed it: no endpoint-request.json. */
function olderSelfHostedEndpoint(dataClassification = 'internal') {
  return {
    [`${FOLDER}/catalog-info.yaml`]: yaml.stringify({
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'ModelEndpoint',
      metadata: {
        name: 'llama-chat',
        annotations: {
          'backstage.io/source-template':
            'template:default/self-hosted-endpoint',
        },
      },
      spec: {
        type: 'chat',
        lifecycle: 'production',
        owner: 'group:default/ml-platform',
        model: { name: 'meta-llama/Llama-3.1-8B-Instruct' },
        serving: {
          mode: 'self-hosted',
          runtime: 'vllm',
          cluster: 'gpu-eu-west-1',
          namespace: 'llm-shared',
          gpuProfile: 'l4-24gb',
          replicas: { min: 1, max: 2 },
        },
        gateway: { model: 'team-llama' },
        dataClassification,
      },
    }),
    [`${FOLDER}/deployment.yaml`]: yaml.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'vllm',
                args: ['--tensor-parallel-size=1', '--max-model-len=16384'],
              },
            ],
          },
        },
      },
    }),
  };
}

describe('ai-platform:endpoint:change', () => {
  let gitops: BareGitRepository;

  beforeEach(() => {
    gitops = new BareGitRepository();
  });
  afterEach(() => gitops.remove());

  function setup(aiPlatform: Record<string, unknown> = {}) {
    return createAiPlatformEndpointChangeAction({
      config: new ConfigReader({
        aiPlatform: {
          ...testAiPlatformConfig,
          ...aiPlatform,
          gitops: { repository: gitops.path, branch: 'main' },
        },
      }),
      catalog: catalogServiceMock({ entities: [] }),
    });
  }

  function context(input: Record<string, unknown>) {
    return createMockActionContext({
      input: input as any,
      logger: mockServices.logger.mock(),
    });
  }

  function outputs(ctx: { output: unknown }): Record<string, any> {
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('reads an endpoint committed without endpoint-request.json back from its catalog-info.yaml and the context length of its manifests', async () => {
    gitops.commitFromOutside(olderSelfHostedEndpoint(), 'Older endpoint');
    const ctx = context({
      entityRef: 'modelendpoint:default/llama-chat',
      operation: 'scale',
      maxReplicas: 3,
    });

    await setup().handler(ctx as any);

    const out = outputs(ctx);
    expect(out.gitopsPath).toBe(FOLDER);
    expect(out.readFolderTreeId).toBe(
      git(['rev-parse', `refs/heads/main:${FOLDER}`], gitops.path),
    );
    expect(out.plan.request).toMatchObject({
      name: 'llama-chat',
      contextTokens: 16384,
      gatewayModel: 'team-llama',
      replicas: { min: 1, max: 3 },
    });
    expect(out.changes).toEqual([
      { field: 'replicas.max', before: '2', after: '3' },
    ]);
    // One more L4 replica: 0.80 USD × 730 h.
    expect(out.monthlyCostDeltaMaxUsd).toBe(584);
    expect(out.monthlyCostDeltaMinUsd).toBe(0);
    expect(out.sourceTemplate).toBe('template:default/self-hosted-endpoint');
    expect(out.lifecycle).toBe('production');
  });

  it('a managed endpoint cannot be scaled or moved to a GPU profile, and can be decommissioned', async () => {
    gitops.commitFromOutside(
      {
        'model-endpoints/managed/gpt-mini/catalog-info.yaml': yaml.stringify({
          apiVersion: 'aiplatform.io/v1alpha1',
          kind: 'ModelEndpoint',
          metadata: { name: 'gpt-mini' },
          spec: {
            type: 'chat',
            lifecycle: 'production',
            owner: 'group:default/ml-platform',
            model: { name: 'gpt-4o-mini' },
            serving: { mode: 'managed', provider: 'openai' },
            dataClassification: 'internal',
          },
        }),
      },
      'Managed endpoint',
    );
    const action = setup();

    await expect(
      action.handler(
        context({
          entityRef: 'modelendpoint:default/gpt-mini',
          operation: 'scale',
          maxReplicas: 2,
        }) as any,
      ),
    ).rejects.toThrow(
      "scale of modelendpoint:default/gpt-mini refused; the GitOps repository is unchanged. ModelEndpoint 'gpt-mini' is a managed endpoint (provider openai): it has no replicas, GPU profile or runtime to change; only a model change or decommission applies to it",
    );

    await expect(
      action.handler(
        context({
          entityRef: 'modelendpoint:default/gpt-mini',
          operation: 'change',
          model: 'gpt-4o',
          gpuProfile: 'l4-24gb',
        }) as any,
      ),
    ).rejects.toThrow(
      "ModelEndpoint 'gpt-mini' is a managed endpoint: a change may only set its model (or model revision); it has no GPU profile, runtime or context length",
    );

    const ctx = context({
      entityRef: 'modelendpoint:default/gpt-mini',
      operation: 'decommission',
    });
    await action.handler(ctx as any);
    const out = outputs(ctx);
    expect(out.gitopsPath).toBe('model-endpoints/managed/gpt-mini');
    expect(out.plan).toBeUndefined();
    expect(out.commitMessage).toBe(
      'Decommission endpoint gpt-mini: remove model-endpoints/managed/gpt-mini',
    );
  });

  it('scale to zero is refused where a platform policy forbids it, and allowed elsewhere', async () => {
    gitops.commitFromOutside(
      olderSelfHostedEndpoint('confidential'),
      'Confidential endpoint',
    );
    const action = setup({
      policies: [
        {
          id: 'confidential-always-on',
          expression:
            "request.dataClassification != 'confidential' || request.replicas.min >= 1",
          message: 'Endpoints that process confidential data keep a replica',
        },
      ],
    });
    const input = {
      entityRef: 'modelendpoint:default/llama-chat',
      operation: 'scale',
      minReplicas: 0,
    };

    await expect(action.handler(context(input) as any)).rejects.toThrow(
      /refused; the GitOps repository is unchanged\. Endpoint 'llama-chat' was not planned: 1 rule\(s\) failed:\n- policy:confidential-always-on: Endpoints that process confidential data keep a replica/,
    );

    const ctx = context(input);
    await setup().handler(ctx as any);
    expect(outputs(ctx).plan.request.replicas).toEqual({ min: 0, max: 2 });
  });

  it('names the endpoint and the branch when the repository does not hold it', async () => {
    gitops.commitFromOutside({ 'README.md': '# GitOps\n' }, 'Initial commit');

    await expect(
      setup().handler(
        context({
          entityRef: 'modelendpoint:default/nowhere',
          operation: 'pause',
        }) as any,
      ),
    ).rejects.toThrow(
      /ModelEndpoint 'nowhere' is not in the GitOps repository: no catalog-info.yaml on branch 'main'/,
    );
  });
});
