import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  CATALOG_ONLY_TOKEN,
  INGEST_TOKEN,
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';

jest.setTimeout(60_000);

/** What no error body may show: a stack line, a file path. */
function expectNoInternals(body: string) {
  expect(body).not.toMatch(/"stack"/);
  expect(body).not.toMatch(/\n\s+at /);
  expect(body).not.toMatch(/\/work\/|node_modules|\.ts:\d+/);
}

describe('authentication inside the plugin router', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });
  const previousNodeEnv = process.env.NODE_ENV;

  // Backstage's error handlers show stacks when NODE_ENV=development.
  beforeAll(() => {
    process.env.NODE_ENV = 'development';
  });
  afterAll(() => {
    process.env.NODE_ENV = previousNodeEnv;
  });

  it.each(databases.eachSupportedId())(
    'answers a missing or wrong credential 401 with no stack or path, and health without one, %p',
    async databaseId => {
      const { server, backend } = await startIngestTestBackend(
        databases,
        databaseId,
        { ingestToken: true },
      );
      try {
        for (const call of [
          request(server).get('/api/ai-platform/usage/unattributed'),
          request(server).get('/api/ai-platform/fleet/summary'),
          request(server)
            .get('/api/ai-platform/scorecards?owner=group:default/a')
            .set('authorization', 'Bearer not-a-token'),
          request(server)
            .post('/api/ai-platform/v1/traces')
            .set('content-type', 'application/json')
            .send('{}'),
        ]) {
          const response = await call;
          expect(response.status).toBe(401);
          expect(response.body.error.name).toBe('AuthenticationError');
          expectNoInternals(response.text);
        }
        // A token of another plugin is refused as before (403 from the access restriction).
        const foreign = await request(server)
          .post('/api/ai-platform/v1/traces')
          .set('authorization', `Bearer ${CATALOG_ONLY_TOKEN}`)
          .set('content-type', 'application/json')
          .send('{}');
        expect([401, 403]).toContain(foreign.status);
        expectNoInternals(foreign.text);
        // The ingest token still works, and health needs no credentials.
        const ingest = await request(server)
          .post('/api/ai-platform/v1/traces')
          .set('authorization', `Bearer ${INGEST_TOKEN}`)
          .set('content-type', 'application/json')
          .send('{"resourceSpans":[]}');
        expect(ingest.status).toBe(200);
        const health = await request(server).get('/api/ai-platform/health');
        expect(health.status).toBe(200);
      } finally {
        await backend.stop();
      }
    },
  );
});
