import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createAiPlatformEntityValidateAction } from './entityValidate';

const catalogEntities: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o', namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'ml-platform',
      model: { name: 'gpt-4o' },
      serving: { mode: 'managed', provider: 'openai' },
      gateway: { model: 'gpt-4o' },
      dataClassification: 'restricted',
    },
  },
];

function agent(spec: object) {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'refund-bot' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'group:default/support-experience',
      models: ['gpt-4o'],
      dataClassification: 'internal',
      ...spec,
    },
  };
}

const compliantL4 = {
  autonomyLevel: 'L4',
  riskTier: 'limited',
  humanInTheLoop: true,
  evals: [{ suite: 'refunds-golden', minScore: 0.9 }],
  budget: { monthlyUsd: 800 },
  slo: { ttftP95Ms: 1500 },
};

describe('ai-platform:entity:validate governance', () => {
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  function run(entity: object, config: object = {}) {
    const action = createAiPlatformEntityValidateAction({
      catalog: catalogServiceMock({ entities: catalogEntities }),
      config: new ConfigReader(config),
    });
    workspace.setContent({ 'catalog-info.yaml': yaml.stringify(entity) });
    const ctx = createMockActionContext({
      input: { entityPath: './catalog-info.yaml', kind: 'Agent' } as any,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
    return { ctx, done: action.handler(ctx) };
  }

  it('fails an L4 agent listing every unmet requirement with its rule and how to satisfy it', async () => {
    const { ctx, done } = run(agent({ autonomyLevel: 'L4' }));
    const error: Error = await done.then(
      () => {
        throw new Error('expected the action to fail');
      },
      e => e,
    );
    expect(error.name).toBe('InputError');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(
      'agent:default/refund-bot does not meet 4 governance requirement(s) (aiPlatform.governance):',
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^- governance:eval-suite \(autonomyLevel L3\+ → an eval suite with minScore\): L4 agent without an eval suite\. How to satisfy: Add spec\.evals/,
      ),
      expect.stringMatching(
        /^- governance:budget .*: L4 agent without a budget\. How to satisfy: Set spec\.budget\.monthlyUsd/,
      ),
      expect.stringMatching(
        /^- governance:slo .*: L4 agent without an SLO\. How to satisfy: Set spec\.slo/,
      ),
      expect.stringMatching(
        /^- governance:human-in-the-loop \(autonomyLevel L4\+ or riskTier high → humanInTheLoop: true\): L4 agent without a human in the loop\. How to satisfy: Set spec\.humanInTheLoop: true/,
      ),
    ]);
    // The result is an output even when the action fails, for the task page.
    expect(ctx.output).toHaveBeenCalledWith(
      'governance',
      expect.objectContaining({ approvalRequired: true }),
    );
  });

  it('passes a compliant L4 agent and says that approval is required, without failing', async () => {
    const { ctx, done } = run(agent(compliantL4));
    await done;
    const governance = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'governance',
    )![1];
    expect(governance.requirements.map((r: any) => [r.id, r.status])).toEqual([
      ['eval-suite', 'met'],
      ['budget', 'met'],
      ['slo', 'met'],
      ['human-in-the-loop', 'met'],
    ]);
    expect(governance.approvalRequired).toBe(true);
    expect(governance.approvalReasons).toEqual([
      expect.stringMatching(
        /^L4 agent requires approval by group:default\/ml-platform/,
      ),
    ]);
  });

  it('needs no approval for an L2 agent and reports schema and governance problems together', async () => {
    const l2 = run(agent({ autonomyLevel: 'L2' }));
    await l2.done;
    expect(l2.ctx.output).toHaveBeenCalledWith('governance', {
      requirements: [],
      approvalRequired: false,
      approvalReasons: [],
    });

    const { done } = run(
      agent({ autonomyLevel: 'L3', models: ['modelendpoint:default/missing'] }),
    );
    await expect(done).rejects.toThrow(
      /failed validation:\n- spec\.models\[0\]: modelendpoint:default\/missing is not in the catalog[\s\S]*does not meet 3 governance requirement\(s\)/,
    );
  });

  it('applies aiPlatform.governance from config, with CEL rules', async () => {
    const config = {
      aiPlatform: {
        governance: {
          approverGroups: ['group:default/ai-governance'],
          requirements: [
            {
              id: 'production-has-evals',
              appliesTo: {
                kinds: ['Agent'],
                expression: "spec.lifecycle == 'production'",
              },
              control: 'evalSuite',
            },
          ],
        },
      },
    };
    await expect(
      run(agent({ autonomyLevel: 'L5' }), config).done,
    ).rejects.toThrow(
      /governance:production-has-evals \(\(spec\.lifecycle == 'production'\) → an eval suite with minScore\): L5 agent without an eval suite/,
    );
    const { ctx, done } = run(
      agent({ autonomyLevel: 'L5', lifecycle: 'experimental' }),
      config,
    );
    await done;
    expect(ctx.output).toHaveBeenCalledWith('governance', {
      requirements: [],
      approvalRequired: false,
      approvalReasons: [],
    });
  });

  it('stops at startup on an invalid governance config, naming the key', () => {
    expect(() =>
      createAiPlatformEntityValidateAction({
        catalog: catalogServiceMock({ entities: [] }),
        config: new ConfigReader({
          aiPlatform: {
            governance: {
              requirements: [{ id: 'x', control: 'evalSuites' }],
            },
          },
        }),
      }),
    ).toThrow(/aiPlatform\.governance\.requirements\[0\]\.control/);
  });
});
