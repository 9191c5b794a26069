import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { testAiPlatformConfig } from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointPlanAction } from './endpointPlan';

const input = {
  name: 'llama-8b-chat',
  owner: 'group:default/ml-platform',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  gpuProfile: 'l4-24gb',
  cluster: 'gpu-eu-west-1',
  runtime: 'vllm' as const,
  contextTokens: 8192,
  replicas: { min: 1, max: 2 },
  dataClassification: 'internal' as const,
};

function run(governance: object | undefined, overrides: object = {}) {
  const action = createAiPlatformEndpointPlanAction({
    config: new ConfigReader({
      aiPlatform: { ...testAiPlatformConfig, governance } as any,
    }),
    catalog: catalogServiceMock({ entities: [] }),
  });
  const ctx = createMockActionContext({
    input: { ...input, ...overrides } as any,
    logger: mockServices.logger.mock(),
  });
  const outputs = () =>
    Object.fromEntries((ctx.output as jest.Mock).mock.calls) as Record<
      string,
      any
    >;
  return { done: action.handler(ctx as any), outputs };
}

describe('ai-platform:endpoint:plan governance', () => {
  it('needs no approval for an internal endpoint under the defaults', async () => {
    const { done, outputs } = run(undefined);
    await done;
    expect(outputs().governance).toEqual({
      requirements: [],
      approvalRequired: false,
      approvalReasons: [],
    });
    expect(outputs().approved).toBe(true);
  });

  it('evaluates CEL requirements over the plan: approval above a cost, failure above another', async () => {
    const governance = {
      approverGroups: ['group:default/finops'],
      requirements: [
        {
          id: 'costly-endpoint-approval',
          appliesTo: {
            kinds: ['ModelEndpoint'],
            expression: 'plan.cost.monthlyMaxUsd > 1000',
          },
          control: 'approval',
        },
        {
          id: 'endpoint-cost-ceiling',
          appliesTo: { kinds: ['ModelEndpoint'] },
          control: 'expression',
          expression: 'plan.cost.monthlyMaxUsd <= 2000',
          message: 'An endpoint costs at most 2,000 USD a month',
          howToSatisfy: 'Lower replicas.max',
        },
      ],
    };
    // 2 replicas: 1,168 USD a month at most.
    const approved = run(governance);
    await approved.done;
    expect(approved.outputs().governance).toEqual({
      requirements: [
        expect.objectContaining({ id: 'endpoint-cost-ceiling', status: 'met' }),
      ],
      approvalRequired: true,
      approvalReasons: [
        expect.stringMatching(
          /^Endpoint requires approval by group:default\/finops \(governance:costly-endpoint-approval/,
        ),
      ],
    });

    // 4 replicas: 2,336 USD; the plan's own rules pass, governance fails.
    const tooDear = run(governance, { replicas: { min: 1, max: 4 } });
    await expect(tooDear.done).rejects.toThrow(
      "Endpoint 'llama-8b-chat' does not meet 1 governance requirement(s) (aiPlatform.governance):\n- governance:endpoint-cost-ceiling (every ModelEndpoint → plan.cost.monthlyMaxUsd <= 2000): An endpoint costs at most 2,000 USD a month. How to satisfy: Lower replicas.max",
    );
    expect(tooDear.outputs().approved).toBe(true);
    expect(tooDear.outputs().governance.requirements[0].status).toBe('unmet');
  });
});
