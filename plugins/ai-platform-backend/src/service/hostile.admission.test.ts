import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(60_000);

const SERVICE = mockCredentials.service.header();
const USER = mockCredentials.user.header();
const EMPTY_TRACES = JSON.stringify({ resourceSpans: [] });

/**
 * Starts a POST /v1/traces whose body arrives in two parts: it holds its
 * ingest slot (admitted, reading the body) until `finish` sends the rest.
 */
function slowIngestRequest(port: number) {
  const body = Buffer.from(EMPTY_TRACES);
  const req = http.request({
    port,
    host: '127.0.0.1',
    method: 'POST',
    path: '/api/ai-platform/v1/traces',
    headers: {
      'content-type': 'application/json',
      'content-length': String(body.length),
      authorization: SERVICE,
    },
  });
  const answer = new Promise<{ status: number; text: string }>(
    (resolve, reject) => {
      req.on('response', res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      });
      req.on('error', reject);
    },
  );
  req.write(body.subarray(0, 5));
  return {
    answer,
    finish() {
      req.end(body.subarray(5));
    },
  };
}

describe('ingest admission control', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'answers 429 + Retry-After when the ingest slots and queue are full, while /health and reads still answer, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          aiPlatformPlugin,
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
          mockServices.rootConfig.factory({
            data: {
              aiPlatform: {
                ingest: { admission: { maxConcurrent: 1, maxQueued: 0 } },
              },
            },
          }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}/api/ai-platform`;
      const postTraces = (authorization?: string) =>
        fetch(`${base}/v1/traces`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization ? { authorization } : {}),
          },
          body: EMPTY_TRACES,
        });

      // Before: a request goes through.
      expect((await postTraces(SERVICE)).status).toBe(200);

      const holder = slowIngestRequest(port);
      // The held request takes the only slot; wait until a second one is refused.
      let rejected = await postTraces(SERVICE);
      for (let i = 0; i < 100 && rejected.status === 200; i++) {
        await new Promise(resolve => setTimeout(resolve, 20));
        rejected = await postTraces(SERVICE);
      }
      expect(rejected.status).toBe(429);
      expect(rejected.headers.get('retry-after')).toBe('1');
      const body = await rejected.json();
      expect(body.error.name).toBe('IngestQueueFullError');
      expect(body.error.message).toMatch(
        /at capacity \(1 request\(s\) in progress, 0 queued; aiPlatform\.ingest\.admission\).*retry after 1 s/,
      );

      // Authentication comes first: without credentials the answer is a
      // refusal of the caller (401/403), not 429.
      expect([401, 403]).toContain((await postTraces()).status);
      // Health and reads are not queued behind ingest.
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const summary = await fetch(`${base}/fleet/summary`, {
        headers: { authorization: USER },
      });
      expect(summary.status).toBe(200);
      expect((await summary.json()).fleet).toEqual([]);

      // The held request completes and frees its slot.
      holder.finish();
      expect(await holder.answer).toEqual({ status: 200, text: '{}' });
      expect((await postTraces(SERVICE)).status).toBe(200);
    },
  );
});
