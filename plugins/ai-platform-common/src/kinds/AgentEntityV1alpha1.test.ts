import { InputError } from '@backstage/errors';
import schema from './Agent.v1alpha1.schema.json';
import {
  agentEntityV1alpha1Validator,
  collectAgentEntityErrors,
  isAgentEntityV1alpha1,
  isAiPlatformAgentCandidate,
  validateAgentEntity,
} from './AgentEntityV1alpha1';

const agent = (): any => structuredClone(schema.examples[0]);

describe('Agent v1alpha1', () => {
  it('accepts the schema example', () => {
    const example = agent();
    expect(collectAgentEntityErrors(example)).toEqual([]);
    expect(validateAgentEntity(example)).toBe(example);
    expect(agentEntityV1alpha1Validator(example)).toBe(example);
  });

  it('accepts a minimal agent', () => {
    expect(
      collectAgentEntityErrors({
        apiVersion: 'aiplatform.io/v1alpha1',
        kind: 'Agent',
        metadata: { name: 'release-notes-writer', namespace: 'tools' },
        spec: {
          type: 'assistant',
          lifecycle: 'experimental',
          owner: 'developer-experience',
          models: ['gpt-4o'],
        },
      }),
    ).toEqual([]);
  });

  it.each<[string, (e: any) => void, string[]]>([
    ['missing models', e => delete e.spec.models, ['spec.models: is required']],
    [
      'empty models',
      e => (e.spec.models = []),
      ['spec.models: must contain at least 1 entry'],
    ],
    [
      'duplicate models',
      e => (e.spec.models = ['gpt-4o', 'gpt-4o']),
      [
        'spec.models: must not contain duplicates (entries 0 and 1 are the same)',
      ],
    ],
    [
      'a model reference of the wrong kind',
      e => (e.spec.models = ['gpt-4o', 'component:default/chat-ui']),
      [
        'spec.models[1]: must reference a ModelEndpoint entity, got kind component',
      ],
    ],
    [
      'a malformed model reference',
      e => (e.spec.models = ['modelendpoint:default/']),
      [
        'spec.models[0]: must be an entity reference of the form [kind:][namespace/]name',
      ],
    ],
    [
      'a tool reference of the wrong kind',
      e => (e.spec.tools = ['resource:ticket-db']),
      ['spec.tools[0]: must reference an API entity, got kind resource'],
    ],
    [
      'an unknown autonomy level',
      e => (e.spec.autonomyLevel = 'L6'),
      ['spec.autonomyLevel: must be one of L1, L2, L3, L4, L5'],
    ],
    [
      'an autonomy level given as a number',
      e => (e.spec.autonomyLevel = 3),
      ['spec.autonomyLevel: must be a string'],
    ],
    [
      'an unknown audience',
      e => (e.spec.audience = 'partners'),
      ['spec.audience: must be one of product, internal-tool'],
    ],
    [
      'an unknown risk tier',
      e => (e.spec.riskTier = 'unacceptable'),
      ['spec.riskTier: must be one of minimal, limited, high'],
    ],
    [
      'humanInTheLoop as a string',
      e => (e.spec.humanInTheLoop = 'yes'),
      ['spec.humanInTheLoop: must be a boolean'],
    ],
    [
      'an eval minScore above 1',
      e => (e.spec.evals[0].minScore = 85),
      ['spec.evals[0].minScore: must be at most 1'],
    ],
    [
      'an eval without suite and minScore',
      e => (e.spec.evals = [{ description: 'tone' }]),
      [
        'spec.evals[0].suite: is required',
        'spec.evals[0].minScore: is required',
      ],
    ],
    [
      'a negative eval minScore',
      e => (e.spec.evals[0].minScore = -0.1),
      ['spec.evals[0].minScore: must be at least 0'],
    ],
    [
      'an empty gateway agent id',
      e => (e.spec.gateway.agentId = ''),
      ['spec.gateway.agentId: must not be empty'],
    ],
    [
      'an unknown field in gateway',
      e => (e.spec.gateway.model = 'gpt-4o'),
      ['spec.gateway.model: is not a known field'],
    ],
    [
      'an empty type and lifecycle',
      e => {
        e.spec.type = '';
        e.spec.lifecycle = '';
      },
      ['spec.type: must not be empty', 'spec.lifecycle: must not be empty'],
    ],
    [
      'a system reference of the wrong kind',
      e => (e.spec.system = 'domain:support'),
      ['spec.system: must reference a System entity, got kind domain'],
    ],
    [
      'an unknown data classification',
      e => (e.spec.dataClassification = 'top-secret'),
      [
        'spec.dataClassification: must be one of public, internal, confidential, restricted',
      ],
    ],
    [
      'a negative budget',
      e => (e.spec.budget.monthlyUsd = -1),
      ['spec.budget.monthlyUsd: must be at least 0'],
    ],
    [
      'a run success objective above 100 percent',
      e => (e.spec.slo = { runSuccessPercent: 101 }),
      ['spec.slo.runSuccessPercent: must be at most 100'],
    ],
    [
      'a zero run p95 objective',
      e => (e.spec.slo = { runP95Ms: 0 }),
      ['spec.slo.runP95Ms: must be greater than 0'],
    ],
    [
      'a negative budget per run',
      e => (e.spec.budget.perRunUsd = -0.01),
      ['spec.budget.perRunUsd: must be at least 0'],
    ],
    [
      'an unknown apiVersion of our group',
      e => (e.apiVersion = 'aiplatform.io/v2'),
      ['apiVersion: must be one of aiplatform.io/v1alpha1'],
    ],
  ])('rejects %s', (_case, mutate, expected) => {
    const entity = agent();
    mutate(entity);
    expect(collectAgentEntityErrors(entity)).toEqual(expected);
  });

  it('throws an InputError listing every problem', () => {
    const entity = agent();
    entity.metadata.namespace = 'support';
    entity.spec.autonomyLevel = 'L9';
    entity.spec.evals[0].minScore = 2;
    delete entity.spec.owner;
    expect(() => validateAgentEntity(entity)).toThrow(InputError);
    expect(() => validateAgentEntity(entity)).toThrow(
      'Agent "support/support-triage" is invalid: spec.owner: is required; spec.autonomyLevel: must be one of L1, L2, L3, L4, L5; spec.evals[0].minScore: must be at most 1',
    );
  });

  it('recognises Agent entities', () => {
    const entity = agent();
    expect(isAgentEntityV1alpha1(entity)).toBe(true);
    expect(isAiPlatformAgentCandidate(entity)).toBe(true);
    expect(isAgentEntityV1alpha1({ ...entity, kind: 'ModelEndpoint' })).toBe(
      false,
    );
    expect(
      isAiPlatformAgentCandidate({ ...entity, apiVersion: 'acme.com/v1' }),
    ).toBe(false);
    expect(agentEntityV1alpha1Validator({ ...entity, kind: 'API' })).toBe(
      false,
    );
  });
});
