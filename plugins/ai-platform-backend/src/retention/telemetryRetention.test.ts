import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { DatabaseAgentRunStore } from '../agents/DatabaseAgentRunStore';
import { AgentRun } from '../agents/types';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { TelemetryEvent } from '../database/TelemetryStore';
import {
  planTelemetryRetention,
  readTelemetryRetention,
  runTelemetryRetention,
} from './telemetryRetention';

jest.setTimeout(60_000);

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-05T12:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

const HIGH = 'agent:default/loan-approval-agent';
const LIMITED = 'agent:default/support-triage-agent';
const ENDPOINT = 'modelendpoint:default/llama-chat';

function agent(name: string, riskTier?: string): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name, namespace: 'default' },
    spec: riskTier ? { riskTier } : {},
  };
}

const ENTITIES = [
  agent('loan-approval-agent', 'high'),
  agent('support-triage-agent', 'limited'),
  agent('untiered-agent'),
];

function event(id: string, entityRef: string | null, occurredAt: Date) {
  const e: TelemetryEvent = {
    source: 'litellm',
    sourceEventId: id,
    occurredAt,
    entityRef,
    joinKey: entityRef ?? 'unknown-alias',
    operation: 'chat',
    model: 'm',
    provider: 'vllm',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.001,
    ttftMs: null,
    latencyMs: 100,
  };
  return e;
}

function run(
  spanId: string,
  agentEntityRef: string,
  startedAt: Date,
): AgentRun {
  return {
    traceId: spanId.padStart(32, '0'),
    spanId: spanId.padStart(16, '0'),
    parentSpanId: null,
    agentJoinKeyCandidates: [agentEntityRef],
    agentJoinKey: agentEntityRef,
    agentEntityRef,
    agentName: null,
    startedAt,
    durationMs: 1000,
    status: 'ok',
    errorType: null,
    modelCalls: 1,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.001,
  };
}

describe('telemetry retention per risk tier', () => {
  it('reads the tiers over the defaults and refuses non-positive days', () => {
    expect(readTelemetryRetention(new ConfigReader({}), 14)).toEqual({
      defaultDays: 14,
      daysByRiskTier: { high: 180 },
    });
    expect(
      readTelemetryRetention(
        new ConfigReader({
          aiPlatform: {
            governance: {
              retention: {
                telemetry: { byRiskTier: { limited: 30, high: 365 } },
              },
            },
          },
        }),
        14,
      ).daysByRiskTier,
    ).toEqual({ high: 365, limited: 30 });
    expect(() =>
      readTelemetryRetention(
        new ConfigReader({
          aiPlatform: {
            governance: {
              retention: { telemetry: { byRiskTier: { high: 0 } } },
            },
          },
        }),
        14,
      ),
    ).toThrow(
      "Invalid config 'aiPlatform.governance.retention.telemetry.byRiskTier.high': expected a positive number of days, got 0",
    );
  });

  it('plans the default days for all but the tiers with days of their own', () => {
    const deletions = planTelemetryRetention(
      ENTITIES,
      { defaultDays: 14, daysByRiskTier: { high: 180, limited: 14 } },
      NOW,
    );
    expect(deletions).toEqual([
      {
        riskTier: null,
        days: 14,
        before: daysAgo(14),
        scope: { exceptEntityRefs: [HIGH] },
      },
      {
        riskTier: 'high',
        days: 180,
        before: daysAgo(180),
        scope: { onlyEntityRefs: [HIGH] },
      },
    ]);
  });

  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    "keeps a high-risk agent's raw calls and runs 180 days and the others 14, %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      const telemetryStore = await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      const agentRunStore = new DatabaseAgentRunStore(knex);
      await telemetryStore.insertEvents([
        event('high-20d', HIGH, daysAgo(20)),
        event('high-200d', HIGH, daysAgo(200)),
        event('limited-20d', LIMITED, daysAgo(20)),
        event('limited-5d', LIMITED, daysAgo(5)),
        event('endpoint-20d', ENDPOINT, daysAgo(20)),
        event('unattributed-20d', null, daysAgo(20)),
        event('unattributed-1d', null, daysAgo(1)),
      ]);
      await agentRunStore.insert(
        [
          run('a1', HIGH, daysAgo(20)),
          run('a2', HIGH, daysAgo(200)),
          run('b1', LIMITED, daysAgo(20)),
          run('b2', LIMITED, daysAgo(5)),
        ],
        [],
      );
      const rollupsBefore = await knex('ai_platform_rollups_hourly').count({
        n: '*',
      });

      const results = await runTelemetryRetention(
        planTelemetryRetention(
          ENTITIES,
          readTelemetryRetention(new ConfigReader({}), 14),
          NOW,
        ),
        { telemetryStore, agentRunStore },
      );

      expect(
        results.map(r => [r.deletion.riskTier, r.events, r.agentRows]),
      ).toEqual([
        [null, 3, 1],
        ['high', 1, 1],
      ]);
      const events = await knex('ai_platform_events')
        .select('source_event_id')
        .orderBy('source_event_id');
      expect(events.map(e => e.source_event_id)).toEqual([
        'high-20d',
        'limited-5d',
        'unattributed-1d',
      ]);
      const runs = await knex('ai_platform_agent_runs')
        .select('span_id')
        .orderBy('span_id');
      expect(runs.map(r => r.span_id)).toEqual([
        'a1'.padStart(16, '0'),
        'b2'.padStart(16, '0'),
      ]);
      // Hourly rollups stay whatever the tier.
      expect(
        await knex('ai_platform_rollups_hourly').count({ n: '*' }),
      ).toEqual(rollupsBefore);
    },
  );
});
