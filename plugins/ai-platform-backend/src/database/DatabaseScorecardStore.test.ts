import { TestDatabases } from '@backstage/backend-test-utils';
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
});
