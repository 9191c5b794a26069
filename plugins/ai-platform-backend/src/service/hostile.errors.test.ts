import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex, knex as createKnex } from 'knex';
import net from 'node:net';
import request from 'supertest';
import promptfooResults from '../evals/__fixtures__/promptfoo-results.json';
import histogramFixture from '../ingest/__fixtures__/otlp-genai-histograms.json';
import litellmFixture from '../ingest/__fixtures__/litellm-standard-logging-payloads.json';
import tracesFixture from '../ingest/__fixtures__/otlp-agent-streamed-chat.json';
import evalFixture from '../ingest/__fixtures__/otlp-eval-results.json';
import { aiPlatformPlugin } from '../plugin';

jest.setTimeout(120_000);

const SERVICE = mockCredentials.service.header();
const USER = mockCredentials.user.header();
const API = '/api/ai-platform';
const EVAL_RUNS_TABLE = 'ai_platform_eval_runs';

const ENTITIES: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: { owner: 'group:default/team-a', gateway: { agentId: 'agt_01J9' } },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: { owner: 'group:default/team-a', gateway: { model: 'gpt-4o-mini' } },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  },
];

/** The time the fixtures' events start at (2026-09-20T10:15:00Z), in s. */
const FIXTURE_EPOCH_S = 1789899300;

/**
 * A fixture moved to an hour ago, inside the ingest plausibility window:
 * OTLP `*UnixNano` strings and LiteLLM's seconds.
 */
function recent<T>(fixture: T): T {
  const shiftS = Math.floor(Date.now() / 1000) - 3600 - FIXTURE_EPOCH_S;
  const shift = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) {
      return value.map(item => shift(item, ''));
    }
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, shift(v, k)]),
      );
    }
    if (/UnixNano$/i.test(key) && typeof value === 'string') {
      return String(BigInt(value) + BigInt(shiftS) * 1_000_000_000n);
    }
    if (/^(startTime|endTime|completionStartTime)$/.test(key)) {
      return typeof value === 'number' ? value + shiftS : value;
    }
    return value;
  };
  return shift(fixture, '') as T;
}

type Route = {
  method: 'get' | 'post';
  path: string;
  auth: string;
  body?: object;
  /** Routes that never read the store keep answering during an outage. */
  storeFree?: true;
};

/** Every route of the plugin (src/service/*Router.ts, router.ts). */
const ROUTES: Route[] = [
  { method: 'get', path: '/health', auth: USER, storeFree: true },
  {
    method: 'get',
    path: '/usage/by-entity/agent/default/checkout-agent',
    auth: USER,
  },
  { method: 'get', path: '/usage/unattributed', auth: USER },
  {
    method: 'post',
    path: '/v1/traces',
    auth: SERVICE,
    body: recent(tracesFixture),
  },
  {
    method: 'post',
    path: '/v1/logs',
    auth: SERVICE,
    body: recent(evalFixture),
  },
  {
    method: 'post',
    path: '/v1/metrics',
    auth: SERVICE,
    body: recent(histogramFixture),
  },
  {
    method: 'post',
    path: '/ingest/litellm',
    auth: SERVICE,
    body: recent(litellmFixture),
  },
  {
    method: 'post',
    path: '/evals?entityRef=agent:default/checkout-agent&suite=safety&suiteVersion=v1',
    auth: SERVICE,
    body: promptfooResults,
  },
  {
    method: 'get',
    path: '/scorecards/by-entity/agent/default/checkout-agent',
    auth: USER,
  },
  {
    method: 'post',
    path: '/scorecards/by-entity/agent/default/checkout-agent/evaluate',
    auth: USER,
  },
  { method: 'get', path: '/scorecards?owner=group:default/team-a', auth: USER },
  {
    method: 'get',
    path: '/timeseries/by-entity/agent/default/checkout-agent?metric=requests',
    auth: USER,
  },
  { method: 'get', path: '/fleet/summary', auth: USER },
  { method: 'get', path: '/planning/options', auth: USER, storeFree: true },
];

function send(server: any, route: Route) {
  const call = request(server)
    [route.method](`${API}${route.path}`)
    .set('Authorization', route.auth);
  return route.body ? call.send(route.body) : call;
}

/** No SQL, no stack line, no file path: nothing of the server's insides. */
function expectNoInternals(response: request.Response) {
  const text = response.text;
  expect(text).not.toMatch(/\bselect\b/i);
  expect(text).not.toMatch(/\binsert\b/i);
  expect(text).not.toContain('from "');
  expect(text).not.toContain('/work/');
  expect(text).not.toContain(process.cwd());
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain('    at ');
  expect(text).not.toMatch(/\\n\s+at /);
  if (response.body?.error) {
    expect(response.body.error).not.toHaveProperty('stack');
    expect(response.body.error).not.toHaveProperty('cause');
  }
}

const MODES = ['development', 'production'] as const;

/** Runs `fn` with NODE_ENV set while the backend is created and used. */
async function withNodeEnv<T>(mode: string, fn: () => Promise<T>) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = mode;
  try {
    return await fn();
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/** A TCP proxy in front of PostgreSQL, to cut the database off for real. */
async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    async close() {
      const closed = new Promise(resolve => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

describe('error responses (issue 16, items 6, 7 and 9)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function startBackend(knex: Knex, logger?: LoggerService) {
    const { server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        ...(logger
          ? [
              createServiceFactory({
                service: coreServices.logger,
                deps: {},
                factory: () => logger,
              }),
            ]
          : []),
      ],
    });
    return server;
  }

  /** A logger that keeps what is logged as errors. */
  function capturingLogger() {
    const errors: Array<{ message: string; error: unknown }> = [];
    const logger: LoggerService = {
      error: (message, meta) => errors.push({ message, error: meta }),
      warn: () => {},
      info: () => {},
      debug: () => {},
      child: () => logger,
    };
    return { logger, errors };
  }

  async function expectEveryRouteUnavailable(server: any) {
    for (const route of ROUTES) {
      const response = await send(server, route);
      const label = `${route.method.toUpperCase()} ${route.path}`;
      expectNoInternals(response);
      if (route.storeFree) {
        expect({ label, status: response.status }).toEqual({
          label,
          status: 200,
        });
        continue;
      }
      expect({
        label,
        status: response.status,
        retryAfter: response.headers['retry-after'],
        body: response.body,
      }).toEqual({
        label,
        status: 503,
        retryAfter: '30',
        body: {
          error: {
            name: 'ServiceUnavailableError',
            message: expect.stringMatching(
              /^The telemetry database is unavailable.*retry after 30 s/,
            ),
          },
          request: {
            method: route.method.toUpperCase(),
            url: expect.any(String),
          },
          response: { statusCode: 503 },
        },
      });
    }
  }

  describe.each(MODES)('NODE_ENV=%s', mode => {
    it.each(databases.eachSupportedId())(
      'answers 503 + Retry-After without internals on every route when the connection pool is gone, %p',
      async databaseId => {
        expect.hasAssertions();
        await withNodeEnv(mode, async () => {
          const knex = await databases.init(databaseId);
          const server = await startBackend(knex);
          await knex.destroy();
          await expectEveryRouteUnavailable(server);
        });
      },
    );

    it.each(databases.eachSupportedId())(
      'answers 500 with a correlation id and no SQL for an internal database error, %p',
      async databaseId => {
        await withNodeEnv(mode, async () => {
          const knex = await databases.init(databaseId);
          const { logger, errors } = capturingLogger();
          const server = await startBackend(knex, logger);
          await knex.schema.dropTable('ai_platform_scorecard_results');
          const response = await request(server)
            .get(`${API}/scorecards/by-entity/agent/default/checkout-agent`)
            .set('Authorization', USER);
          expectNoInternals(response);
          expect(response.status).toBe(500);
          expect(response.body).toEqual({
            error: {
              name: 'Error',
              message: expect.stringMatching(
                /^An internal error occurred; correlation id [0-9a-f]{16}\b/,
              ),
            },
            request: {
              method: 'GET',
              url: '/scorecards/by-entity/agent/default/checkout-agent',
            },
            response: { statusCode: 500 },
          });
          expect(response.text).not.toContain('ai_platform_scorecard_results');
          // The details stay on the server, under the same correlation id.
          const correlationId = /correlation id ([0-9a-f]{16})/.exec(
            response.body.error.message,
          )![1];
          const logged = errors.find(entry =>
            entry.message.includes(correlationId),
          );
          expect(logged?.message).toBe(
            `GET /api/ai-platform/scorecards/by-entity/agent/default/checkout-agent failed; correlation id ${correlationId}`,
          );
          expect(String(logged?.error)).toContain(
            'ai_platform_scorecard_results',
          );
        });
      },
    );
  });

  it.each(MODES)(
    'answers 503 + Retry-After on every route when the PostgreSQL server is cut off, NODE_ENV=%s',
    async mode => {
      expect.hasAssertions();
      if (!databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')) {
        throw new Error('PostgreSQL 15 is not configured for this test');
      }
      await withNodeEnv(mode, async () => {
        const direct = await databases.init('POSTGRES_15');
        const [{ name }] = (
          await direct.raw('select current_database() as name')
        ).rows;
        const connection = direct.client.config.connection as {
          host?: string;
          port?: number;
          user?: string;
          password?: string;
        };
        const proxy = await startTcpProxy({
          host: connection.host ?? '127.0.0.1',
          port: Number(connection.port ?? 5432),
        });
        const proxied = createKnex({
          client: 'pg',
          connection: {
            host: '127.0.0.1',
            port: proxy.port,
            user: connection.user,
            password: connection.password,
            database: name,
          },
          pool: { min: 0, max: 5 },
          acquireConnectionTimeout: 5_000,
        });
        try {
          const server = await startBackend(proxied);
          await proxy.close();
          await expectEveryRouteUnavailable(server);
        } finally {
          await proxied.destroy();
        }
      });
    },
  );
});

/** One `gen_ai.evaluation.result` log record of the checkout agent. */
function evalRecord(responseId: string, timeUnixNano: string) {
  return {
    eventName: 'gen_ai.evaluation.result',
    timeUnixNano,
    attributes: [
      { key: 'gen_ai.evaluation.name', value: { stringValue: 'Relevance' } },
      { key: 'gen_ai.evaluation.score.value', value: { doubleValue: 0.75 } },
      { key: 'gen_ai.response.id', value: { stringValue: responseId } },
      { key: 'gen_ai.agent.id', value: { stringValue: 'agt_01J9' } },
    ],
  };
}

function logsBody(records: object[]) {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'eval-runner' } },
          ],
        },
        scopeLogs: [{ scope: { name: 'evals' }, logRecords: records }],
      },
    ],
  };
}

const GOOD_TIME = '1789899310000000000'; // 2026-09-20T10:15:10Z

describe('POST /v1/logs eval runs: per record, in one transaction', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function startBackend(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        aiPlatformPlugin,
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: ENTITIES }),
      ],
    });
    return { server, knex };
  }

  async function storedRunIds(knex: Knex) {
    const rows = await knex(EVAL_RUNS_TABLE).select('run_id').orderBy('run_id');
    return rows.map(row => String(row.run_id));
  }

  it.each(databases.eachSupportedId())(
    'rejects a record with an out-of-range time and stores the good ones exactly once, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      const body = logsBody([
        evalRecord('good-1', GOOD_TIME),
        // Far beyond the year 9999.
        evalRecord('far-future', '99999999999999999999999'),
        evalRecord('good-2', GOOD_TIME),
        // 1970-01-01T00:00:01Z: a time no eval ran at.
        evalRecord('epoch', '1000000000'),
        evalRecord('good-3', GOOD_TIME),
      ]);
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await request(server)
          .post(`${API}/v1/logs`)
          .set('Authorization', SERVICE)
          .send(body);
        expectNoInternals(response);
        expect(response.status).toBe(200);
        expect(response.body.partialSuccess.rejectedLogRecords).toBe('2');
        const message: string = response.body.partialSuccess.errorMessage;
        expect(message).toMatch(
          /^2 log record\(s\) rejected: log record 1: 'timeUnixNano' 99999999999999999999999 is outside the accepted range 2000-01-01T00:00:00\.000Z to \d{4}-\d\d-\d\dT[0-9:.]+Z; log record 3: 'timeUnixNano' 1000000000 \(1970-01-01T00:00:01\.000Z\) is outside the accepted range 2000-01-01T00:00:00\.000Z to /,
        );
        expect(await storedRunIds(knex)).toEqual([
          'good-1:Relevance',
          'good-2:Relevance',
          'good-3:Relevance',
        ]);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'stores none of the runs when the transaction fails in the middle, and each run once on retry, %p',
    async databaseId => {
      const { server, knex } = await startBackend(databaseId);
      // A real failure inside the database, after hundreds of good rows.
      if (databaseId === 'SQLITE_3') {
        await knex.raw(`CREATE TRIGGER ai_platform_test_forced_failure
          BEFORE INSERT ON ${EVAL_RUNS_TABLE}
          WHEN NEW.run_id LIKE 'fail-%'
          BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
      } else {
        await knex.raw(`CREATE FUNCTION ai_platform_test_forced_failure()
          RETURNS trigger AS $$ BEGIN
            IF NEW.run_id LIKE 'fail-%' THEN RAISE EXCEPTION 'forced failure'; END IF;
            RETURN NEW;
          END $$ LANGUAGE plpgsql`);
        await knex.raw(`CREATE TRIGGER ai_platform_test_forced_failure
          BEFORE INSERT ON ${EVAL_RUNS_TABLE}
          FOR EACH ROW EXECUTE FUNCTION ai_platform_test_forced_failure()`);
      }
      const records = Array.from({ length: 1200 }, (_, i) =>
        evalRecord(
          i === 900 ? 'fail-900' : `run-${String(i).padStart(4, '0')}`,
          GOOD_TIME,
        ),
      );
      const failed = await request(server)
        .post(`${API}/v1/logs`)
        .set('Authorization', SERVICE)
        .send(logsBody(records));
      expectNoInternals(failed);
      expect(failed.status).toBe(500);
      expect(failed.body.error.message).toMatch(
        /^An internal error occurred; correlation id [0-9a-f]{16}\b/,
      );
      expect(failed.text).not.toContain('forced failure');
      expect(await storedRunIds(knex)).toEqual([]);

      await knex.raw(
        `DROP TRIGGER ai_platform_test_forced_failure${
          databaseId === 'SQLITE_3' ? '' : ` ON ${EVAL_RUNS_TABLE}`
        }`,
      );
      for (let attempt = 0; attempt < 2; attempt++) {
        const retried = await request(server)
          .post(`${API}/v1/logs`)
          .set('Authorization', SERVICE)
          .send(logsBody(records));
        expect(retried.status).toBe(200);
        expect(retried.body).toEqual({});
        const ids = await storedRunIds(knex);
        expect(ids).toHaveLength(1200);
        expect(new Set(ids).size).toBe(1200);
      }
    },
  );
});

describe('POST /evals input the database cannot store', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  const generic = {
    entityRef: 'agent:default/checkout-agent',
    suite: 'safety',
    suiteVersion: 'v1',
    runId: 'run-1',
    score: 0.9,
    passed: 9,
    failed: 1,
    startedAt: '2026-11-23T10:00:00Z',
  };

  const CASES: Array<{
    name: string;
    path: string;
    body: object;
    message: RegExp;
  }> = [
    {
      name: 'a promptfoo evalId over 255 characters',
      path: '/evals?entityRef=agent:default/checkout-agent&suite=safety&suiteVersion=v1',
      body: { ...promptfooResults, evalId: 'e'.repeat(300) },
      message:
        /^Invalid promptfoo output: 'evalId': expected the run id of at most 255 characters, got 300$/,
    },
    {
      name: 'a passed count beyond what the column holds',
      path: '/evals',
      body: { ...generic, passed: 3_000_000_000 },
      message:
        /^Invalid generic eval run: 'passed': expected the number of passed tests as an integer from 0 to 1000000000$/,
    },
    {
      name: 'a NUL character in the suite name',
      path: '/evals',
      body: { ...generic, suite: 'safe\u0000ty' },
      message:
        /^Invalid generic eval run: 'suite': expected the suite name without NUL characters$/,
    },
    {
      name: 'a start time of 1970',
      path: '/evals',
      body: { ...generic, startedAt: '1970-01-01T00:00:00Z' },
      message:
        /^Invalid generic eval run: 'startedAt': 1970-01-01T00:00:00\.000Z is outside the accepted range 2000-01-01T00:00:00\.000Z to \d{4}-/,
    },
    {
      name: 'a start time in the year 9999',
      path: '/evals',
      body: { ...generic, startedAt: '9999-12-31T23:59:59Z' },
      message:
        /^Invalid generic eval run: 'startedAt': 9999-12-31T23:59:59\.000Z is outside the accepted range /,
    },
  ];

  it.each(databases.eachSupportedId())(
    'answers 400 naming the field, stores nothing, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          aiPlatformPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: ENTITIES }),
        ],
      });
      for (const testCase of CASES) {
        const response = await request(server)
          .post(`${API}${testCase.path}`)
          .set('Authorization', SERVICE)
          .send(testCase.body);
        expectNoInternals(response);
        expect({
          name: testCase.name,
          status: response.status,
          error: response.body.error?.name,
        }).toEqual({ name: testCase.name, status: 400, error: 'InputError' });
        expect(response.body.error.message).toMatch(testCase.message);
      }
      expect(await knex(EVAL_RUNS_TABLE)).toEqual([]);
    },
  );
});
