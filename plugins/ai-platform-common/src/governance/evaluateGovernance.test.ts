import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  describeUnmetGovernance,
  evaluateGovernance,
} from './evaluateGovernance';
import { readGovernanceConfig } from './governanceConfig';

const defaults = readGovernanceConfig(new ConfigReader({}));

function agent(spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'support-triage' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'group:default/customer-support',
      models: ['gpt-4o'],
      ...spec,
    },
  };
}

const compliantL3 = {
  autonomyLevel: 'L3',
  riskTier: 'limited',
  evals: [{ suite: 'golden', minScore: 0.85 }],
  budget: { monthlyUsd: 1500 },
  slo: { ttftP95Ms: 1200 },
};

function unmet(entity: Entity, config = defaults) {
  return evaluateGovernance(entity, config)
    .requirements.filter(r => r.status === 'unmet')
    .map(r => r.id);
}

describe('evaluateGovernance with the default requirements', () => {
  it.each(['L1', 'L2'])('asks nothing of a bare %s agent', level => {
    const result = evaluateGovernance(
      agent({ autonomyLevel: level, riskTier: 'minimal' }),
      defaults,
    );
    expect(result).toEqual({
      requirements: [],
      approvalRequired: false,
      approvalReasons: [],
    });
  });

  it('asks an L3 agent for an eval suite, a budget and an SLO, and no approval', () => {
    const result = evaluateGovernance(agent({ autonomyLevel: 'L3' }), defaults);
    expect(result.requirements.map(r => [r.id, r.status, r.message])).toEqual([
      ['eval-suite', 'unmet', 'L3 agent without an eval suite'],
      ['budget', 'unmet', 'L3 agent without a budget'],
      ['slo', 'unmet', 'L3 agent without an SLO'],
    ]);
    expect(result.requirements[0].rule).toBe(
      'governance:eval-suite (autonomyLevel L3+ → an eval suite with minScore)',
    );
    expect(result.requirements[0].howToSatisfy).toMatch(/spec\.evals/);
    expect(result.approvalRequired).toBe(false);
  });

  it('passes a compliant L3 agent', () => {
    const result = evaluateGovernance(agent(compliantL3), defaults);
    expect(result.requirements.every(r => r.status === 'met')).toBe(true);
    expect(result.requirements[0].message).toBe(
      'L3 agent has an eval suite with minScore',
    );
    expect(result.approvalRequired).toBe(false);
  });

  it('does not count an eval entry without minScore as an eval suite', () => {
    expect(
      unmet(agent({ ...compliantL3, evals: [{ suite: 'golden' }] })),
    ).toEqual(['eval-suite']);
  });

  it.each(['L4', 'L5'])(
    'asks an %s agent for a human in the loop and an approval',
    level => {
      const entity = agent({ ...compliantL3, autonomyLevel: level });
      const result = evaluateGovernance(entity, defaults);
      expect(unmet(entity)).toEqual(['human-in-the-loop']);
      expect(result.requirements.find(r => r.status === 'unmet')!.message).toBe(
        `${level} agent without a human in the loop`,
      );
      expect(result.approvalRequired).toBe(true);
      expect(result.approvalReasons).toEqual([
        `${level} agent requires approval by group:default/ml-platform (governance:approval-autonomy-risk (autonomyLevel L4+ or riskTier high → approval))`,
      ]);
      expect(
        unmet(agent({ ...compliantL3, autonomyLevel: level, humanInTheLoop: true })),
      ).toEqual([]);
    },
  );

  it('reports an L4 agent without an eval suite', () => {
    const entity = agent({
      autonomyLevel: 'L4',
      humanInTheLoop: true,
      budget: { monthlyUsd: 100 },
      slo: { errorRatePercent: 2 },
    });
    const result = evaluateGovernance(entity, defaults);
    expect(unmet(entity)).toEqual(['eval-suite']);
    expect(describeUnmetGovernance(result)).toBe(
      '- governance:eval-suite (autonomyLevel L3+ → an eval suite with minScore): L4 agent without an eval suite. How to satisfy: Add spec.evals with at least one suite and its minimum score, e.g. evals: [{ suite: my-golden-set, minScore: 0.8 }], and report its runs to POST /api/ai-platform/evals',
    );
  });

  it.each([
    ['minimal', false],
    ['limited', false],
    ['high', true],
  ])('for an L1 agent in risk tier %s, approval required: %s', (tier, required) => {
    const entity = agent({ autonomyLevel: 'L1', riskTier: tier });
    const result = evaluateGovernance(entity, defaults);
    expect(result.approvalRequired).toBe(required);
    expect(
      result.requirements
        .filter(r => r.status === 'unmet')
        .map(r => r.message),
    ).toEqual(required ? ['high-risk agent without a human in the loop'] : []);
  });

  it.each([
    ['public', false],
    ['internal', false],
    ['confidential', false],
    ['restricted', true],
  ])('for data classified %s, approval required: %s', (data, required) => {
    const result = evaluateGovernance(
      agent({ autonomyLevel: 'L1', dataClassification: data }),
      defaults,
    );
    expect(result.approvalRequired).toBe(required);
    const endpoint = evaluateGovernance(
      {
        apiVersion: 'aiplatform.io/v1alpha1',
        kind: 'ModelEndpoint',
        metadata: { name: 'llama' },
        spec: { dataClassification: data },
      },
      defaults,
    );
    expect(endpoint.approvalRequired).toBe(required);
    expect(
      endpoint.approvalReasons.map(reason =>
        reason.startsWith('endpoint handling restricted data requires approval'),
      ),
    ).toEqual(required ? [true] : []);
  });

  it('ignores other kinds and agents without an autonomy level', () => {
    expect(
      evaluateGovernance(
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { autonomyLevel: 'L5' } },
        defaults,
      ).requirements,
    ).toEqual([]);
    expect(unmet(agent({}))).toEqual([]);
  });
});

describe('evaluateGovernance with configured requirements', () => {
  const config = readGovernanceConfig(
    new ConfigReader({
      aiPlatform: {
        governance: {
          approverGroups: ['ai-governance'],
          requirements: [
            {
              id: 'production-owner-team',
              appliesTo: {
                kinds: ['Agent'],
                expression: "spec.lifecycle == 'production'",
              },
              control: 'expression',
              expression: "spec.owner.startsWith('group:')",
              message: 'A production agent is owned by a group',
              howToSatisfy: 'Set spec.owner to a group ref',
            },
            {
              id: 'product-approval',
              appliesTo: { kinds: ['Agent'], expression: "has(spec.audience) && spec.audience == 'product'" },
              control: 'approval',
            },
            {
              id: 'plan-cost',
              appliesTo: { kinds: ['ModelEndpoint'] },
              control: 'expression',
              expression: 'plan.cost.monthlyMaxUsd <= 1000',
              message: 'Endpoint costs at most 1000 USD a month',
            },
          ],
        },
      },
    }),
  );

  it('normalizes approver groups', () => {
    expect(config.approverGroups).toEqual(['group:default/ai-governance']);
  });

  it('evaluates CEL rules over the entity', () => {
    expect(unmet(agent({ owner: 'group:default/support' }), config)).toEqual([]);
    expect(unmet(agent({ owner: 'support' }), config)).toEqual([
      'production-owner-team',
    ]);
    expect(unmet(agent({ owner: 'support', lifecycle: 'experimental' }), config)).toEqual([]);
    expect(
      evaluateGovernance(agent({ audience: 'product' }), config).approvalReasons,
    ).toEqual([
      "Agent requires approval by group:default/ai-governance (governance:product-approval ((has(spec.audience) && spec.audience == 'product') → approval))",
    ]);
  });

  it('evaluates CEL rules over the plan context, and reports a rule that cannot be evaluated', () => {
    const endpoint: Entity = {
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'ModelEndpoint',
      metadata: { name: 'llama' },
      spec: {},
    };
    const cheap = evaluateGovernance(endpoint, config, {
      plan: { cost: { monthlyMaxUsd: 400 } },
    });
    expect(cheap.requirements.map(r => r.status)).toEqual(['met']);
    const dear = evaluateGovernance(endpoint, config, {
      plan: { cost: { monthlyMaxUsd: 4000 } },
    });
    expect(dear.requirements[0]).toMatchObject({
      status: 'unmet',
      message: 'Endpoint costs at most 1000 USD a month',
    });
    const noPlan = evaluateGovernance(endpoint, config);
    expect(noPlan.requirements[0].status).toBe('unmet');
    expect(noPlan.requirements[0].message).toMatch(
      /^could not be evaluated .*fix aiPlatform.governance requirement 'plan-cost'/,
    );
  });
});
