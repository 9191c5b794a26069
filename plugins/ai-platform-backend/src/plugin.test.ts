import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from './__testUtils__/ingestTestBackend';
import { TelemetryEvent } from './database/TelemetryStore';

jest.setTimeout(60_000);

const USAGE_PATH =
  '/api/ai-platform/usage/by-entity/modelendpoint/default/llama-chat';
const WINDOW_QUERY = {
  from: '2026-11-23T00:00:00Z',
  to: '2026-11-24T00:00:00Z',
};

function chatEvent(
  sourceEventId: string,
  overrides: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId,
    occurredAt: new Date('2026-11-23T10:15:00Z'),
    entityRef: 'modelendpoint:default/llama-chat',
    joinKey: 'llama-chat',
    operation: 'chat',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    provider: 'vllm',
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 0.5,
    ttftMs: 300,
    latencyMs: 2000,
    ...overrides,
  };
}

describe('aiPlatformPlugin', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  const startBackend = (
    databaseId: TestDatabaseId,
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) => startIngestTestBackend(databases, databaseId, { permission });

  it.each(databases.eachSupportedId())(
    'answers health checks without credentials, %p',
    async databaseId => {
      const { server } = await startBackend(databaseId, AuthorizeResult.DENY);
      const response = await request(server)
        .get('/api/ai-platform/health')
        .set('Authorization', mockCredentials.none.header());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects usage requests without credentials, %p',
    async databaseId => {
      const { server } = await startBackend(databaseId, AuthorizeResult.ALLOW);
      const response = await request(server)
        .get(USAGE_PATH)
        .query(WINDOW_QUERY)
        .set('Authorization', mockCredentials.none.header());
      expect(response.status).toBe(401);
      expect(response.body.error.name).toBe('AuthenticationError');
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects usage requests from services, %p',
    async databaseId => {
      const { server } = await startBackend(databaseId, AuthorizeResult.ALLOW);
      const response = await request(server)
        .get(USAGE_PATH)
        .query(WINDOW_QUERY)
        .set('Authorization', mockCredentials.service.header());
      expect(response.status).toBe(403);
    },
  );

  it.each(databases.eachSupportedId())(
    'forbids usage when the permission policy denies it, %p',
    async databaseId => {
      const { server, store } = await startBackend(
        databaseId,
        AuthorizeResult.DENY,
      );
      await store.insertEvents([chatEvent('r1')]);
      const byEntity = await request(server)
        .get(USAGE_PATH)
        .query(WINDOW_QUERY)
        .set('Authorization', mockCredentials.user.header());
      expect(byEntity.status).toBe(403);
      expect(byEntity.body.error).toMatchObject({
        name: 'NotAllowedError',
        message:
          'Not allowed to read the telemetry of modelendpoint:default/llama-chat',
      });
      expect(byEntity.body).not.toHaveProperty('requests');

      const unattributed = await request(server)
        .get('/api/ai-platform/usage/unattributed')
        .query(WINDOW_QUERY)
        .set('Authorization', mockCredentials.user.header());
      expect(unattributed.status).toBe(403);
    },
  );

  it.each(databases.eachSupportedId())(
    'returns usage stored through the telemetry store, %p',
    async databaseId => {
      const { server, store } = await startBackend(
        databaseId,
        AuthorizeResult.ALLOW,
      );
      await store.insertEvents([
        chatEvent('r1'),
        chatEvent('r2', { ttftMs: 500, latencyMs: 3000 }),
        chatEvent('r3', { status: 'error', errorType: '500', costUsd: 0 }),
        chatEvent('r4', { streamed: false, ttftMs: null }),
        chatEvent('u1', { entityRef: null, joinKey: 'gpt-4o' }),
      ]);

      const response = await request(server)
        .get(USAGE_PATH)
        .query(WINDOW_QUERY)
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        entityRef: 'modelendpoint:default/llama-chat',
        subject: 'entity:modelendpoint:default/llama-chat',
        window: {
          from: '2026-11-23T00:00:00.000Z',
          to: '2026-11-24T00:00:00.000Z',
        },
        requests: 4,
        errors: 1,
        errorRatePercent: 25,
        inputTokens: 4000,
        outputTokens: 400,
        costUsd: 1.5,
        ttftMs: { p50: expect.any(Number), p95: expect.any(Number), count: 2 },
        latencyMs: {
          p50: expect.any(Number),
          p95: expect.any(Number),
          count: 3,
        },
        // No OTLP histograms were sent.
        ttftMsFromGatewayHistograms: {
          p95Estimate: null,
          count: 0,
          estimated: true,
        },
      });
      // Sketch percentiles are within 1% of the value of rank
      // floor(q * (n - 1)): TTFT [300, 500] -> 300 for both; latency of the
      // successful calls [2000, 2000, 3000] -> 2000 for both.
      const { ttftMs, latencyMs } = response.body;
      for (const [estimate, exact] of [
        [ttftMs.p50, 300],
        [ttftMs.p95, 300],
        [latencyMs.p50, 2000],
        [latencyMs.p95, 2000],
      ]) {
        expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.01);
      }

      const unattributed = await request(server)
        .get('/api/ai-platform/usage/unattributed')
        .query(WINDOW_QUERY)
        .set('Authorization', mockCredentials.user.header());
      expect(unattributed.status).toBe(200);
      expect(unattributed.body.items).toEqual([
        expect.objectContaining({ joinKey: 'gpt-4o', requests: 1 }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects a malformed window with a message naming the parameter, %p',
    async databaseId => {
      const { server } = await startBackend(databaseId, AuthorizeResult.ALLOW);
      const response = await request(server)
        .get(USAGE_PATH)
        .query({ from: 'yesterday' })
        .set('Authorization', mockCredentials.user.header());
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('InputError');
      expect(response.body.error.message).toContain("'from'");
    },
  );
});
