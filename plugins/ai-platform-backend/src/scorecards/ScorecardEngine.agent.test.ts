import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { DatabaseAgentRunStore } from '../agents/DatabaseAgentRunStore';
import { AgentRun, ToolCall } from '../agents/types';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import { readAgentCheckThresholds } from './checks/agentChecks';
import { DEFAULT_SCORECARD_CONFIG } from './scorecardConfig';
import { ScorecardEngine } from './ScorecardEngine';
import { mockServices } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-16T00:00:00.000Z');
const AGENT_REF = 'agent:default/checkout-agent';
const TRACE_LINKS = 'https://tempo.example.com/trace/{traceId}';

function agent(spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'team-a',
      ...spec,
    },
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `count` runs a day ago: `failed` of them failing, each `durationMs` and `costUsd`. */
function runs(
  count: number,
  failed: number,
  durationMs: number,
  costUsd: number,
) {
  return Array.from(
    { length: count },
    (_, i): AgentRun => ({
      traceId: hex(i + 1, 32),
      spanId: hex(i + 1, 16),
      parentSpanId: null,
      agentJoinKeyCandidates: ['agt_checkout'],
      agentJoinKey: 'agt_checkout',
      agentEntityRef: AGENT_REF,
      agentName: null,
      startedAt: new Date(NOW.getTime() - 24 * 3600_000 + i * 1000),
      durationMs,
      status: i < failed ? 'error' : 'ok',
      errorType: i < failed ? 'ToolError' : null,
      modelCalls: 2,
      inputTokens: 100,
      outputTokens: 10,
      costUsd,
    }),
  );
}

/**
 * The model calls of those runs' traces: `callsPerRun` calls of `costUsd`
 * each per run. A run's cost is read from its trace's stored calls, not from
 * the run span.
 */
function modelCalls(count: number, callsPerRun: number, costUsd: number) {
  return Array.from({ length: count * callsPerRun }, (_, i): TelemetryEvent => {
    const run = Math.floor(i / callsPerRun);
    return {
      source: 'otel',
      sourceEventId: `${hex(run + 1, 32)}:${hex(10_000 + i, 16)}`,
      traceId: hex(run + 1, 32),
      occurredAt: new Date(NOW.getTime() - 24 * 3600_000 + run * 1000 + 10),
      entityRef: 'modelendpoint:default/gpt-4o',
      joinKey: 'gpt-4o',
      agentJoinKey: 'agt_checkout',
      agentEntityRef: AGENT_REF,
      operation: 'chat',
      model: 'gpt-4o',
      provider: 'openai',
      streamed: false,
      status: 'ok',
      errorType: null,
      inputTokens: 50,
      outputTokens: 5,
      costUsd,
      ttftMs: null,
      latencyMs: 400,
    };
  });
}

function toolCalls(
  tool: string,
  count: number,
  failed: number,
  offset: number,
) {
  return Array.from(
    { length: count },
    (_, i): ToolCall => ({
      traceId: hex(offset + i + 1, 32),
      spanId: hex(offset + i + 1, 16),
      runSpanId: null,
      toolName: tool,
      toolCallId: null,
      agentJoinKeyCandidates: ['agt_checkout'],
      agentJoinKey: 'agt_checkout',
      agentEntityRef: AGENT_REF,
      startedAt: new Date(NOW.getTime() - 3600_000 + i * 1000),
      durationMs: 50,
      status: i < failed ? 'error' : 'ok',
      errorType: i < failed ? 'TimeoutError' : null,
    }),
  );
}

describe('ScorecardEngine agent checks', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const telemetryStore = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const scorecardStore = new DatabaseScorecardStore(knex, () => NOW);
    const agentRunStore = new DatabaseAgentRunStore(knex);
    const engine = new ScorecardEngine({
      telemetryStore,
      evalRunStore: scorecardStore,
      resultStore: scorecardStore,
      config: DEFAULT_SCORECARD_CONFIG,
      agentRunStore,
      agentThresholds: readAgentCheckThresholds(
        mockServices.rootConfig({
          data: { aiPlatform: { scorecards: { agent: { runP95Ms: 5000 } } } },
        }),
      ),
      traceLinkTemplate: TRACE_LINKS,
      now: () => NOW,
    });
    return { agentRunStore, telemetryStore, engine };
  }

  it.each(databases.eachSupportedId())(
    'judges run success, p95 duration, cost per run and the worst tool against the spec, on %p',
    async databaseId => {
      const { agentRunStore, telemetryStore, engine } = await setup(databaseId);
      await telemetryStore.insertEvents(modelCalls(40, 2, 0.01));
      await agentRunStore.insert(runs(40, 4, 6500, 0.02), [
        ...toolCalls('search_orders', 30, 0, 1000),
        ...toolCalls('refund_order', 25, 5, 2000),
        ...toolCalls('rarely_used', 3, 3, 3000),
      ]);
      const { checks } = await engine.evaluate(
        agent({
          slo: { runSuccessPercent: 95 },
          budget: { perRunUsd: 0.05 },
        }),
      );
      const byId = Object.fromEntries(checks.map(c => [c.checkId, c]));
      expect(byId['agent-run-success']).toMatchObject({
        category: 'agent',
        status: 'warn',
        value: 90,
        threshold: 95,
        window: '7d',
      });
      expect(byId['agent-run-success'].message).toContain(
        `36 of 40 runs succeeded`,
      );
      expect(byId['agent-run-success'].message).toContain(
        'Latest failing trace: https://tempo.example.com/trace/',
      );
      // Threshold from config (no spec value): 6.5 s is above 5 s × 1.2.
      expect(byId['agent-run-p95']).toMatchObject({
        status: 'fail',
        threshold: 5000,
      });
      // Within the duration sketch's 1 % relative accuracy.
      expect(byId['agent-run-p95'].value).toBeGreaterThanOrEqual(6500 * 0.99);
      expect(byId['agent-run-p95'].value).toBeLessThanOrEqual(6500 * 1.01);
      expect(byId['agent-cost-per-run']).toMatchObject({
        status: 'pass',
        value: 0.02,
        threshold: 0.05,
      });
      // The tool with too few calls is not judged; refund_order is the worst.
      expect(byId['agent-tool-error-rate']).toMatchObject({
        status: 'fail',
        value: 20,
        threshold: 5,
      });
      expect(byId['agent-tool-error-rate'].message).toContain(
        "Worst tool: 'refund_order', 5 of 25 calls failed (20%)",
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'says not-enough-data without runs, and skips cost per run without a per-run budget, on %p',
    async databaseId => {
      const { engine } = await setup(databaseId);
      const { checks } = await engine.evaluate(agent({}));
      expect(checks.map(c => [c.checkId, c.status])).toEqual([
        ['agent-run-success', 'not-enough-data'],
        ['agent-run-p95', 'not-enough-data'],
        ['agent-tool-error-rate', 'not-enough-data'],
      ]);
    },
  );

  it('refuses an invalid agent threshold in config, naming the key', () => {
    expect(() =>
      readAgentCheckThresholds(
        mockServices.rootConfig({
          data: {
            aiPlatform: { scorecards: { agent: { runSuccessPercent: 120 } } },
          },
        }),
      ),
    ).toThrow(
      "Invalid config 'aiPlatform.scorecards.agent.runSuccessPercent': expected a percentage (0 to 100), got 120",
    );
  });
});
