import { ENDPOINT_REQUEST_LIMITS } from '@ai-platform/plugin-ai-platform-common';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { testAiPlatformConfig } from '../__testUtils__/platformConfig';
import { createAiPlatformEndpointPlanAction } from './endpointPlan';

describe('ai-platform:endpoint:plan input limits', () => {
  // The scaffolder validates action input against this JSON schema before the
  // handler runs; POST /planning/preview applies the same shared limits.
  const action = createAiPlatformEndpointPlanAction({
    config: new ConfigReader({ aiPlatform: testAiPlatformConfig }),
    catalog: catalogServiceMock({ entities: [] }),
  });
  const properties = (action.schema?.input as any).properties;

  it.each([
    ['tensorParallelSize', ENDPOINT_REQUEST_LIMITS.tensorParallelSize],
    ['maxConcurrentSequences', ENDPOINT_REQUEST_LIMITS.maxConcurrentSequences],
    ['contextTokens', ENDPOINT_REQUEST_LIMITS.contextTokens],
  ])('bounds %s to whole numbers within the shared limits', (field, limit) => {
    expect(properties[field]).toMatchObject({
      type: 'integer',
      minimum: limit.min,
      maximum: limit.max,
    });
  });

  it('bounds the replicas to the shared limits', () => {
    expect(properties.replicas.properties.min).toMatchObject({
      type: 'integer',
      minimum: ENDPOINT_REQUEST_LIMITS.replicasMin.min,
      maximum: ENDPOINT_REQUEST_LIMITS.replicasMin.max,
    });
    expect(properties.replicas.properties.max).toMatchObject({
      type: 'integer',
      minimum: ENDPOINT_REQUEST_LIMITS.replicasMax.min,
      maximum: ENDPOINT_REQUEST_LIMITS.replicasMax.max,
    });
  });
});
