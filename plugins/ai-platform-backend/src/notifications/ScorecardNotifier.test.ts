import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { TEST_DATABASE_IDS } from '../__testUtils__/ingestTestBackend';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import type {
  ScorecardCheckResult,
  ScorecardEvaluation,
} from '../scorecards/types';
import { AiPlatformNotifier } from './AiPlatformNotifier';
import { DatabaseNotificationStateStore } from './DatabaseNotificationStateStore';
import { ScorecardNotifier } from './ScorecardNotifier';

jest.setTimeout(60_000);

const endpoint: Entity = {
  apiVersion: 'aiplatform.io/v1alpha1',
  kind: 'ModelEndpoint',
  metadata: { name: 'llama-chat', namespace: 'default' },
  spec: { owner: 'ml-platform', budget: { monthlyUsd: 1000 } },
};
const REF = 'modelendpoint:default/llama-chat';
const T0 = new Date('2026-11-16T00:00:00Z').getTime();
const MINUTE = 60_000;

function evaluation(
  minutes: number,
  checks: Array<[string, ScorecardCheckResult['status']]>,
): Map<string, ScorecardEvaluation> {
  return new Map([
    [
      REF,
      {
        evaluationId: `e${minutes}`,
        entityRef: REF,
        evaluatedAt: new Date(T0 + minutes * MINUTE),
        level: null,
        checks: checks.map(([checkId, status]) => ({
          checkId,
          category: checkId.startsWith('budget-') ? 'budget' : 'slo',
          status,
          value: 1,
          threshold: 1,
          window: '24h',
          message: `${checkId} is ${status}`,
          source: 'telemetry-store',
        })),
      },
    ],
  ]);
}

describe('ScorecardNotifier', () => {
  const databases = TestDatabases.create({ ids: TEST_DATABASE_IDS });

  it.each(databases.eachSupportedId())(
    'notifies the budget forecast crossing the budget, and a flapping check once its cooldown is over, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // Runs the plugin's migrations (the notification state table among them).
      await DatabaseTelemetryStore.create({
        database: { getClient: async () => knex },
      });
      const sent: NotificationSendOptions[] = [];
      const notifications: NotificationService = {
        send: async options => {
          sent.push(options);
        },
      };
      const notifier = new ScorecardNotifier({
        notifier: new AiPlatformNotifier({
          notifications,
          config: { enabled: true, cooldownMinutes: 30, webhooks: [] },
          logger: mockServices.logger.mock(),
        }),
        stateStore: new DatabaseNotificationStateStore(knex),
        cooldownMinutes: 30,
      });
      const at = async (
        minutes: number,
        checks: Array<[string, ScorecardCheckResult['status']]>,
      ) =>
        notifier.notifyChanges(
          [endpoint],
          evaluation(minutes, checks),
          new Date(T0 + minutes * MINUTE),
        );

      expect(await at(0, [['budget-forecast', 'fail'], ['ttft-p95', 'pass']])).toBe(1);
      expect(sent[0]).toEqual({
        recipients: { type: 'entity', entityRef: ['group:default/ml-platform'] },
        payload: {
          title: `${REF}: month-end forecast over budget`,
          description: 'budget-forecast is fail',
          link: '/catalog/default/modelendpoint/llama-chat/scorecard',
          severity: 'high',
          topic: 'AI Platform: budget forecast',
          scope: undefined,
        },
      });
      // Still over, then no data for a while: nothing.
      expect(await at(10, [['budget-forecast', 'fail']])).toBe(0);
      expect(await at(20, [['budget-forecast', 'not-enough-data']])).toBe(0);
      expect(await at(25, [['budget-forecast', 'fail']])).toBe(0);

      // The TTFT flaps: fail, pass, fail within the 30 min cooldown.
      expect(await at(40, [['ttft-p95', 'fail']])).toBe(1);
      expect(await at(45, [['ttft-p95', 'pass']])).toBe(1);
      expect(await at(50, [['ttft-p95', 'fail']])).toBe(0);
      expect(await at(60, [['ttft-p95', 'fail']])).toBe(0);
      // Cooldown over (30 min after the recovery notification) and still red.
      expect(await at(76, [['ttft-p95', 'fail']])).toBe(1);
      expect(await at(80, [['ttft-p95', 'fail']])).toBe(0);
      // The forecast back within budget, and the TTFT recovered: two topics.
      expect(
        await at(90, [['budget-forecast', 'pass'], ['ttft-p95', 'warn']]),
      ).toBe(2);

      expect(sent.map(s => [s.payload.title, s.payload.topic])).toEqual([
        [`${REF}: month-end forecast over budget`, 'AI Platform: budget forecast'],
        [`${REF}: ttft-p95 failed`, 'AI Platform: scorecard check failed'],
        [`${REF}: ttft-p95 recovered`, 'AI Platform: scorecard check recovered'],
        [`${REF}: ttft-p95 failed`, 'AI Platform: scorecard check failed'],
        [
          `${REF}: month-end forecast back within budget`,
          'AI Platform: budget forecast',
        ],
        [`${REF}: ttft-p95 recovered`, 'AI Platform: scorecard check recovered'],
      ]);
    },
  );
});
