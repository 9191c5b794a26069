import agentSchema from './kinds/Agent.v1alpha1.schema.json';
import modelEndpointSchema from './kinds/ModelEndpoint.v1alpha1.schema.json';
import {
  AGENT_AUDIENCES,
  AGENT_RISK_TIERS,
  AUTONOMY_LEVELS,
  AUTONOMY_LEVEL_DESCRIPTIONS,
  DATA_CLASSIFICATIONS,
  MANAGED_MODEL_PROVIDERS,
  MODEL_ENDPOINT_TYPES,
  SERVING_MODES,
  SERVING_RUNTIMES,
  compareDataClassification,
  isDataClassification,
} from './constants';

describe('compareDataClassification', () => {
  it('orders public < internal < confidential < restricted', () => {
    expect(compareDataClassification('public', 'internal')).toBeLessThan(0);
    expect(
      compareDataClassification('restricted', 'confidential'),
    ).toBeGreaterThan(0);
    expect(compareDataClassification('internal', 'internal')).toBe(0);
    expect(
      [...DATA_CLASSIFICATIONS].reverse().sort(compareDataClassification),
    ).toEqual(['public', 'internal', 'confidential', 'restricted']);
  });

  it('rejects unknown classifications', () => {
    expect(() => compareDataClassification('secret' as any, 'public')).toThrow(
      'Unknown data classification "secret", expected one of public, internal, confidential, restricted',
    );
    expect(isDataClassification('secret')).toBe(false);
    expect(isDataClassification('confidential')).toBe(true);
  });
});

describe('enumerations', () => {
  const me = (modelEndpointSchema.allOf[1] as any).properties.spec.properties;
  const ag = (agentSchema.allOf[1] as any).properties.spec.properties;

  it('match the JSON schemas', () => {
    expect(me.type.enum).toEqual(MODEL_ENDPOINT_TYPES);
    expect(me.serving.properties.mode.enum).toEqual(SERVING_MODES);
    expect(me.serving.properties.runtime.enum).toEqual(SERVING_RUNTIMES);
    expect(me.serving.properties.provider.enum).toEqual(
      MANAGED_MODEL_PROVIDERS,
    );
    expect(me.dataClassification.enum).toEqual(DATA_CLASSIFICATIONS);
    expect(ag.dataClassification.enum).toEqual(DATA_CLASSIFICATIONS);
    expect(ag.audience.enum).toEqual(AGENT_AUDIENCES);
    expect(ag.riskTier.enum).toEqual(AGENT_RISK_TIERS);
    expect(ag.autonomyLevel.enum).toEqual(AUTONOMY_LEVELS);
    expect(Object.keys(AUTONOMY_LEVEL_DESCRIPTIONS)).toEqual(AUTONOMY_LEVELS);
  });
});

describe('schemas', () => {
  // Every property schema must explain itself: description + examples.
  function undocumentedFields(node: any, path: string): string[] {
    const missing: string[] = [];
    if (node.properties) {
      for (const [name, child] of Object.entries<any>(node.properties)) {
        const childPath = `${path}.${name}`;
        if (!child.description || !Array.isArray(child.examples)) {
          missing.push(childPath);
        }
        missing.push(...undocumentedFields(child, childPath));
      }
    }
    if (node.items) {
      missing.push(...undocumentedFields(node.items, `${path}[]`));
    }
    return missing;
  }

  it.each([
    ['ModelEndpoint', modelEndpointSchema],
    ['Agent', agentSchema],
  ])('documents every %s spec field', (_kind, schema) => {
    const spec = (schema.allOf[1] as any).properties.spec;
    expect(undocumentedFields(spec, 'spec')).toEqual([]);
  });
});
