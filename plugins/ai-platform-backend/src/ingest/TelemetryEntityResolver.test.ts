import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogTelemetryEntityResolver } from './TelemetryEntityResolver';
import { UnresolvedTelemetryEvent } from './UnresolvedTelemetryEvent';

function endpoint(name: string, alias: string): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name, namespace: 'default' },
    spec: { gateway: { model: alias } },
  };
}

const CALL: UnresolvedTelemetryEvent = {
  source: 'otlp',
  sourceEventId: 'e1',
  occurredAt: new Date('2026-09-20T10:00:00Z'),
  joinKey: 'llama-chat',
  operation: 'chat',
  model: null,
  provider: null,
  streamed: false,
  status: 'ok',
  errorType: null,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  ttftMs: null,
  latencyMs: 10,
  agentJoinKeyCandidates: ['agt-id', 'agent-name'],
  agentMatchOnlyKeys: ['key-alias'],
};

describe('CatalogTelemetryEntityResolver', () => {
  it('picks up catalog changes after the refresh interval', async () => {
    let nowMs = 0;
    const catalog = catalogServiceMock.mock({
      getEntities: jest
        .fn()
        .mockResolvedValueOnce({ items: [] })
        .mockResolvedValueOnce({ items: [endpoint('llama', 'llama-chat')] }),
    });
    const resolver = new CatalogTelemetryEntityResolver({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 60_000,
      now: () => nowMs,
    });

    expect((await resolver.resolve([CALL]))[0].entityRef).toBeNull();
    nowMs = 59_000;
    expect((await resolver.resolve([CALL]))[0].entityRef).toBeNull();
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
    nowMs = 61_000;
    expect((await resolver.resolve([CALL]))[0].entityRef).toBe(
      'modelendpoint:default/llama',
    );
  });

  it('keeps the last index when a refresh fails, and fails only before the first read', async () => {
    let nowMs = 0;
    const catalog = catalogServiceMock.mock({
      getEntities: jest
        .fn()
        .mockRejectedValueOnce(new Error('catalog down'))
        .mockResolvedValueOnce({ items: [endpoint('llama', 'llama-chat')] })
        .mockRejectedValueOnce(new Error('catalog down')),
    });
    const resolver = new CatalogTelemetryEntityResolver({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 1000,
      now: () => nowMs,
    });
    await expect(resolver.resolve([CALL])).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
    expect((await resolver.resolve([CALL]))[0].entityRef).toBe(
      'modelendpoint:default/llama',
    );
    nowMs = 5000;
    expect((await resolver.resolve([CALL]))[0].entityRef).toBe(
      'modelendpoint:default/llama',
    );
  });

  it('matches agents by id, then name, then key alias; spec beats annotation', async () => {
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'aiplatform.io/v1alpha1',
          kind: 'Agent',
          metadata: { name: 'by-alias' },
          spec: { gateway: { agentId: 'key-alias' } },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'annotated',
            annotations: { 'aiplatform.io/gateway-model': 'llama-chat' },
          },
          spec: {},
        },
        endpoint('llama', 'llama-chat'),
      ],
    });
    const resolver = new CatalogTelemetryEntityResolver({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 1000,
    });
    const [event] = await resolver.resolve([CALL]);
    expect(event).toMatchObject({
      entityRef: 'modelendpoint:default/llama',
      agentJoinKey: 'key-alias',
      agentEntityRef: 'agent:default/by-alias',
    });
    const [unmatched] = await resolver.resolve([
      { ...CALL, joinKey: 'other', agentMatchOnlyKeys: [] },
    ]);
    expect(unmatched).toMatchObject({
      entityRef: null,
      agentJoinKey: 'agt-id',
      agentEntityRef: null,
    });
  });
});
