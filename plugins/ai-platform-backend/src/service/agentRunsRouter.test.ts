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

jest.setTimeout(90_000);

const TRACES_PATH = '/api/ai-platform/v1/traces';
const AGENT_REF = 'agent:default/checkout-agent';
const SERVICE = mockCredentials.service.header();
const USER = mockCredentials.user.header();

/** 1 USD per million input tokens, 2 USD per million output tokens. */
const ENTITIES: Entity[] = [
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: 'gpt-4o-mini', namespace: 'default' },
    spec: {
      type: 'chat',
      lifecycle: 'production',
      owner: 'group:default/payments',
      model: { name: 'gpt-4o-mini' },
      serving: { mode: 'managed', provider: 'openai' },
      gateway: { model: 'gpt-4o-mini' },
      pricing: { inputPerMillionTokensUsd: 1, outputPerMillionTokensUsd: 2 },
    },
  },
  {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'group:default/payments',
      models: ['modelendpoint:default/gpt-4o-mini'],
      gateway: { agentId: 'agt_checkout' },
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: 'orders-mcp',
      namespace: 'default',
      annotations: { 'aiplatform.io/tools': 'search_orders, refund_order' },
    },
    spec: {
      type: 'mcp-server',
      lifecycle: 'production',
      owner: 'group:default/payments',
      definition: 'MCP',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name: 'broken-mcp',
      namespace: 'default',
      annotations: { 'aiplatform.io/tools': 'ok_tool, not a tool!' },
    },
    spec: {
      type: 'mcp-server',
      lifecycle: 'production',
      owner: 'group:default/payments',
      definition: 'MCP',
    },
  },
];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const traceId = (n: number) => hex(n, 32);
const spanId = (n: number) => hex(n, 16);
const BASE_MS = Date.now() - 60 * 60 * 1000;
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

type Attr = string | number;
function span(options: {
  trace: number;
  id: number;
  parent?: number;
  name: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, Attr>;
  error?: boolean;
}) {
  return {
    traceId: traceId(options.trace),
    spanId: spanId(options.id),
    ...(options.parent ? { parentSpanId: spanId(options.parent) } : {}),
    name: options.name,
    kind: 1,
    startTimeUnixNano: nanos(BASE_MS + options.startMs),
    endTimeUnixNano: nanos(BASE_MS + options.startMs + options.durationMs),
    attributes: Object.entries(options.attributes).map(([key, value]) => ({
      key,
      value:
        typeof value === 'number'
          ? { intValue: value }
          : { stringValue: value },
    })),
    status: options.error ? { code: 2, message: 'failed' } : { code: 1 },
  };
}

/** A run: agent span, two chat calls (one below a step span), one tool call. */
function run(trace: number, options: { failing: boolean; tool: string }) {
  const base = trace * 100;
  return [
    span({
      trace,
      id: base + 1,
      name: 'invoke_agent checkout',
      startMs: trace * 1000,
      durationMs: 4000 + trace * 100,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'agt_checkout',
        'gen_ai.agent.name': 'Checkout agent',
        ...(options.failing ? { 'error.type': 'ToolError' } : {}),
      },
      error: options.failing,
    }),
    span({
      trace,
      id: base + 2,
      parent: base + 1,
      name: 'step',
      startMs: trace * 1000 + 10,
      durationMs: 1000,
      attributes: { 'app.step': 'plan' },
    }),
    span({
      trace,
      id: base + 3,
      parent: base + 2,
      name: 'chat gpt-4o-mini',
      startMs: trace * 1000 + 20,
      durationMs: 900,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.output_tokens': 500,
      },
    }),
    span({
      trace,
      id: base + 4,
      parent: base + 1,
      name: `execute_tool ${options.tool}`,
      startMs: trace * 1000 + 1000,
      durationMs: 200,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': options.tool,
        'gen_ai.tool.call.id': `call_${trace}`,
        ...(options.failing ? { 'error.type': 'TimeoutError' } : {}),
      },
      error: options.failing,
    }),
    span({
      trace,
      id: base + 5,
      parent: base + 1,
      name: 'chat gpt-4o-mini',
      startMs: trace * 1000 + 1300,
      durationMs: 800,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 2000,
        'gen_ai.usage.output_tokens': 250,
      },
    }),
  ];
}

/** Malformed agent and tool spans: each rejected with its reason. */
const MALFORMED = [
  span({
    trace: 90,
    id: 9001,
    name: 'execute_tool orphan',
    startMs: 0,
    durationMs: 10,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search_orders',
    },
  }),
  span({
    trace: 91,
    id: 9101,
    name: 'invoke_agent',
    startMs: 0,
    durationMs: 10,
    attributes: { 'gen_ai.operation.name': 'invoke_agent' },
  }),
  span({
    trace: 92,
    id: 9201,
    parent: 9200,
    name: 'execute_tool',
    startMs: 0,
    durationMs: 10,
    attributes: { 'gen_ai.operation.name': 'execute_tool' },
  }),
  {
    ...span({
      trace: 93,
      id: 1,
      name: 'execute_tool',
      startMs: 0,
      durationMs: 1,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'x',
        'gen_ai.agent.id': 'agt_checkout',
      },
    }),
    spanId: 'zz',
  },
];

function traces(spans: object[]) {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'checkout' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  };
}

describe('agent runs and tool calls', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(TEST_DATABASE_IDS)(
    'stores runs and tool calls from OTLP spans and answers the runs, tool and unknown-tool routes, on %p',
    async (databaseId: TestDatabaseId) => {
      const { server, knex } = await startIngestTestBackend(
        databases,
        databaseId,
        {
          entities: ENTITIES,
          config: {
            aiPlatform: {
              telemetry: {
                traceLinks: 'https://jaeger.example.com/trace/{traceId}',
              },
            },
          },
        },
      );
      const body = traces([
        ...run(1, { failing: false, tool: 'search_orders' }),
        ...run(2, { failing: true, tool: 'refund_order' }),
        ...run(3, { failing: false, tool: 'lookup_weather' }),
        ...MALFORMED,
      ]);
      const first = await request(server)
        .post(TRACES_PATH)
        .set('Authorization', SERVICE)
        .send(body);
      expect(first.status).toBe(200);
      expect(first.body.partialSuccess.rejectedSpans).toBe('4');
      const message: string = first.body.partialSuccess.errorMessage;
      expect(message).toContain(
        "tool call 'search_orders' has no parent span and names no agent",
      );
      expect(message).toContain('agent span names no agent');
      expect(message).toContain('tool span names no tool');
      expect(message).toContain("'spanId' must be 8 bytes");

      // Sent again (an exporter retry): nothing counts twice.
      const again = await request(server)
        .post(TRACES_PATH)
        .set('Authorization', SERVICE)
        .send(body);
      expect(again.status).toBe(200);
      expect(
        Number((await knex('ai_platform_agent_runs').count('* as n'))[0].n),
      ).toBe(3);
      expect(
        Number((await knex('ai_platform_tool_calls').count('* as n'))[0].n),
      ).toBe(3);

      const runs = await request(server)
        .get(
          `/api/ai-platform/agent-runs/by-entity/agent/default/checkout-agent`,
        )
        .set('Authorization', USER);
      expect(runs.status).toBe(200);
      // Each run: 3000 input tokens (3000e-6 USD) + 750 output (1500e-6 USD).
      expect(runs.body).toMatchObject({
        entityRef: AGENT_REF,
        runs: 3,
        failedRuns: 1,
        modelCalls: 6,
        inputTokens: 9000,
        outputTokens: 2250,
      });
      expect(runs.body.successRatePercent).toBeCloseTo((2 / 3) * 100, 6);
      expect(runs.body.costPerRunUsd).toBeCloseTo(0.0045, 9);
      expect(runs.body.costUsd).toBeCloseTo(0.0135, 9);
      // p95 of 4100, 4200, 4300 ms within the sketch's 1 % accuracy.
      expect(runs.body.p95DurationMs).toBeGreaterThan(4200 * 0.99);
      expect(runs.body.p95DurationMs).toBeLessThan(4300 * 1.01);
      expect(
        runs.body.days.reduce(
          (sum: number, d: { runs: number }) => sum + d.runs,
          0,
        ),
      ).toBe(3);
      expect(runs.body.latestFailingRuns).toEqual([
        expect.objectContaining({
          traceId: traceId(2),
          errorType: 'ToolError',
          traceUrl: `https://jaeger.example.com/trace/${traceId(2)}`,
        }),
      ]);
      const tools = Object.fromEntries(
        runs.body.tools.map((tool: { toolName: string }) => [
          tool.toolName,
          tool,
        ]),
      );
      expect(tools.refund_order).toMatchObject({
        calls: 1,
        errors: 1,
        errorRatePercent: 100,
        apiEntityRef: 'api:default/orders-mcp',
        latestFailingTraceUrl: `https://jaeger.example.com/trace/${traceId(2)}`,
      });
      expect(tools.search_orders).toMatchObject({
        calls: 1,
        errors: 0,
        apiEntityRef: 'api:default/orders-mcp',
        latestFailingTraceId: null,
      });
      expect(tools.lookup_weather.apiEntityRef).toBeNull();

      const callers = await request(server)
        .get('/api/ai-platform/tools/by-entity/api/default/orders-mcp')
        .set('Authorization', USER);
      expect(callers.status).toBe(200);
      expect(callers.body.toolNames).toEqual(['search_orders', 'refund_order']);
      expect(
        callers.body.agents.map(
          (a: { agentEntityRef: string; toolName: string; calls: number }) => [
            a.agentEntityRef,
            a.toolName,
            a.calls,
          ],
        ),
      ).toEqual([
        [AGENT_REF, 'refund_order', 1],
        [AGENT_REF, 'search_orders', 1],
      ]);

      const unknown = await request(server)
        .get('/api/ai-platform/tools/unattributed')
        .set('Authorization', USER);
      expect(unknown.status).toBe(200);
      expect(unknown.body.tools).toEqual([
        { toolName: 'lookup_weather', calls: 1, errors: 0 },
      ]);

      const broken = await request(server)
        .get('/api/ai-platform/tools/by-entity/api/default/broken-mcp')
        .set('Authorization', USER);
      expect(broken.status).toBe(400);
      expect(broken.body.error.message).toContain(
        "Annotation 'aiplatform.io/tools' of api:default/broken-mcp: 'not a tool!' is not a tool name",
      );

      const badWindow = await request(server)
        .get(
          '/api/ai-platform/agent-runs/by-entity/agent/default/checkout-agent?from=yesterday',
        )
        .set('Authorization', USER);
      expect(badWindow.status).toBe(400);
      expect(badWindow.body.error.message).toContain("'from'");

      for (const path of [
        '/api/ai-platform/agent-runs/by-entity/agent/default/checkout-agent',
        '/api/ai-platform/tools/by-entity/api/default/orders-mcp',
        '/api/ai-platform/tools/unattributed',
      ]) {
        const anonymous = await request(server)
          .get(path)
          .set('Authorization', mockCredentials.none.header());
        expect(anonymous.status).toBe(401);
      }
    },
  );

  it('answers 404 for an API the catalog does not have and 403 without ai-platform.telemetry.read', async () => {
    const allowed = await startIngestTestBackend(databases, 'SQLITE_3', {
      entities: ENTITIES,
    });
    const missing = await request(allowed.server)
      .get('/api/ai-platform/tools/by-entity/api/default/no-such-mcp')
      .set('Authorization', USER);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      'No entity api:default/no-such-mcp in the catalog',
    );
    const plain = await request(allowed.server)
      .get('/api/ai-platform/tools/by-entity/api/default/orders-mcp')
      .set('Authorization', USER);
    expect(plain.body).toMatchObject({ agents: [] });

    const denied = await startIngestTestBackend(databases, 'SQLITE_3', {
      entities: ENTITIES,
      permission: AuthorizeResult.DENY,
    });
    for (const path of [
      '/api/ai-platform/agent-runs/by-entity/agent/default/checkout-agent',
      '/api/ai-platform/tools/by-entity/api/default/orders-mcp',
      '/api/ai-platform/tools/unattributed',
    ]) {
      const response = await request(denied.server)
        .get(path)
        .set('Authorization', USER);
      expect(response.status).toBe(403);
    }
  });
  it.each(TEST_DATABASE_IDS)(
    "counts a run's model calls that arrive in another batch than its agent span, on %p",
    async (databaseId: TestDatabaseId) => {
      const { server } = await startIngestTestBackend(databases, databaseId, {
        entities: ENTITIES,
      });
      const isChat = (s: { name: string }) => s.name.startsWith('chat ');
      const one = run(1, { failing: false, tool: 'search_orders' });
      const three = run(3, { failing: false, tool: 'search_orders' });
      // Run 1: agent span first, its chat spans in the next batch.
      // Run 3: chat spans first, its agent span in the next batch.
      for (const batch of [
        [...one.filter(s => !isChat(s)), ...three.filter(isChat)],
        [...one.filter(isChat), ...three.filter(s => !isChat(s))],
      ]) {
        const response = await request(server)
          .post(TRACES_PATH)
          .set('Authorization', SERVICE)
          .send(traces(batch));
        expect(response.status).toBe(200);
      }
      const runs = await request(server)
        .get(
          `/api/ai-platform/agent-runs/by-entity/agent/default/checkout-agent`,
        )
        .set('Authorization', USER);
      expect(runs.status).toBe(200);
      // Each run: 3000 input tokens (3000e-6 USD) + 750 output (1500e-6 USD),
      // as when the whole run arrives in one batch.
      expect(runs.body).toMatchObject({
        runs: 2,
        modelCalls: 4,
        inputTokens: 6000,
        outputTokens: 1500,
      });
      expect(runs.body.costUsd).toBeCloseTo(0.009, 9);
      expect(runs.body.costPerRunUsd).toBeCloseTo(0.0045, 9);
    },
  );
});
