import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { bucketForValue, valueForBucket } from '../database/logBucketSketch';
import { TelemetryEvent } from '../database/TelemetryStore';
import { DEFAULT_SCORECARD_CONFIG } from './scorecardConfig';
import { ScorecardEngine } from './ScorecardEngine';

jest.setTimeout(60_000);

/** Half of November has passed: the forecast doubles the month-to-date. */
const NOW = new Date('2026-11-16T00:00:00.000Z');
const AGENT_REF = 'agent:default/checkout-agent';

function agent(spec: Record<string, unknown>, name = 'checkout-agent'): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'team-a',
      ...spec,
    },
  };
}

function call(id: string, overrides: Partial<TelemetryEvent>): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    occurredAt: new Date('2026-11-15T10:00:00Z'),
    entityRef: AGENT_REF,
    joinKey: 'llama-chat',
    operation: 'chat',
    model: 'llama',
    provider: 'vllm',
    streamed: true,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 1,
    ttftMs: 100,
    latencyMs: 1000,
    ...overrides,
  };
}

/** The sketch's representative value of a TTFT, rounded like the check. */
function sketchValue(valueMs: number): number {
  return Math.round(valueForBucket(bucketForValue(valueMs)) * 10) / 10;
}

describe('ScorecardEngine', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const telemetryStore = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const scorecardStore = new DatabaseScorecardStore(knex, () => NOW);
    let now = NOW;
    const engine = new ScorecardEngine({
      telemetryStore,
      evalRunStore: scorecardStore,
      resultStore: scorecardStore,
      config: DEFAULT_SCORECARD_CONFIG,
      now: () => now,
    });
    return {
      telemetryStore,
      scorecardStore,
      engine,
      setNow: (date: Date) => {
        now = date;
      },
    };
  }

  async function addEvalRun(
    store: DatabaseScorecardStore,
    runId: string,
    score: number,
    startedAt: string,
    suiteVersion = 'v3',
  ) {
    await store.insertEvalRun({
      entityRef: AGENT_REF,
      suite: 'safety',
      suiteVersion,
      runId,
      source: 'generic',
      score,
      passed: Math.round(score * 100),
      failed: 100 - Math.round(score * 100),
      total: 100,
      startedAt: new Date(startedAt),
      finishedAt: null,
    });
  }

  const SPEC = {
    slo: { ttftP95Ms: 300, errorRatePercent: 8 },
    budget: { monthlyUsd: 100 },
    evals: [{ suite: 'safety', minScore: 0.8 }],
  };

  it.each(databases.eachSupportedId())(
    'computes every check from known telemetry and eval runs, %p',
    async databaseId => {
      const { telemetryStore, scorecardStore, engine } = await setup(
        databaseId,
      );
      // 20 streamed successes with TTFT 100..290 ms, 2 errors, 1 USD each,
      // in the last 24 h; 30 USD earlier this month, outside the SLO window.
      await telemetryStore.insertEvents([
        ...Array.from({ length: 20 }, (_, i) =>
          call(`ok-${i}`, { ttftMs: 100 + i * 10 }),
        ),
        call('err-1', { status: 'error', ttftMs: null }),
        call('err-2', { status: 'error', ttftMs: null }),
        call('early', {
          occurredAt: new Date('2026-11-02T08:00:00Z'),
          costUsd: 30,
        }),
      ]);
      await addEvalRun(scorecardStore, 'run-1', 0.9, '2026-11-10T00:00:00Z');
      await addEvalRun(scorecardStore, 'run-2', 0.82, '2026-11-14T00:00:00Z');
      // A run of another suite version is not compared with.
      await addEvalRun(
        scorecardStore,
        'run-0',
        0.99,
        '2026-11-12T00:00:00Z',
        'v2',
      );

      const evaluation = await engine.evaluate(agent(SPEC));

      expect(evaluation.entityRef).toBe(AGENT_REF);
      expect(evaluation.evaluatedAt).toEqual(NOW);
      const byId = Object.fromEntries(
        evaluation.checks.map(check => [check.checkId, check]),
      );
      expect(Object.keys(byId).sort()).toEqual([
        'budget-forecast',
        'budget-mtd',
        'error-rate',
        'eval-regression:safety',
        'eval:safety',
        'ttft-p95',
      ]);
      // Without an external source every number comes from the store.
      expect(new Set(evaluation.checks.map(check => check.source))).toEqual(
        new Set(['telemetry-store']),
      );
      // p95 of 20 values = the 19th smallest (rank floor(0.95 * 19) = 18).
      expect(byId['ttft-p95']).toMatchObject({
        status: 'pass',
        value: sketchValue(280),
        threshold: 300,
        window: '24h',
      });
      // 2 of 22 = 9.09 %: above 8 % but within 1.2 × 8 = 9.6 %.
      expect(byId['error-rate']).toMatchObject({
        status: 'warn',
        value: 9.09,
        threshold: 8,
      });
      // 22 calls of 1 USD in the last 24 h and 30 USD on Nov 2.
      expect(byId['budget-mtd']).toMatchObject({
        status: 'pass',
        value: 52,
        threshold: 100,
        window: 'month-to-date',
      });
      // Half the month passed: 52 / 0.5 = 104 > 100 while MTD ≤ 100.
      expect(byId['budget-forecast']).toMatchObject({
        status: 'warn',
        value: 104,
        threshold: 100,
      });
      expect(byId['eval:safety']).toMatchObject({
        status: 'pass',
        value: 0.82,
        threshold: 0.8,
      });
      expect(byId['eval-regression:safety']).toMatchObject({
        status: 'fail',
        value: 0.08,
        threshold: 0.05,
      });
      expect(byId['eval-regression:safety'].message).toMatch(
        /dropped by 0.08 from 0.9 \(run run-1\) to 0.82 \(run run-2\)/,
      );
      // No failed budget or SLO check, but not everything passes.
      expect(evaluation.level).toBe('silver');
    },
  );

  it.each(databases.eachSupportedId())(
    'reports not-enough-data and skips checks without thresholds, %p',
    async databaseId => {
      const { telemetryStore, engine } = await setup(databaseId);
      await telemetryStore.insertEvents(
        Array.from({ length: 5 }, (_, i) => call(`few-${i}`, {})),
      );

      const evaluation = await engine.evaluate(agent(SPEC));
      expect(
        evaluation.checks.map(check => [check.checkId, check.status]),
      ).toEqual([
        ['ttft-p95', 'not-enough-data'],
        ['error-rate', 'not-enough-data'],
        ['budget-mtd', 'pass'],
        ['budget-forecast', 'not-enough-data'],
        ['eval:safety', 'not-enough-data'],
        ['eval-regression:safety', 'not-enough-data'],
      ]);
      expect(evaluation.checks[1].message).toMatch(
        /Only 5 request\(s\) in the last 24 h; at least 20 are needed/,
      );
      expect(evaluation.level).toBe('silver');

      const bare = await engine.evaluate(agent({}, 'bare-agent'));
      expect(bare.checks).toEqual([]);
      expect(bare.level).toBeNull();

      const sloOnly = await engine.evaluate(
        agent({ slo: { errorRatePercent: 1 } }, 'slo-only'),
      );
      expect(sloOnly.checks.map(check => check.checkId)).toEqual([
        'error-rate',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'grades levels and keeps every evaluation as history, %p',
    async databaseId => {
      const { telemetryStore, scorecardStore, engine, setNow } = await setup(
        databaseId,
      );
      await telemetryStore.insertEvents(
        Array.from({ length: 20 }, (_, i) => call(`c-${i}`, { costUsd: 3 })),
      );
      // 60 USD month-to-date, forecast 120.
      const overBudget = await engine.evaluate(
        agent({ budget: { monthlyUsd: 50 } }),
      );
      expect(overBudget.checks.map(c => [c.checkId, c.status])).toEqual([
        ['budget-mtd', 'fail'],
        ['budget-forecast', 'fail'],
      ]);
      expect(overBudget.level).toBeNull();

      setNow(new Date(NOW.getTime() + 60_000));
      const slowTtft = await engine.evaluate(
        agent({ budget: { monthlyUsd: 500 }, slo: { ttftP95Ms: 50 } }),
      );
      expect(slowTtft.checks.map(c => [c.checkId, c.status])).toEqual([
        ['ttft-p95', 'fail'],
        ['budget-mtd', 'pass'],
        ['budget-forecast', 'pass'],
      ]);
      expect(slowTtft.level).toBe('bronze');

      setNow(new Date(NOW.getTime() + 120_000));
      const allPass = await engine.evaluate(
        agent({ budget: { monthlyUsd: 500 }, slo: { ttftP95Ms: 200 } }),
      );
      expect(allPass.level).toBe('gold');

      const history = await scorecardStore.listEvaluations({
        entityRef: AGENT_REF,
        limit: 50,
      });
      expect(history.map(e => [e.evaluatedAt.getTime(), e.level])).toEqual([
        [NOW.getTime() + 120_000, 'gold'],
        [NOW.getTime() + 60_000, 'bronze'],
        [NOW.getTime(), null],
      ]);
      expect(history[1].checks).toEqual(
        slowTtft.checks
          .slice()
          .sort((a, b) => a.checkId.localeCompare(b.checkId)),
      );
      expect(
        await scorecardStore.listEvaluations({
          entityRef: AGENT_REF,
          limit: 2,
        }),
      ).toHaveLength(2);
      const latest = await scorecardStore.getLatestEvaluations([
        'Agent:default/Checkout-Agent',
        'agent:default/unknown',
      ]);
      expect([...latest.keys()]).toEqual([AGENT_REF]);
      expect(latest.get(AGENT_REF)?.level).toBe('gold');
    },
  );
});
