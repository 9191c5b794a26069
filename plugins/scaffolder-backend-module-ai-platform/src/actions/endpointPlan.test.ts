import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  aiPlatformBackendClientAt,
  startAiPlatformAuditBackend,
} from '../__testUtils__/aiPlatformAuditBackend';
import {
  selfHostedEndpoint,
  testAiPlatformConfig,
} from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointPlanAction } from './endpointPlan';

const baseInput = {
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

function setup(
  options: {
    entities?: ReturnType<typeof selfHostedEndpoint>[];
    aiPlatform?: JsonObject;
  } = {},
) {
  const catalog = catalogServiceMock({ entities: options.entities ?? [] });
  const getEntities = jest.spyOn(catalog, 'getEntities');
  const action = createAiPlatformEndpointPlanAction({
    config: new ConfigReader({
      aiPlatform: options.aiPlatform ?? testAiPlatformConfig,
    }),
    catalog,
  });
  return { action, getEntities };
}

function context(input: Record<string, unknown>) {
  return createMockActionContext({
    input: { ...baseInput, ...input } as any,
    logger: mockServices.logger.mock(),
  });
}

function outputs(ctx: { output: unknown }): Record<string, any> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

describe('ai-platform:endpoint:plan', () => {
  it('outputs an approved plan with the numbers, cost and every decision', async () => {
    const { action, getEntities } = setup();
    const ctx = context({});

    await action.handler(ctx as any);

    const out = outputs(ctx);
    expect(out.approved).toBe(true);
    expect(out.namespace).toBe('llm-shared');
    expect(out.gitopsPath).toBe(
      'clusters/gpu-eu-west-1/llm-shared/llama-8b-chat',
    );
    expect(out.fitSummary).toBe(
      'fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
    );
    expect(out.monthlyCostMinUsd).toBe(584);
    expect(out.monthlyCostMaxUsd).toBe(1168);
    expect(out.plan.gpuProfile.resourceName).toBe('nvidia.com/gpu');
    expect(out.decisions.map((d: any) => d.rule)).toEqual(
      expect.arrayContaining([
        'memory-fit',
        'gpu-quota',
        'monthly-budget',
        'policy:max-eight-replicas',
        'policy:endpoint-cost-cap',
      ]),
    );
    expect(out.decisions.every((d: any) => d.outcome === 'pass')).toBe(true);
    // read with the initiator's credentials
    const credentials = await ctx.getInitiatorCredentials();
    expect(getEntities).toHaveBeenCalledWith(
      {
        filter: {
          kind: 'ModelEndpoint',
          'spec.serving.mode': 'self-hosted',
        },
      },
      { credentials },
    );
  });

  it('counts the team ModelEndpoints in the catalog against quota and budget', async () => {
    const { action } = setup({
      entities: [
        // ml-platform (short owner ref) holds 3 L4s
        selfHostedEndpoint({
          name: 'mistral',
          owner: 'ml-platform',
          gpuProfile: 'l4-24gb',
          maxReplicas: 3,
        }),
        // another team's endpoint does not count
        selfHostedEndpoint({
          name: 'bge',
          owner: 'group:default/support-experience',
          gpuProfile: 'l4-24gb',
          maxReplicas: 2,
        }),
        // the endpoint being re-planned does not count twice
        selfHostedEndpoint({
          name: 'llama-8b-chat',
          owner: 'group:default/ml-platform',
          gpuProfile: 'l4-24gb',
          maxReplicas: 2,
        }),
      ],
    });
    const ctx = context({});

    await expect(action.handler(ctx as any)).rejects.toThrow(
      "Endpoint 'llama-8b-chat' was not planned: 1 rule(s) failed:\n- gpu-quota: group:default/ml-platform holds 3 nvidia.com/gpu on l4-24gb at max replicas; this endpoint adds 2 (2 replicas × 1): 5 exceeds the quota of 4",
    );
    const plan = outputs(ctx).plan;
    expect(plan.quota).toEqual({
      gpuProfile: 'l4-24gb',
      quotaGpus: 4,
      existingGpus: 3,
      requestedGpus: 2,
    });
    expect(plan.budget.existingMonthlyUsd).toBe(1752);
  });

  it('fails the budget with the entity price of existing endpoints', async () => {
    const { action } = setup({
      entities: [
        selfHostedEndpoint({
          name: 'big',
          owner: 'group:default/support-experience',
          gpuProfile: 'l4-24gb',
          maxReplicas: 2,
          gpuHourUsd: 2,
        }),
      ],
    });
    const ctx = context({
      owner: 'group:default/support-experience',
      replicas: { min: 1, max: 2 },
    });
    // 4000 − 2 × 2 × 730 = 1080 left; this endpoint costs 1168
    await expect(action.handler(ctx as any)).rejects.toThrow(
      '- monthly-budget: this endpoint costs up to 1,168.00 USD/month at 2 replicas; group:default/support-experience has 1,080.00 USD left of its 4,000.00 USD monthly budget (existing self-hosted endpoints: 2,920.00 USD)',
    );
  });

  it('lists every failed rule, one per line, and outputs no gitopsPath', async () => {
    const { action } = setup();
    const ctx = context({
      name: 'Llama_8B',
      contextTokens: 131072,
      replicas: { min: 1, max: 9 },
      dataClassification: 'restricted',
    });

    const error = await action.handler(ctx as any).catch(e => e);

    expect(error.name).toBe('InputError');
    expect(error.message.split('\n')).toEqual([
      "Endpoint 'Llama_8B' was not planned: 6 rule(s) failed:",
      "- endpoint-name: name: 'Llama_8B' must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit",
      '- memory-fit: meta-llama/Llama-3.1-8B-Instruct with 131072 tokens × 1 sequence(s) on l4-24gb does not fit: 15.0 GiB weights + 16.0 GiB KV + 2.0 GiB overhead = 33.0 GiB > 20.7 GiB usable; at this context at most 0 sequence(s) fit. Lower contextTokens, raise tensorParallelSize or pick a larger GPU profile',
      '- gpu-quota: group:default/ml-platform holds 0 nvidia.com/gpu on l4-24gb at max replicas; this endpoint adds 9 (9 replicas × 1): 9 exceeds the quota of 4',
      '- model-data-classification: dataClassification: meta-llama/Llama-3.1-8B-Instruct is approved only up to confidential data, not restricted',
      '- cluster-data-classification: dataClassification: cluster gpu-eu-west-1 may not process restricted data; it allows public, internal, confidential',
      '- policy:max-eight-replicas: An endpoint may scale to at most 8 replicas',
    ]);
    const out = outputs(ctx);
    expect(out.approved).toBe(false);
    expect(out.gitopsPath).toBeUndefined();
  });

  it('names unknown model, profile and cluster and skips policies that need them', async () => {
    const { action } = setup();
    const ctx = context({ model: 'gpt2', gpuProfile: 'a100', cluster: 'mars' });

    const error = await action.handler(ctx as any).catch(e => e);

    expect(error.message).toContain(
      "- known-model: model: 'gpt2' is not an approved model; approved: meta-llama/Llama-3.1-8B-Instruct, meta-llama/Llama-3.1-70B-Instruct, BAAI/bge-m3",
    );
    expect(error.message).toContain(
      "- known-gpu-profile: gpuProfile: 'a100' is not a GPU profile of the platform; known: h100-80gb, h100-mig-3g-40gb, l4-24gb",
    );
    expect(error.message).toContain(
      "- known-cluster: cluster: 'mars' is not a cluster of the platform; known: gpu-eu-west-1",
    );
    expect(error.message).not.toContain('policy:');
  });

  it('fails a CEL policy that evaluates to false and passes it when true', async () => {
    const aiPlatform = {
      ...testAiPlatformConfig,
      policies: [
        {
          id: 'no-70b-on-kserve',
          expression:
            "!(request.model == 'meta-llama/Llama-3.1-70B-Instruct' && request.runtime == 'kserve')",
          message: '70B models run on kserve-llm or vllm only',
        },
      ],
    };
    const input70b = {
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      gpuProfile: 'h100-80gb',
      tensorParallelSize: 4,
      replicas: { min: 1, max: 1 },
    };
    const { action } = setup({ aiPlatform });

    const rejected = context({ ...input70b, runtime: 'kserve' });
    await expect(action.handler(rejected as any)).rejects.toThrow(
      "Endpoint 'llama-8b-chat' was not planned: 1 rule(s) failed:\n- policy:no-70b-on-kserve: 70B models run on kserve-llm or vllm only",
    );
    const accepted = context({ ...input70b, runtime: 'kserve-llm' });
    await action.handler(accepted as any);
    expect(outputs(accepted).approved).toBe(true);
    expect(outputs(accepted).monthlyCostMaxUsd).toBe(9344);
  });

  it('refuses to start with a policy that does not compile, naming the config key', () => {
    expect(() =>
      setup({
        aiPlatform: {
          ...testAiPlatformConfig,
          policies: [
            {
              id: 'broken',
              expression: 'request.replicas.max <=',
              message: 'x',
            },
          ],
        },
      }),
    ).toThrow(
      "Invalid AI Platform config:\n- aiPlatform.policies[0].expression: policy 'broken' is not a valid CEL expression: Unexpected token: EOF",
    );
  });

  it('runs the same in a dry run (a pure read)', async () => {
    const { action } = setup();
    const ctx = Object.assign(context({}), { isDryRun: true });
    await action.handler(ctx as any);
    expect(outputs(ctx).approved).toBe(true);
    expect(action.supportsDryRun).toBe(true);
  });
});

describe('ai-platform:endpoint:plan audit trail (real ai-platform backend)', () => {
  let audit: Awaited<ReturnType<typeof startAiPlatformAuditBackend>>;
  beforeAll(async () => {
    audit = await startAiPlatformAuditBackend();
  });
  afterAll(() => audit.stop());

  function plan(
    input: Record<string, unknown>,
    options: { isDryRun?: boolean; governance?: object; backend?: any } = {},
  ) {
    const action = createAiPlatformEndpointPlanAction({
      config: new ConfigReader({
        aiPlatform: {
          ...testAiPlatformConfig,
          governance: options.governance,
        } as any,
      }),
      catalog: catalogServiceMock({ entities: [] }),
      backend: options.backend ?? audit.client,
    });
    const ctx = Object.assign(context(input), { isDryRun: options.isDryRun });
    return { ctx, done: action.handler(ctx as any) };
  }

  it('records an allowed plan for the endpoint, with the user as actor', async () => {
    await plan({ name: 'audit-allowed' }).done;

    expect(
      await audit.auditTrailOf('modelendpoint:default/audit-allowed'),
    ).toEqual([
      expect.objectContaining({
        action: 'plan',
        actor: 'user:default/mock',
        decision: 'allowed',
        reasons: [],
        details: expect.objectContaining({
          gitopsPath: 'clusters/gpu-eu-west-1/llm-shared/audit-allowed',
          monthlyCostMaxUsd: 1168,
          approvalRequired: false,
          taskId: 'mock-task-id',
          request: expect.objectContaining({ replicas: { min: 1, max: 2 } }),
        }),
      }),
    ]);
  });

  it('records a refused plan with every failed rule before the step fails', async () => {
    const { done } = plan({
      name: 'audit-refused',
      replicas: { min: 1, max: 9 },
      dataClassification: 'restricted',
    });
    await expect(done).rejects.toThrow(
      "Endpoint 'audit-refused' was not planned: 4 rule(s) failed",
    );

    const [event, ...older] = await audit.auditTrailOf(
      'modelendpoint:default/audit-refused',
    );
    expect(older).toEqual([]);
    expect(event).toMatchObject({ action: 'plan', decision: 'refused' });
    expect(event.reasons).toEqual([
      expect.stringMatching(/^gpu-quota: .*9 exceeds the quota of 4$/),
      expect.stringMatching(/^model-data-classification: /),
      expect.stringMatching(/^cluster-data-classification: /),
      'policy:max-eight-replicas: An endpoint may scale to at most 8 replicas',
    ]);
  });

  it('records a plan that needs approval with the approval reasons, and an unmet requirement as refused', async () => {
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
        },
      ],
    };
    await plan({ name: 'audit-approval' }, { governance }).done;
    const tooDear = plan(
      { name: 'audit-approval', replicas: { min: 1, max: 4 } },
      { governance },
    );
    await expect(tooDear.done).rejects.toThrow('governance requirement(s)');

    const trail = await audit.auditTrailOf(
      'modelendpoint:default/audit-approval',
    );
    // Both runs may fall in the same millisecond: compared in decision order.
    expect(
      trail
        .map(e => [e.decision, e.reasons])
        .sort(([a], [b]) => a.localeCompare(b)),
    ).toEqual([
      [
        'needs-approval',
        [
          expect.stringMatching(
            /^Endpoint requires approval by group:default\/finops \(governance:costly-endpoint-approval/,
          ),
        ],
      ],
      [
        'refused',
        [
          'governance:endpoint-cost-ceiling (every ModelEndpoint → plan.cost.monthlyMaxUsd <= 2000): An endpoint costs at most 2,000 USD a month',
        ],
      ],
    ]);
  });

  it('records nothing in a dry run, refused or not', async () => {
    await plan({ name: 'audit-dry-run' }, { isDryRun: true }).done;
    await expect(
      plan(
        { name: 'audit-dry-run', replicas: { min: 1, max: 9 } },
        { isDryRun: true },
      ).done,
    ).rejects.toThrow('was not planned');

    expect(
      await audit.auditTrailOf('modelendpoint:default/audit-dry-run'),
    ).toEqual([]);
  });

  it('plans as usual when the backend does not take the event, and warns', async () => {
    // Nothing listens on port 1.
    const { ctx, done } = plan(
      { name: 'audit-unreachable' },
      {
        backend: aiPlatformBackendClientAt(
          'http://127.0.0.1:1/api/ai-platform',
        ),
      },
    );
    await done;

    expect(outputs(ctx).approved).toBe(true);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^The plan was not recorded in the ai-platform audit trail: .*fetch failed/,
      ),
    );
  });
});
