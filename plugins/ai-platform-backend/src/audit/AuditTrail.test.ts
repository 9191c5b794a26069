import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { TEST_DATABASE_IDS } from '../__testUtils__/ingestTestBackend';
import { DatabaseTelemetryStore } from '../database/DatabaseTelemetryStore';
import { AuditTrail } from './AuditTrail';
import { DEFAULT_AUDIT_RETENTION, readAuditRetention } from './auditRetention';
import { DatabaseAuditStore } from './DatabaseAuditStore';

jest.setTimeout(60_000);

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-05T00:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

describe('readAuditRetention', () => {
  it('applies the defaults and overrides per risk tier', () => {
    expect(readAuditRetention(new ConfigReader({}))).toEqual(
      DEFAULT_AUDIT_RETENTION,
    );
    expect(
      readAuditRetention(
        new ConfigReader({
          aiPlatform: {
            governance: {
              retention: {
                audit: { byRiskTier: { high: 730 }, defaultDays: 60 },
              },
            },
          },
        }),
      ),
    ).toEqual({
      daysByRiskTier: { minimal: 90, limited: 180, high: 730 },
      defaultDays: 60,
    });
  });

  it('refuses a high-risk retention under six months and non-positive days, naming the key', () => {
    const config = (audit: object) =>
      new ConfigReader({
        aiPlatform: { governance: { retention: { audit } } },
      });
    expect(() =>
      readAuditRetention(config({ byRiskTier: { high: 90 } })),
    ).toThrow(
      "Invalid config 'aiPlatform.governance.retention.audit.byRiskTier.high': audit events of high-risk entities must be kept at least 180 days, got 90",
    );
    expect(() => readAuditRetention(config({ defaultDays: 0 }))).toThrow(
      "Invalid config 'aiPlatform.governance.retention.audit.defaultDays': expected a positive number of days, got 0",
    );
  });
});

describe.each(TEST_DATABASE_IDS)('AuditTrail on %s', databaseId => {
  const databases = TestDatabases.create({ ids: [databaseId] });

  it('records through the auditor and the table, and deletes per risk tier only what is past its retention', async () => {
    const knex = await databases.init(databaseId);
    await DatabaseTelemetryStore.create({
      database: { getClient: async () => knex },
    });
    const auditor = mockServices.auditor.mock();
    const createdEvents: unknown[] = [];
    const success = jest.fn();
    auditor.createEvent.mockImplementation(async options => {
      createdEvents.push(options);
      return { success, fail: jest.fn() };
    });
    const trail = new AuditTrail({
      auditor,
      store: new DatabaseAuditStore(knex),
      retention: DEFAULT_AUDIT_RETENTION,
    });
    const record = (
      entity: string,
      riskTier: string | undefined,
      days: number,
    ) =>
      trail.record({
        action: 'approve',
        actor: 'user:default/amara.okafor',
        entityRef: entity,
        decision: 'approved',
        reasons: ['L4 agents need approval'],
        riskTier,
        occurredAt: daysAgo(days),
      });

    await record('agent:default/high-old', 'high', 400); // past 365
    await record('agent:default/high-kept', 'high', 200); // within 365
    await record('agent:default/limited-old', 'limited', 200); // past 180
    await record('agent:default/minimal-kept', 'minimal', 60); // within 90
    await record('modelendpoint:default/no-tier-old', undefined, 181); // past 180
    await record('agent:default/other-tier-kept', 'experimental', 100);

    expect(createdEvents[0]).toMatchObject({
      eventId: 'approve',
      severityLevel: 'high',
      meta: {
        actor: 'user:default/amara.okafor',
        entityRef: 'agent:default/high-old',
        decision: 'approved',
        reasons: ['L4 agents need approval'],
        riskTier: 'high',
      },
    });
    expect(success).toHaveBeenCalledTimes(6);

    expect(await trail.applyRetention(NOW)).toEqual({
      minimal: 0,
      limited: 1,
      high: 1,
      default: 1,
    });
    const left = await knex('ai_platform_audit_events')
      .pluck('entity_ref')
      .orderBy('entity_ref');
    expect(left).toEqual([
      'agent:default/high-kept',
      'agent:default/minimal-kept',
      'agent:default/other-tier-kept',
    ]);
    expect(await trail.listByEntity('agent:default/high-kept')).toEqual([
      expect.objectContaining({
        action: 'approve',
        actor: 'user:default/amara.okafor',
        riskTier: 'high',
        occurredAt: daysAgo(200).toISOString(),
      }),
    ]);
  });
});
