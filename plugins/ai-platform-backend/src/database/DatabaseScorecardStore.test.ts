import { TestDatabases } from '@backstage/backend-test-utils';
import { resolve as resolvePath } from 'node:path';
import { NewEvalRun } from '../scorecards/types';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { DatabaseTelemetryStore } from './DatabaseTelemetryStore';

jest.setTimeout(60_000);

const CREATED = new Date('2026-11-23T12:00:00.000Z');

function run(overrides: Partial<NewEvalRun> = {}): NewEvalRun {
  return {
    entityRef: 'Agent:default/Checkout-Agent',
    suite: 'safety',
    suiteVersion: 'v3',
    runId: 'run-1',
    source: 'promptfoo',
    score: 0.625,
    passed: 3,
    failed: 1,
    total: 4,
    startedAt: new Date('2026-11-23T09:58:12.000Z'),
    finishedAt: new Date('2026-11-23T10:00:00.000Z'),
    ...overrides,
  };
}

describe('DatabaseScorecardStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return new DatabaseScorecardStore(knex, () => CREATED);
  }

  it.each(databases.eachSupportedId())(
    'stores an eval run once per source and run id, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      const first = await store.insertEvalRun(run());
      expect(first.duplicate).toBe(false);
      expect(first.run).toEqual({
        ...run(),
        id: expect.any(String),
        entityRef: 'agent:default/checkout-agent',
        // A run stored without them has no errors and no metrics.
        errors: 0,
        metrics: {},
        createdAt: CREATED,
      });

      const retried = await store.insertEvalRun(run({ score: 0.1 }));
      expect(retried).toEqual({ run: first.run, duplicate: true });

      // The same run id from another source is another run.
      const generic = await store.insertEvalRun(run({ source: 'generic' }));
      expect(generic.duplicate).toBe(false);
      expect(
        await store.listEvalRuns({
          entityRef: 'agent:default/checkout-agent',
          suite: 'safety',
          limit: 10,
        }),
      ).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists runs newest first, optionally of one suite version, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await store.insertEvalRun(
        run({ runId: 'a', startedAt: new Date('2026-11-01T00:00:00Z') }),
      );
      await store.insertEvalRun(
        run({
          runId: 'b',
          suiteVersion: 'v4',
          startedAt: new Date('2026-11-03T00:00:00Z'),
        }),
      );
      await store.insertEvalRun(
        run({ runId: 'c', startedAt: new Date('2026-11-02T00:00:00Z') }),
      );
      await store.insertEvalRun(run({ runId: 'd', suite: 'helpfulness' }));
      const ids = async (suiteVersion?: string) =>
        (
          await store.listEvalRuns({
            entityRef: 'agent:default/checkout-agent',
            suite: 'safety',
            suiteVersion,
            limit: 10,
          })
        ).map(r => r.runId);
      expect(await ids()).toEqual(['b', 'c', 'a']);
      expect(await ids('v3')).toEqual(['c', 'a']);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the errors and named metrics of a run, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      const metrics = {
        helpfulness: 1,
        concision: 0.75,
        'match/stderr': 0.1 + 0.2,
        'model_graded_fact/accuracy': 1 / 3,
      };
      const stored = await store.insertEvalRun(
        run({ errors: 1, total: 5, metrics }),
      );
      expect(stored.run).toMatchObject({ errors: 1, total: 5, metrics });
      await store.insertEvalRuns([
        run({
          runId: 'batch-1',
          errors: 2,
          total: 6,
          metrics: { safety: 0.5 },
          startedAt: new Date('2026-11-23T11:00:00.000Z'),
        }),
      ]);
      const listed = await store.listEvalRuns({
        entityRef: 'agent:default/checkout-agent',
        suite: 'safety',
        limit: 10,
      });
      expect(listed.map(r => [r.runId, r.errors, r.total, r.metrics])).toEqual([
        ['batch-1', 2, 6, { safety: 0.5 }],
        ['run-1', 1, 5, metrics],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses errors and metrics the columns cannot hold, %p',
    async databaseId => {
      const store = await createStore(databaseId);
      await expect(store.insertEvalRun(run({ errors: -1 }))).rejects.toThrow(
        /^Invalid eval run 'run-1': 'errors': expected the number of tests that did not run \(errors\) as an integer from 0 to 1000000000$/,
      );
      await expect(
        store.insertEvalRun(run({ metrics: { tone: Number.NaN } })),
      ).rejects.toThrow(
        /^Invalid eval run 'run-1': 'metrics': expected the value of metric 'tone' as a finite number$/,
      );
      await expect(
        store.insertEvalRun(run({ metrics: { ['m'.repeat(256)]: 1 } })),
      ).rejects.toThrow(/expected metric names of at most 255 characters/);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates the run details down and up again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId as 'SQLITE_3');
      await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      const store = new DatabaseScorecardStore(knex, () => CREATED);
      await store.insertEvalRun(
        run({ errors: 1, total: 5, metrics: { a: 1 } }),
      );
      const directory = resolvePath(__dirname, '../../migrations');
      // By name: a later migration may exist by the time this runs.
      await knex.migrate.down({
        directory,
        name: '20261205100000_eval_run_details.js',
      });
      const columns = Object.keys(
        await knex('ai_platform_eval_runs').columnInfo(),
      );
      expect(columns).not.toContain('errors');
      expect(columns).not.toContain('metrics');
      expect(await knex('ai_platform_eval_runs').pluck('run_id')).toEqual([
        'run-1',
      ]);

      await knex.migrate.latest({ directory });
      const [again] = await store.listEvalRuns({
        entityRef: 'agent:default/checkout-agent',
        suite: 'safety',
        limit: 1,
      });
      // The row kept its run; its details were dropped with the columns.
      expect(again).toMatchObject({ runId: 'run-1', errors: 0, metrics: {} });
      // The table kept its unique run id per source through the rebuild.
      expect((await store.insertEvalRun(run())).duplicate).toBe(true);
    },
  );
});
