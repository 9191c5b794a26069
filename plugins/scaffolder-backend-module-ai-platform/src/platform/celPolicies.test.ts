import { compilePlatformPolicy, evaluatePlatformPolicies } from './celPolicies';

describe('CEL policies', () => {
  const maxReplicas = compilePlatformPolicy(
    {
      id: 'max-eight-replicas',
      expression: 'request.replicas.max <= 8',
      message: 'An endpoint may scale to at most 8 replicas',
    },
    'aiPlatform.policies[0]',
  );

  it('passes when the expression is true and fails with the message when false', () => {
    expect(
      evaluatePlatformPolicies([maxReplicas], {
        request: { replicas: { max: 8 } },
        plan: {},
      }),
    ).toEqual([
      {
        rule: 'policy:max-eight-replicas',
        outcome: 'pass',
        message: 'An endpoint may scale to at most 8 replicas',
      },
    ]);
    expect(
      evaluatePlatformPolicies([maxReplicas], {
        request: { replicas: { max: 9 } },
        plan: {},
      })[0].outcome,
    ).toBe('fail');
  });

  it('compares doubles from the plan with int literals', () => {
    const costCap = compilePlatformPolicy(
      {
        id: 'cost-cap',
        expression: 'plan.cost.monthlyMaxUsd <= 20000',
        message: 'at most 20,000 USD/month',
      },
      'aiPlatform.policies[1]',
    );
    const [low, high] = [1168.5, 20000.01].map(
      monthlyMaxUsd =>
        evaluatePlatformPolicies([costCap], {
          request: {},
          plan: { cost: { monthlyMaxUsd } },
        })[0].outcome,
    );
    expect([low, high]).toEqual(['pass', 'fail']);
  });

  it('reports an expression that does not compile, naming the config key', () => {
    expect(() =>
      compilePlatformPolicy(
        { id: 'broken', expression: 'request.replicas.max <=', message: 'x' },
        'aiPlatform.policies[2]',
      ),
    ).toThrow(
      "aiPlatform.policies[2].expression: policy 'broken' is not a valid CEL expression: Unexpected token: EOF",
    );
  });

  it('fails a policy that errors or returns a non-boolean', () => {
    const missingKey = compilePlatformPolicy(
      { id: 'missing', expression: 'request.nope == 1', message: 'x' },
      'k',
    );
    const notBoolean = compilePlatformPolicy(
      { id: 'number', expression: 'request.replicas.max', message: 'x' },
      'k',
    );
    expect(
      evaluatePlatformPolicies([missingKey, notBoolean], {
        request: { replicas: { max: 2 } },
        plan: {},
      }),
    ).toEqual([
      {
        rule: 'policy:missing',
        outcome: 'fail',
        message:
          "could not be evaluated (No such key: nope); fix aiPlatform.policies 'missing'",
      },
      {
        rule: 'policy:number',
        outcome: 'fail',
        message:
          "must evaluate to true or false, got number; fix aiPlatform.policies 'number'",
      },
    ]);
  });
});
