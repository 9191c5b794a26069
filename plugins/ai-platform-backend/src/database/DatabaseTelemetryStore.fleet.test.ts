import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseTelemetryStore } from './DatabaseTelemetryStore';
import { TelemetryEvent } from './TelemetryStore';
import { entitySubject, unattributedSubject } from './telemetrySubject';

jest.setTimeout(60_000);

const HOUR_MS = 60 * 60 * 1000;
const ENDPOINT_REF = 'modelendpoint:default/llama-chat';
const AGENT_REF = 'agent:default/checkout-agent';

function event(
  id: string,
  occurredAt: string,
  overrides: Partial<TelemetryEvent> = {},
): TelemetryEvent {
  return {
    source: 'litellm',
    sourceEventId: id,
    occurredAt: new Date(occurredAt),
    entityRef: ENDPOINT_REF,
    joinKey: 'llama-chat',
    operation: 'chat',
    model: 'llama',
    provider: 'vllm',
    streamed: false,
    status: 'ok',
    errorType: null,
    inputTokens: 100,
    outputTokens: 20,
    costUsd: 0.5,
    ttftMs: null,
    latencyMs: 900,
    ...overrides,
  };
}

describe('DatabaseTelemetryStore fleet queries', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function createStore(databaseId: string) {
    const knex = await databases.init(databaseId as 'SQLITE_3');
    const store = await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'sums usage per subject over a window, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertEvents([
        event('a', '2026-11-01T10:15:00Z'),
        event('b', '2026-11-20T08:00:00Z', {
          status: 'error',
          costUsd: 0.25,
          agentJoinKey: 'checkout',
          agentEntityRef: AGENT_REF,
        }),
        // Before the window: not counted.
        event('c', '2026-10-31T23:00:00Z', { costUsd: 100 }),
        event('d', '2026-11-05T00:00:00Z', {
          entityRef: null,
          joinKey: 'gpt-4o-mini',
          costUsd: 7,
        }),
      ]);

      const totals = await store.getUsageTotalsBySubject({
        subjects: [
          entitySubject(ENDPOINT_REF),
          entitySubject(AGENT_REF),
          entitySubject('modelendpoint:default/idle'),
        ],
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-23T00:00:00Z'),
      });

      expect(totals.get(entitySubject(ENDPOINT_REF))).toEqual({
        requests: 2,
        errors: 1,
        inputTokens: 200,
        outputTokens: 40,
        costUsd: 0.75,
      });
      expect(totals.get(entitySubject(AGENT_REF))).toEqual({
        requests: 1,
        errors: 1,
        inputTokens: 100,
        outputTokens: 20,
        costUsd: 0.25,
      });
      expect(totals.has(entitySubject('modelendpoint:default/idle'))).toBe(
        false,
      );
      expect(totals.has(unattributedSubject('gpt-4o-mini'))).toBe(false);
      expect(totals.size).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'finds the first telemetry of each subject, to the hour once retention deleted its events, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.insertEvents([
        event('late', '2026-11-20T09:30:00Z'),
        event('first', '2026-11-20T09:12:34.567Z'),
        event('agent-call', '2026-11-21T14:05:00Z', {
          agentJoinKey: 'checkout',
          agentEntityRef: AGENT_REF,
        }),
        event('old', '2026-11-02T07:45:00Z', {
          entityRef: 'modelendpoint:default/old-endpoint',
          joinKey: 'old',
        }),
        event('old-later', '2026-11-03T11:20:00Z', {
          entityRef: 'modelendpoint:default/old-endpoint',
          joinKey: 'old',
        }),
        event('u', '2026-11-22T16:40:00Z', {
          entityRef: null,
          joinKey: 'gpt-4o-mini',
        }),
      ]);
      // Retention removes the raw events of 2 November; the rollups stay.
      await store.deleteEventsBefore(new Date('2026-11-03T00:00:00Z'));

      const first = await store.getFirstTelemetryBySubject([
        entitySubject(ENDPOINT_REF),
        entitySubject(AGENT_REF),
        entitySubject('modelendpoint:default/old-endpoint'),
        unattributedSubject('gpt-4o-mini'),
        entitySubject('agent:default/silent'),
      ]);

      expect(first.get(entitySubject(ENDPOINT_REF))).toEqual({
        firstSeenAt: new Date('2026-11-20T09:12:34.567Z'),
        precision: 'event',
      });
      expect(first.get(entitySubject(AGENT_REF))).toEqual({
        firstSeenAt: new Date('2026-11-21T14:05:00Z'),
        precision: 'event',
      });
      expect(
        first.get(entitySubject('modelendpoint:default/old-endpoint')),
      ).toEqual({
        firstSeenAt: new Date(
          Math.floor(Date.parse('2026-11-02T07:45:00Z') / HOUR_MS) * HOUR_MS,
        ),
        precision: 'hour',
      });
      expect(first.get(unattributedSubject('gpt-4o-mini'))).toEqual({
        firstSeenAt: new Date('2026-11-22T16:00:00Z'),
        precision: 'hour',
      });
      expect(first.has(entitySubject('agent:default/silent'))).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers many subjects in batches, %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const refs = Array.from(
        { length: 1200 },
        (_, i) => `modelendpoint:default/endpoint-${i}`,
      );
      await store.insertEvents(
        refs
          .filter((_, i) => i % 100 === 0)
          .map((ref, i) =>
            event(`e-${i}`, '2026-11-10T10:00:00Z', {
              entityRef: ref,
              joinKey: ref,
            }),
          ),
      );
      const subjects = refs.map(ref => entitySubject(ref));
      const first = await store.getFirstTelemetryBySubject(subjects);
      const totals = await store.getUsageTotalsBySubject({
        subjects,
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-30T00:00:00Z'),
      });
      expect(first.size).toBe(12);
      expect(totals.size).toBe(12);
      expect(
        totals.get(entitySubject('modelendpoint:default/endpoint-1100'))
          ?.requests,
      ).toBe(1);
    },
  );
});
