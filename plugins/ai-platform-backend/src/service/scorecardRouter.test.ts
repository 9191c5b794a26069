import {
  mockCredentials,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  startIngestTestBackend,
  TEST_DATABASE_IDS,
} from '../__testUtils__/ingestTestBackend';
import { bucketForValue, valueForBucket } from '../database/logBucketSketch';
import { TelemetryEvent } from '../database/TelemetryStore';
import fs from 'node:fs';
import { join } from 'node:path';
import inspectLog from '../evals/__fixtures__/inspect-eval-log-v2.json';
import promptfooResults from '../evals/__fixtures__/promptfoo-results.json';
import { parseTimeseriesQuery } from './scorecardRouter';

jest.setTimeout(60_000);

const HOUR_MS = 60 * 60 * 1000;
const SERVICE = mockCredentials.service.header();
const USER = mockCredentials.user.header();
const AGENT_PATH = 'agent/default/checkout-agent';

function group(name: string, relations: Entity['relations']): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations,
  };
}

function owned(kind: string, name: string, owner: string, spec = {}): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: { owner, ...spec },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

const ENTITIES: Entity[] = [
  group('team-a', [
    { type: 'parentOf', targetRef: 'group:default/team-a-sub' },
  ]),
  group('team-a-sub', [{ type: 'childOf', targetRef: 'group:default/team-a' }]),
  group('team-b', []),
  owned('Agent', 'checkout-agent', 'group:default/team-a-sub', {
    slo: { errorRatePercent: 5 },
    budget: { monthlyUsd: 1000 },
    evals: [{ suite: 'safety', minScore: 0.6 }],
  }),
  owned('ModelEndpoint', 'llama-chat', 'group:default/team-a', {
    slo: { ttftP95Ms: 500 },
  }),
  owned('Agent', 'other-agent', 'group:default/team-b'),
];

function call(id: string, occurredAt: Date, ttftMs: number): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    occurredAt,
    entityRef: 'agent:default/checkout-agent',
    joinKey: 'llama-chat',
    operation: 'chat',
    model: 'llama',
    provider: 'vllm',
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 0.25,
    ttftMs,
    latencyMs: 1000,
  };
}

describe('scorecard and eval routes', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  const startBackend = (
    databaseId: TestDatabaseId,
    permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) =>
    startIngestTestBackend(databases, databaseId, {
      entities: ENTITIES,
      permission,
    });

  describe('POST /evals', () => {
    it.each(databases.eachSupportedId())(
      'stores promptfoo output once and answers retries as duplicates, %p',
      async databaseId => {
        const { server } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const post = () =>
          request(server)
            .post('/api/ai-platform/evals')
            .query({
              entityRef: 'agent:default/checkout-agent',
              suite: 'safety',
              suiteVersion: 'v3',
            })
            .set('Authorization', SERVICE)
            .send(promptfooResults);

        const first = await post();
        expect(first.status).toBe(201);
        expect(first.body).toMatchObject({
          duplicate: false,
          run: {
            entityRef: 'agent:default/checkout-agent',
            runId: 'eval-7Kx-2026-11-23T09:58:12',
            source: 'promptfoo',
            score: 0.625,
            passed: 3,
            failed: 1,
            total: 4,
          },
        });
        const retry = await post();
        expect(retry.status).toBe(200);
        expect(retry.body).toEqual({ ...first.body, duplicate: true });
      },
    );

    it.each(databases.eachSupportedId())(
      'stores the generic format, %p',
      async databaseId => {
        const { server } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const response = await request(server)
          .post('/api/ai-platform/evals')
          .set('Authorization', SERVICE)
          .send({
            entityRef: 'agent:default/checkout-agent',
            suite: 'safety',
            suiteVersion: 'v3',
            runId: 'ci-1',
            score: 0.7,
            passed: 7,
            failed: 3,
            startedAt: '2026-11-23T09:00:00Z',
          });
        expect(response.status).toBe(201);
        expect(response.body.run).toMatchObject({
          source: 'generic',
          total: 10,
        });
      },
    );

    it.each(
      databases
        .eachSupportedId()
        .flatMap(([databaseId]) => [
          [
            { entityRef: 'checkout-agent' },
            databaseId,
            /Invalid entity ref 'checkout-agent'/,
          ] as const,
          [
            { score: 'high' },
            databaseId,
            /'score': expected a number between 0 and 1/,
          ] as const,
        ]),
    )('answers 400 for %j, %p', async (overrides, databaseId, message) => {
      const { server } = await startBackend(databaseId, AuthorizeResult.ALLOW);
      const response = await request(server)
        .post('/api/ai-platform/evals')
        .set('Authorization', SERVICE)
        .send({
          entityRef: 'agent:default/checkout-agent',
          suite: 'safety',
          suiteVersion: 'v3',
          runId: 'ci-1',
          score: 0.7,
          passed: 7,
          failed: 3,
          startedAt: '2026-11-23T09:00:00Z',
          ...overrides,
        });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(message);
    });

    it.each(databases.eachSupportedId())(
      'stores promptfoo JSONL output sent as text and an Inspect AI log, %p',
      async databaseId => {
        const { server } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const jsonl = fs.readFileSync(
          join(
            __dirname,
            '../evals/__fixtures__/promptfoo-0.123-provider-error.jsonl',
          ),
          'utf8',
        );
        const fromJsonl = await request(server)
          .post('/api/ai-platform/evals')
          .query({
            entityRef: 'agent:default/checkout-agent',
            suite: 'safety',
            suiteVersion: 'v4',
            runId: 'eval-D6h-2026-12-04T20:49:15',
            startedAt: '2026-12-04T20:49:15.725Z',
          })
          .set('Authorization', SERVICE)
          .set('Content-Type', 'application/jsonl')
          .send(jsonl);
        expect(fromJsonl.status).toBe(201);
        expect(fromJsonl.body.run).toMatchObject({
          runId: 'eval-D6h-2026-12-04T20:49:15',
          source: 'promptfoo',
          score: 0.8125,
          passed: 3,
          failed: 1,
          errors: 1,
          total: 5,
        });

        const fromInspect = await request(server)
          .post('/api/ai-platform/evals')
          .query({ entityRef: 'agent:default/checkout-agent' })
          .set('Authorization', SERVICE)
          .send(inspectLog);
        expect(fromInspect.status).toBe(201);
        expect(fromInspect.body.run).toMatchObject({
          runId: 'Ua7VnQZ3cDkXo8Jh2pYbWe',
          source: 'inspect',
          suite: 'checkout_safety',
        });

        const csv = await request(server)
          .post('/api/ai-platform/evals')
          .set('Authorization', SERVICE)
          .set('Content-Type', 'text/csv')
          .send('suite,score\nsafety,0.7');
        expect(csv.status).toBe(415);
        expect(csv.body.error.message).toBe(
          "Unsupported Content-Type 'text/csv': expected application/json, or application/jsonl for promptfoo JSONL output",
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'answers 401 without and 403 with user credentials, %p',
      async databaseId => {
        const { server } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const none = await request(server)
          .post('/api/ai-platform/evals')
          .set('Authorization', mockCredentials.none.header())
          .send({});
        expect(none.status).toBe(401);
        const user = await request(server)
          .post('/api/ai-platform/evals')
          .set('Authorization', USER)
          .send({});
        expect(user.status).toBe(403);
      },
    );
  });

  describe('scorecards', () => {
    it.each(databases.eachSupportedId())(
      'evaluates on demand, grows the history and serves it, %p',
      async databaseId => {
        const { server, store } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const now = Date.now();
        await store.insertEvents(
          Array.from({ length: 20 }, (_, i) =>
            call(`c-${i}`, new Date(now - HOUR_MS), 200),
          ),
        );
        await request(server)
          .post('/api/ai-platform/evals')
          .set('Authorization', SERVICE)
          .query({
            entityRef: 'agent:default/checkout-agent',
            suite: 'safety',
            suiteVersion: 'v3',
          })
          .send(promptfooResults)
          .expect(201);

        const before = await request(server)
          .get(`/api/ai-platform/scorecards/by-entity/${AGENT_PATH}`)
          .set('Authorization', USER);
        expect(before.status).toBe(200);
        expect(before.body).toMatchObject({
          entityRef: 'agent:default/checkout-agent',
          level: null,
          evaluatedAt: null,
          checks: [],
          history: [],
        });

        const evaluated = await request(server)
          .post(`/api/ai-platform/scorecards/by-entity/${AGENT_PATH}/evaluate`)
          .set('Authorization', USER);
        expect(evaluated.status).toBe(200);
        expect(evaluated.body.level).toBe('silver');
        expect(
          evaluated.body.checks.map(
            (c: { checkId: string; status: string }) => [c.checkId, c.status],
          ),
        ).toEqual([
          ['error-rate', 'pass'],
          ['budget-mtd', 'pass'],
          ['budget-forecast', 'pass'],
          // No agent runs were sent: the agent checks have nothing to judge
          // (no cost per run check: the agent has no budget.perRunUsd).
          ['agent-run-success', 'not-enough-data'],
          ['agent-run-p95', 'not-enough-data'],
          ['agent-tool-error-rate', 'not-enough-data'],
          ['eval:safety', 'pass'],
          ['eval-regression:safety', 'not-enough-data'],
        ]);
        expect(evaluated.body.history).toHaveLength(1);

        await request(server)
          .post(`/api/ai-platform/scorecards/by-entity/${AGENT_PATH}/evaluate`)
          .set('Authorization', USER)
          .expect(200);
        const after = await request(server)
          .get(`/api/ai-platform/scorecards/by-entity/${AGENT_PATH}`)
          .set('Authorization', USER);
        expect(after.body.history).toHaveLength(2);
        expect(after.body.history[0]).toMatchObject({
          level: 'silver',
          counts: {
            pass: 4,
            warn: 0,
            fail: 0,
            'not-enough-data': 4,
            'source-unavailable': 0,
          },
        });

        const missing = await request(server)
          .post(
            '/api/ai-platform/scorecards/by-entity/agent/default/nope/evaluate',
          )
          .set('Authorization', USER);
        expect(missing.status).toBe(404);
      },
    );

    it.each(databases.eachSupportedId())(
      'carries month-to-date usage and 30 daily points with the scorecard, %p',
      async databaseId => {
        const { server, store } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const at = new Date(Date.now() - 1000);
        await store.insertEvents([
          ...Array.from({ length: 8 }, (_, i) => call(`ok-${i}`, at, 300)),
          { ...call('err-1', at, 300), status: 'error', errorType: '500' },
          { ...call('err-2', at, 300), status: 'error', errorType: '500' },
        ]);

        const res = await request(server)
          .get(`/api/ai-platform/scorecards/by-entity/${AGENT_PATH}`)
          .set('Authorization', USER);
        expect(res.status).toBe(200);
        expect(res.body.usageMonthToDate).toMatchObject({
          entityRef: 'agent:default/checkout-agent',
          requests: 10,
          errors: 2,
          errorRatePercent: 20,
          inputTokens: 1000,
          outputTokens: 100,
          costUsd: 2.5,
        });
        expect(res.body.usageMonthToDate.ttftMs.p95).toBeGreaterThan(0);
        const monthStart = new Date(
          Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1),
        );
        expect(new Date(res.body.usageMonthToDate.window.from).getTime()).toBe(
          monthStart.getTime(),
        );

        const daily = res.body.dailyUsage as Array<{
          start: string;
          requests: number;
          errors: number;
          costUsd: number;
        }>;
        expect(daily).toHaveLength(30);
        const today = new Date(
          Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()),
        ).toISOString();
        expect(daily[29]).toEqual({
          start: today,
          requests: 10,
          errors: 2,
          costUsd: 2.5,
        });
        expect(daily.slice(0, 29).every(d => d.requests === 0)).toBe(true);
      },
    );

    it.each(databases.eachSupportedId())(
      'lists the agents and endpoints of a group and its sub-groups, %p',
      async databaseId => {
        const { server } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        await request(server)
          .post(
            '/api/ai-platform/scorecards/by-entity/modelendpoint/default/llama-chat/evaluate',
          )
          .set('Authorization', USER)
          .expect(200);
        const response = await request(server)
          .get('/api/ai-platform/scorecards')
          .query({ owner: 'team-a' })
          .set('Authorization', USER);
        expect(response.status).toBe(200);
        expect(response.body.owner).toBe('group:default/team-a');
        expect(response.body.groups).toEqual([
          'group:default/team-a',
          'group:default/team-a-sub',
        ]);
        expect(
          response.body.items.map((item: Record<string, unknown>) => [
            item.entityRef,
            item.owner,
            item.level,
            (item.checks as unknown[]).length,
          ]),
        ).toEqual([
          ['agent:default/checkout-agent', 'group:default/team-a-sub', null, 0],
          // Its only check (TTFT, no traffic yet) has no data: no level.
          ['modelendpoint:default/llama-chat', 'group:default/team-a', null, 1],
        ]);

        const bad = await request(server)
          .get('/api/ai-platform/scorecards')
          .set('Authorization', USER);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(/'owner'/);
      },
    );

    it.each(databases.eachSupportedId())(
      'answers 401 without credentials and 403 when not allowed, %p',
      async databaseId => {
        const { server } = await startBackend(databaseId, AuthorizeResult.DENY);
        for (const [method, path] of [
          ['get', `/api/ai-platform/scorecards/by-entity/${AGENT_PATH}`],
          [
            'post',
            `/api/ai-platform/scorecards/by-entity/${AGENT_PATH}/evaluate`,
          ],
          [
            'get',
            `/api/ai-platform/timeseries/by-entity/${AGENT_PATH}?metric=requests`,
          ],
        ] as const) {
          const none = await request(server)
            [method](path)
            .set('Authorization', mockCredentials.none.header());
          expect(none.status).toBe(401);
          const denied = await request(server)
            [method](path)
            .set('Authorization', USER);
          expect(denied.status).toBe(403);
          const service = await request(server)
            [method](path)
            .set('Authorization', SERVICE);
          expect(service.status).toBe(403);
        }
        // Entities the user may not read are left out of the group listing.
        const listing = await request(server)
          .get('/api/ai-platform/scorecards')
          .query({ owner: 'group:default/team-a' })
          .set('Authorization', USER);
        expect(listing.status).toBe(200);
        expect(listing.body.items).toEqual([]);
      },
    );
  });

  describe('GET /timeseries', () => {
    it.each(databases.eachSupportedId())(
      'sums the hourly rollups and reads TTFT p95 per step, %p',
      async databaseId => {
        const { server, store } = await startBackend(
          databaseId,
          AuthorizeResult.ALLOW,
        );
        const currentHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
        await store.insertEvents([
          call('h0-1', new Date(currentHour + 1000), 100),
          call('h0-2', new Date(currentHour + 2000), 300),
          call('h0-3', new Date(currentHour + 3000), 500),
          call('h2-1', new Date(currentHour - 2 * HOUR_MS), 800),
          call('h2-2', new Date(currentHour - 2 * HOUR_MS + 10), 900),
        ]);
        const get = (metric: string) =>
          request(server)
            .get(`/api/ai-platform/timeseries/by-entity/${AGENT_PATH}`)
            .query({ metric, window: '3h', step: '1h' })
            .set('Authorization', USER);

        const requests = await get('requests');
        expect(requests.status).toBe(200);
        expect(requests.body).toEqual({
          entityRef: 'agent:default/checkout-agent',
          metric: 'requests',
          step: '1h',
          window: {
            from: new Date(currentHour - 2 * HOUR_MS).toISOString(),
            to: new Date(currentHour + HOUR_MS).toISOString(),
          },
          source: 'telemetry-store',
          points: [
            {
              start: new Date(currentHour - 2 * HOUR_MS).toISOString(),
              value: 2,
              source: 'telemetry-store',
            },
            {
              start: new Date(currentHour - HOUR_MS).toISOString(),
              value: 0,
              source: 'telemetry-store',
            },
            {
              start: new Date(currentHour).toISOString(),
              value: 3,
              source: 'telemetry-store',
            },
          ],
        });
        const cost = await get('cost_usd');
        expect(cost.body.points.map((p: { value: number }) => p.value)).toEqual(
          [0.5, 0, 0.75],
        );
        const ttft = await get('ttft_p95_ms');
        expect(ttft.body.points.map((p: { value: number }) => p.value)).toEqual(
          [
            valueForBucket(bucketForValue(800)),
            null,
            valueForBucket(bucketForValue(300)),
          ],
        );

        const bad = await request(server)
          .get(`/api/ai-platform/timeseries/by-entity/${AGENT_PATH}`)
          .query({ metric: 'latency' })
          .set('Authorization', USER);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(
          /'metric': expected one of requests, errors, cost_usd, ttft_p95_ms/,
        );
      },
    );
  });
});

describe('parseTimeseriesQuery', () => {
  const NOW = new Date('2026-11-23T10:30:00.000Z');

  it('aligns daily steps to UTC days ending with today', () => {
    expect(
      parseTimeseriesQuery({ metric: 'errors', window: '7d', step: '1d' }, NOW),
    ).toEqual({
      metric: 'errors',
      step: '1d',
      stepMs: 24 * HOUR_MS,
      steps: 7,
      from: new Date('2026-11-17T00:00:00.000Z'),
      to: new Date('2026-11-24T00:00:00.000Z'),
    });
  });

  it.each([
    [
      { metric: 'requests', window: '36h', step: '1d' },
      /'window': 36h is not a whole number of '1d' steps/,
    ],
    [{ metric: 'requests', window: '93d' }, /'window': at most 92d/],
    [{ metric: 'requests', window: 'week' }, /'window': expected a duration/],
    [{ metric: 'requests', step: '5m' }, /'step': expected '1h' or '1d'/],
  ])('rejects %j', (query, message) => {
    expect(() => parseTimeseriesQuery(query, NOW)).toThrow(message);
  });
});
