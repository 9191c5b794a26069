import { InputError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import schema from './ModelEndpoint.v1alpha1.schema.json';
import {
  ModelEndpointEntityV1alpha1,
  collectModelEndpointEntityErrors,
  isAiPlatformModelEndpointCandidate,
  isModelEndpointEntityV1alpha1,
  modelEndpointEntityV1alpha1Validator,
  validateModelEndpointEntity,
} from './ModelEndpointEntityV1alpha1';

const selfHosted = (): any => structuredClone(schema.examples[0]);
const managed = (): any => structuredClone(schema.examples[1]);

describe('ModelEndpoint v1alpha1', () => {
  it.each(schema.examples.map(e => [e.metadata.name, e]))(
    'accepts the schema example %s',
    (_name, example) => {
      expect(collectModelEndpointEntityErrors(example)).toEqual([]);
      expect(validateModelEndpointEntity(example)).toBe(example);
      expect(modelEndpointEntityV1alpha1Validator(example)).toBe(example);
    },
  );

  it('accepts a minimal managed endpoint', () => {
    const entity = {
      apiVersion: 'aiplatform.io/v1alpha1',
      kind: 'ModelEndpoint',
      metadata: { name: 'claude' },
      spec: {
        type: 'chat',
        lifecycle: 'experimental',
        owner: 'user:jane.doe',
        model: { name: 'claude-sonnet-4' },
        serving: { mode: 'managed', provider: 'anthropic' },
      },
    };
    expect(collectModelEndpointEntityErrors(entity)).toEqual([]);
  });

  it.each<[string, () => unknown, string[]]>([
    [
      'missing spec',
      () => {
        const e = selfHosted();
        delete e.spec;
        return e;
      },
      ['spec: is required'],
    ],
    [
      'missing required spec fields',
      () => {
        const e = selfHosted();
        delete e.spec.type;
        delete e.spec.lifecycle;
        delete e.spec.owner;
        return e;
      },
      [
        'spec.type: is required',
        'spec.lifecycle: is required',
        'spec.owner: is required',
      ],
    ],
    [
      'missing model name',
      () => {
        const e = selfHosted();
        delete e.spec.model.name;
        return e;
      },
      ['spec.model.name: is required'],
    ],
    [
      'missing serving',
      () => {
        const e = selfHosted();
        delete e.spec.serving;
        return e;
      },
      ['spec.serving: is required'],
    ],
    [
      'unknown type',
      () => {
        const e = selfHosted();
        e.spec.type = 'image';
        return e;
      },
      [
        'spec.type: must be one of chat, completion, embedding, rerank, classification',
      ],
    ],
    [
      'self-hosted without runtime',
      () => {
        const e = selfHosted();
        delete e.spec.serving.runtime;
        return e;
      },
      ['spec.serving.runtime: is required'],
    ],
    [
      'managed without provider',
      () => {
        const e = managed();
        delete e.spec.serving.provider;
        return e;
      },
      ['spec.serving.provider: is required'],
    ],
    [
      'unknown serving mode',
      () => {
        const e = managed();
        e.spec.serving.mode = 'serverless';
        return e;
      },
      ['spec.serving.mode: must be one of self-hosted, managed'],
    ],
    [
      'unknown runtime',
      () => {
        const e = selfHosted();
        e.spec.serving.runtime = 'tgi';
        return e;
      },
      ['spec.serving.runtime: must be one of vllm, kserve, kserve-llm, nim'],
    ],
    [
      'unknown provider',
      () => {
        const e = managed();
        e.spec.serving.provider = 'acme';
        return e;
      },
      [
        'spec.serving.provider: must be one of openai, anthropic, bedrock, vertex, azure-openai, google, mistral, cohere, other',
      ],
    ],
    [
      'negative replicas and a non-integer max',
      () => {
        const e = selfHosted();
        e.spec.serving.replicas = { min: -1, max: 2.5 };
        return e;
      },
      [
        'spec.serving.replicas.min: must be at least 0',
        'spec.serving.replicas.max: must be an integer',
      ],
    ],
    [
      'replicas.min greater than replicas.max',
      () => {
        const e = selfHosted();
        e.spec.serving.replicas = { min: 5, max: 2 };
        return e;
      },
      ['spec.serving.replicas: min (5) must not be greater than max (2)'],
    ],
    [
      'parameter count as a string',
      () => {
        const e = selfHosted();
        e.spec.model.parametersBillions = '8B';
        return e;
      },
      ['spec.model.parametersBillions: must be a number'],
    ],
    [
      'zero TTFT objective and an error rate above 100 percent',
      () => {
        const e = selfHosted();
        e.spec.slo = { ttftP95Ms: 0, errorRatePercent: 150 };
        return e;
      },
      [
        'spec.slo.ttftP95Ms: must be greater than 0',
        'spec.slo.errorRatePercent: must be at most 100',
      ],
    ],
    [
      'negative budget and price',
      () => {
        const e = managed();
        e.spec.budget = { monthlyUsd: -10 };
        e.spec.pricing.inputPerMillionTokensUsd = -1;
        return e;
      },
      [
        'spec.budget.monthlyUsd: must be at least 0',
        'spec.pricing.inputPerMillionTokensUsd: must be at least 0',
      ],
    ],
    [
      'unknown data classification',
      () => {
        const e = selfHosted();
        e.spec.dataClassification = 'secret';
        return e;
      },
      [
        'spec.dataClassification: must be one of public, internal, confidential, restricted',
      ],
    ],
    [
      'empty gateway model alias',
      () => {
        const e = selfHosted();
        e.spec.gateway.model = '';
        return e;
      },
      ['spec.gateway.model: must not be empty'],
    ],
    [
      'unknown fields in spec and model',
      () => {
        const e = selfHosted();
        e.spec.costCenter = 'cc-1';
        e.spec.model.quantization = 'awq';
        return e;
      },
      [
        'spec.costCenter: is not a known field',
        'spec.model.quantization: is not a known field',
      ],
    ],
    [
      'malformed owner reference',
      () => {
        const e = selfHosted();
        e.spec.owner = 'group:ML Platform';
        return e;
      },
      [
        'spec.owner: must be an entity reference of the form [kind:][namespace/]name',
      ],
    ],
    [
      'owner of a kind that cannot own',
      () => {
        const e = selfHosted();
        e.spec.owner = 'component:default/billing';
        return e;
      },
      ['spec.owner: must reference a Group or User entity, got kind component'],
    ],
    [
      'cluster reference of the wrong kind',
      () => {
        const e = selfHosted();
        e.spec.serving.cluster = 'system:gpu-eu-west-1';
        return e;
      },
      [
        'spec.serving.cluster: must reference a Resource entity, got kind system',
      ],
    ],
    [
      'unknown apiVersion of our group',
      () => {
        const e = selfHosted();
        e.apiVersion = 'aiplatform.io/v1beta1';
        return e;
      },
      ['apiVersion: must be one of aiplatform.io/v1alpha1'],
    ],
    [
      'missing metadata name',
      () => {
        const e = selfHosted();
        delete e.metadata.name;
        return e;
      },
      ['metadata.name: is required'],
    ],
    ['not an object', () => 'ModelEndpoint', ['<entity>: must be an object']],
  ])('rejects %s', (_case, makeEntity, expected) => {
    expect(collectModelEndpointEntityErrors(makeEntity())).toEqual(expected);
  });

  it('throws an InputError naming the entity and every problem', () => {
    const entity = selfHosted();
    delete entity.spec.serving.runtime;
    entity.spec.type = 'image';
    expect(() => validateModelEndpointEntity(entity)).toThrow(InputError);
    expect(() => validateModelEndpointEntity(entity)).toThrow(
      'ModelEndpoint "default/llama-3-1-8b-chat" is invalid: spec.type: must be one of chat, completion, embedding, rerank, classification; spec.serving.runtime: is required',
    );
  });

  it('lets the catalog-model validator ignore other kinds and versions', () => {
    const other = { ...selfHosted(), kind: 'Component' };
    expect(modelEndpointEntityV1alpha1Validator(other)).toBe(false);
    const invalid = selfHosted();
    delete invalid.spec.model;
    expect(() => modelEndpointEntityV1alpha1Validator(invalid)).toThrow(
      TypeError,
    );
  });

  it('recognises ModelEndpoint entities', () => {
    const entity: Entity = selfHosted();
    expect(isModelEndpointEntityV1alpha1(entity)).toBe(true);
    expect(isAiPlatformModelEndpointCandidate(entity)).toBe(true);
    const future = { ...entity, apiVersion: 'aiplatform.io/v2' };
    expect(isModelEndpointEntityV1alpha1(future)).toBe(false);
    expect(isAiPlatformModelEndpointCandidate(future)).toBe(true);
    const foreign = { ...entity, apiVersion: 'acme.com/v1' };
    expect(isAiPlatformModelEndpointCandidate(foreign)).toBe(false);
    const agent = { ...entity, kind: 'Agent' };
    expect(isModelEndpointEntityV1alpha1(agent)).toBe(false);
    const typed: ModelEndpointEntityV1alpha1 =
      validateModelEndpointEntity(entity);
    expect(typed.spec.serving.mode).toBe('self-hosted');
  });
});
