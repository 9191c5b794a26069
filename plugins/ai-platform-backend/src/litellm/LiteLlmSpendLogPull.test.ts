import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Knex } from 'knex';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import { CatalogTelemetryEntityResolver } from '../ingest/TelemetryEntityResolver';
import { DatabaseLiteLlmPullCursorStore } from './DatabaseLiteLlmPullCursorStore';
import { LiteLlmSpendLogClient } from './LiteLlmSpendLogClient';
import { LiteLlmSpendLogPull } from './LiteLlmSpendLogPull';

jest.setTimeout(60_000);

const API_KEY = 'sk-test-master-key';
const ENDPOINT_REF = 'modelendpoint:default/llama-chat';
const NOW_MS = Date.parse('2026-11-23T12:00:00.000Z');
const WINDOW = {
  from: new Date('2026-11-22T00:00:00.000Z'),
  to: new Date('2026-11-24T00:00:00.000Z'),
};

interface SpendLogRow {
  request_id: string;
  call_type: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  startTime: string;
  endTime: string;
  completionStartTime: string;
  model: string;
  model_group: string;
  custom_llm_provider: string;
  metadata: Record<string, unknown>;
  request_tags: string[];
  status: string;
}

/** A spend-log row as `LiteLLM_SpendLogs` serializes it (reference §1.1). */
function spendLogRow(
  id: string,
  startMs: number,
  options: { streamed?: boolean } = {},
): SpendLogRow {
  const endMs = startMs + 2000;
  return {
    request_id: id,
    call_type: 'acompletion',
    spend: 0.25,
    prompt_tokens: 100,
    completion_tokens: 10,
    // Prisma/FastAPI write naive UTC date-times with microseconds.
    startTime: new Date(startMs).toISOString().replace('Z', '000'),
    endTime: new Date(endMs).toISOString(),
    // LiteLLM writes completionStartTime = endTime when it saw no chunk.
    completionStartTime: new Date(
      options.streamed === false ? endMs : startMs + 300,
    ).toISOString(),
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    model_group: 'llama-chat',
    custom_llm_provider: 'hosted_vllm',
    metadata: { user_api_key_alias: 'ci-key', status: 'success' },
    request_tags: [],
    status: 'success',
  };
}

/**
 * A LiteLLM proxy's `GET /spend/logs/v2`: bearer auth, `start_date` /
 * `end_date` (`%Y-%m-%d %H:%M:%S`, UTC, inclusive), `sort_by=startTime`,
 * `sort_order`, `page` / `page_size` (1..100), and the
 * `{ data, total, page, page_size, total_pages }` envelope.
 */
class FakeLiteLlmProxy {
  readonly rows: SpendLogRow[] = [];
  readonly requests: URLSearchParams[] = [];
  failPages = new Set<number>();
  /** Answers newest first whatever `sort_order` says, like `/spend/logs/ui`. */
  ignoreSortOrder = false;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${API_KEY}`) {
        send(401, { error: { message: 'Authentication Error' } });
        return;
      }
      if (url.pathname !== '/spend/logs/v2') {
        send(404, { detail: 'Not Found' });
        return;
      }
      this.requests.push(url.searchParams);
      const parseDate = (name: string) =>
        Date.parse(`${url.searchParams.get(name)?.replace(' ', 'T')}Z`);
      const fromMs = parseDate('start_date');
      const toMs = parseDate('end_date');
      const page = Number(url.searchParams.get('page'));
      const pageSize = Number(url.searchParams.get('page_size'));
      if (
        Number.isNaN(fromMs) ||
        Number.isNaN(toMs) ||
        !(page >= 1) ||
        !(pageSize >= 1 && pageSize <= 100)
      ) {
        send(422, { detail: 'bad query' });
        return;
      }
      if (this.failPages.has(page)) {
        send(500, { detail: 'database timeout' });
        return;
      }
      const direction =
        url.searchParams.get('sort_order') === 'asc' && !this.ignoreSortOrder
          ? 1
          : -1;
      const startMsOf = (row: SpendLogRow) => Date.parse(`${row.startTime}Z`);
      const matching = this.rows
        .filter(row => startMsOf(row) >= fromMs && startMsOf(row) < toMs + 1000)
        .sort((a, b) => direction * (startMsOf(a) - startMsOf(b)));
      send(200, {
        data: matching.slice((page - 1) * pageSize, page * pageSize),
        total: matching.length,
        page,
        page_size: pageSize,
        total_pages: Math.ceil(matching.length / pageSize),
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }
}

describe('LiteLlmSpendLogPull', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  let proxy: FakeLiteLlmProxy;
  let baseUrl: string;

  beforeEach(async () => {
    proxy = new FakeLiteLlmProxy();
    baseUrl = await proxy.start();
  });
  afterEach(() => proxy.stop());

  async function setup(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  function newPull(
    knex: Knex,
    store: DatabaseTelemetryStore,
    nowMs: number = NOW_MS,
  ) {
    const catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'aiplatform.io/v1alpha1',
          kind: 'ModelEndpoint',
          metadata: { name: 'llama-chat', namespace: 'default' },
          spec: { gateway: { model: 'llama-chat' } },
        },
      ],
    });
    return new LiteLlmSpendLogPull({
      pullId: `litellm-spend-logs:${baseUrl}`,
      client: new LiteLlmSpendLogClient({ baseUrl, apiKey: API_KEY }),
      cursorStore: new DatabaseLiteLlmPullCursorStore(knex),
      telemetryStore: store,
      entityResolver: new CatalogTelemetryEntityResolver({
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        refreshIntervalMs: 60_000,
      }),
      logger: mockServices.logger.mock(),
      pageSize: 10,
      initialLookbackMs: 24 * 60 * 60 * 1000,
      settleDelayMs: 60_000,
      now: () => nowMs,
    });
  }

  /** 25 rows a minute apart from 10:00, three sharing 10:30 across pages. */
  function addRows(prefix: string, count: number, firstStartMs: number) {
    for (let i = 0; i < count; i++) {
      proxy.rows.push(spendLogRow(`${prefix}-${i}`, firstStartMs + i * 60_000));
    }
  }

  const usageOf = (store: DatabaseTelemetryStore) =>
    store.getUsage({ subject: entitySubject(ENDPOINT_REF), ...WINDOW });

  it.each(databases.eachSupportedId())(
    'pulls every page, then only new rows, across a restart, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const t10 = Date.parse('2026-11-23T10:00:00.000Z');
      addRows('a', 24, t10);
      // A non-streamed call: completionStartTime = endTime is no TTFT.
      proxy.rows.push(
        spendLogRow('a-unstreamed', t10 + 24 * 60_000, { streamed: false }),
      );

      const first = await newPull(knex, store).run();
      expect(first).toMatchObject({
        pages: 3,
        newRows: 25,
        inserted: 25,
        duplicates: 0,
        merged: 0,
        rejected: 0,
      });
      expect(proxy.requests.map(query => query.get('page'))).toEqual([
        '1',
        '2',
        '3',
      ]);
      expect(proxy.requests[0].get('start_date')).toBe('2026-11-22 12:00:00');
      expect(proxy.requests[0].get('end_date')).toBe('2026-11-23 11:59:00');
      expect(proxy.requests[0].get('sort_order')).toBe('asc');
      let usage = await usageOf(store);
      expect(usage.requests).toBe(25);
      expect(usage.costUsd).toBeCloseTo(6.25);
      expect(usage.ttftMs.count).toBe(24);
      expect(usage.ttftMs.p95).toBeCloseTo(300, -1);

      // Same proxy rows plus three new ones, one at the cursor's own time.
      const lastStartMs = t10 + 24 * 60_000;
      proxy.rows.push(spendLogRow('b-tie', lastStartMs));
      addRows('b', 2, t10 + 30 * 60_000);
      proxy.requests.length = 0;
      const second = await newPull(knex, store).run();
      expect(second).toMatchObject({ newRows: 3, inserted: 3, duplicates: 0 });
      expect(proxy.requests[0].get('start_date')).toBe('2026-11-23 10:24:00');

      // A "restart": a new pull on the same database with nothing new.
      const third = await newPull(knex, store, NOW_MS + 60_000).run();
      expect(third).toMatchObject({ newRows: 0, inserted: 0, duplicates: 0 });
      usage = await usageOf(store);
      expect(usage.requests).toBe(28);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the cursor at the last committed page when a page fails, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const t10 = Date.parse('2026-11-23T10:00:00.000Z');
      addRows('c', 8, t10);
      // Rows 8..11 share one start time and straddle pages 1 and 2.
      for (let i = 0; i < 4; i++) {
        proxy.rows.push(spendLogRow(`c-same-${i}`, t10 + 8 * 60_000));
      }
      addRows('d', 13, t10 + 9 * 60_000);
      proxy.failPages.add(2);

      await expect(newPull(knex, store).run()).rejects.toThrow(
        /GET \/spend\/logs\/v2\?.*page=2.* answered 500/,
      );
      const cursorStore = new DatabaseLiteLlmPullCursorStore(knex);
      const cursor = await cursorStore.getCursor(
        `litellm-spend-logs:${baseUrl}`,
      );
      expect(cursor).toEqual({
        lastStartTimeMs: t10 + 8 * 60_000,
        idsAtLastStartTime: ['c-same-0', 'c-same-1'],
      });
      expect((await usageOf(store)).requests).toBe(10);

      // The proxy recovers; a restarted backend neither skips nor repeats.
      proxy.failPages.clear();
      const resumed = await newPull(knex, store).run();
      expect(resumed).toMatchObject({
        newRows: 15,
        inserted: 15,
        duplicates: 0,
      });
      expect((await usageOf(store)).requests).toBe(25);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a page not sorted by startTime ascending and stores nothing of it, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      addRows('e', 5, Date.parse('2026-11-23T10:00:00.000Z'));
      proxy.ignoreSortOrder = true;

      await expect(newPull(knex, store).run()).rejects.toThrow(
        /page 1 is not sorted by startTime ascending .*nothing of this page was stored/,
      );
      expect((await usageOf(store)).requests).toBe(0);
      await expect(
        new DatabaseLiteLlmPullCursorStore(knex).getCursor(
          `litellm-spend-logs:${baseUrl}`,
        ),
      ).resolves.toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'counts a pulled call once with its span, matched by trace, in LiteLLM time text, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const startMs = Date.parse('2026-11-23T10:00:00.000Z');
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      // The app's span of the call: no response id, tokens counted by the
      // client (off by one), 20 s ahead of the gateway's clock.
      await store.insertEvents([
        {
          source: 'otlp',
          sourceEventId: `${traceId}00f067aa0ba902b7`,
          reporter: 'application',
          matchKey: null,
          traceId,
          occurredAt: new Date(startMs - 20_000),
          entityRef: ENDPOINT_REF,
          joinKey: 'llama-chat',
          agentJoinKey: null,
          agentEntityRef: null,
          operation: 'chat',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          provider: 'openai',
          streamed: true,
          status: 'ok',
          errorType: null,
          inputTokens: 101,
          outputTokens: 10,
          costUsd: 0,
          ttftMs: 320,
          latencyMs: 2100,
        },
      ]);
      const row = spendLogRow('litellm-call-1', startMs);
      proxy.rows.push({
        ...row,
        // LiteLLM's own text form, and the trace as the row's session_id.
        startTime: '2026-11-23 10:00:00.000000',
        endTime: '2026-11-23 10:00:02.000000',
        completionStartTime: '2026-11-23 10:00:00.300000',
        session_id: traceId,
      } as SpendLogRow);

      const result = await newPull(knex, store).run();
      expect(result).toMatchObject({ inserted: 1, merged: 1, rejected: 0 });
      expect(await usageOf(store)).toMatchObject({
        requests: 1,
        inputTokens: 100,
        outputTokens: 10,
        costUsd: 0.25,
      });
    },
  );

  it('names the status and URL when the proxy refuses the key', async () => {
    const pull = new LiteLlmSpendLogClient({ baseUrl, apiKey: 'wrong' });
    await expect(
      pull.fetchPage({
        fromMs: NOW_MS - 1000,
        toMs: NOW_MS,
        page: 1,
        pageSize: 10,
      }),
    ).rejects.toThrow(/GET \/spend\/logs\/v2\?start_date=.* answered 401/);
  });
});
