import { readGovernanceConfig } from '@ai-platform/plugin-ai-platform-common';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { DEFAULT_SCORECARD_CONFIG } from './scorecardConfig';
import { ScorecardEngine } from './ScorecardEngine';

jest.setTimeout(60_000);

const NOW = new Date('2026-11-16T00:00:00.000Z');

function agent(name: string, spec: Record<string, unknown>): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'Agent',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'assistant',
      lifecycle: 'production',
      owner: 'group:default/support',
      models: ['gpt-4o'],
      ...spec,
    },
  };
}

// Agents as they sit in the catalog, committed before governance existed.
const catalog: Entity[] = [
  agent('refund-bot', {
    autonomyLevel: 'L4',
    humanInTheLoop: true,
    budget: { monthlyUsd: 500 },
    slo: { ttftP95Ms: 1500 },
  }),
  agent('support-triage', {
    autonomyLevel: 'L3',
    evals: [{ suite: 'triage-golden', minScore: 0.8 }],
    budget: { monthlyUsd: 500 },
    slo: { errorRatePercent: 2 },
  }),
  agent('faq-helper', { autonomyLevel: 'L1' }),
];

describe('ScorecardEngine governance checks on entities already in the catalog', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())(
    'flags the non-compliant agent and leaves the others unaffected, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const telemetryStore = await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      const store = new DatabaseScorecardStore(knex, () => NOW);
      const engine = new ScorecardEngine({
        telemetryStore,
        evalRunStore: store,
        resultStore: store,
        config: DEFAULT_SCORECARD_CONFIG,
        governance: readGovernanceConfig(new ConfigReader({})),
        now: () => NOW,
      });

      const { evaluated, failed } = await engine.evaluateAll(catalog);
      expect({ evaluated, failed }).toEqual({ evaluated: 3, failed: [] });

      // Read back from the store, as the scorecard routes and the catalog tab do.
      const latest = await store.getLatestEvaluations([
        'agent:default/refund-bot',
        'agent:default/support-triage',
        'agent:default/faq-helper',
      ]);
      const governance = (ref: string) =>
        (latest.get(ref)?.checks ?? [])
          .filter(c => c.category === 'governance')
          .map(c => [c.checkId, c.status])
          .sort(([a], [b]) => a.localeCompare(b));

      expect(governance('agent:default/refund-bot')).toEqual([
        ['governance:budget', 'pass'],
        ['governance:eval-suite', 'fail'],
        ['governance:human-in-the-loop', 'pass'],
        ['governance:slo', 'pass'],
      ]);
      const flagged = latest
        .get('agent:default/refund-bot')!
        .checks.find(c => c.checkId === 'governance:eval-suite')!;
      expect(flagged).toMatchObject({
        source: 'entity-spec',
        value: null,
        threshold: null,
      });
      expect(flagged.message).toMatch(
        /^L4 agent without an eval suite \(governance:eval-suite \(autonomyLevel L3\+ → an eval suite with minScore\)\)\. How to satisfy: Add spec\.evals/,
      );

      expect(governance('agent:default/support-triage')).toEqual([
        ['governance:budget', 'pass'],
        ['governance:eval-suite', 'pass'],
        ['governance:slo', 'pass'],
      ]);
      expect(governance('agent:default/faq-helper')).toEqual([]);
    },
  );
});
