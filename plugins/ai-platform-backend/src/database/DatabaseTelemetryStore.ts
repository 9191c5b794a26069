import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { RetentionScope, whereInRetentionScope } from './retentionScope';
import { insertEventBatch } from './telemetry/insertEventBatch';
import { toEventRows } from './telemetry/eventRows';
import {
  getLastTelemetryByEntityRef,
  listEntityTelemetryLastSeen,
} from './telemetry/entityTelemetryQueries';
import { SubjectBatchQueries } from './telemetry/subjectBatchQueries';
import { TelemetryQueries } from './telemetry/telemetryQueries';
import { UnattributedQueries } from './telemetry/unattributedQueries';
import { EVENTS_TABLE } from './telemetry/telemetryTables';
import {
  AgentEndpointHour,
  EntityTelemetryLastSeen,
  FirstTelemetry,
  InsertEventsResult,
  LastTelemetry,
  SubjectHourTokens,
  SubjectUsageTotals,
  TelemetryFleetQueries,
  SubjectUsage,
  TelemetryEvent,
  TelemetryStore,
  TimeseriesMetric,
  TimeseriesPoint,
  TimeWindow,
  UnattributedPageRequest,
  UnattributedUsage,
} from './TelemetryStore';

const migrationsDir = resolvePackagePath(
  '@ai-platform/plugin-ai-platform-backend',
  'migrations',
);

/**
 * Knex implementation of {@link TelemetryStore}; runs on SQLite and
 * PostgreSQL. The work is in `telemetry/`: row mapping and per-event
 * refusal (`eventRows`), the idempotent batch insert (`insertEventBatch`)
 * with its rollup and sketch aggregation (`rollupAggregation`) and
 * multi-row upserts per dialect (`batchUpsert`), and the read queries
 * (`telemetryQueries`).
 *
 * @internal
 */
export class DatabaseTelemetryStore
  implements TelemetryStore, TelemetryFleetQueries
{
  /**
   * Connects to the plugin database and runs the migrations unless
   * `database.migrations.skip` or `skipMigrations` is set.
   */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseTelemetryStore> {
    const { database, skipMigrations } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip && !skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseTelemetryStore(client);
  }

  private readonly queries: TelemetryQueries;
  private readonly unattributed: UnattributedQueries;
  private readonly batchQueries: SubjectBatchQueries;

  private constructor(private readonly db: Knex) {
    this.queries = new TelemetryQueries(db);
    this.unattributed = new UnattributedQueries(db);
    this.batchQueries = new SubjectBatchQueries(db);
  }

  async insertEvents(events: TelemetryEvent[]): Promise<InsertEventsResult> {
    const { rows, refused } = toEventRows(events);
    const refusedPart = refused.length > 0 ? { refused } : {};
    if (rows.length === 0) {
      return { inserted: 0, duplicates: 0, ...refusedPart };
    }
    return this.db.transaction(async tx => ({
      ...(await insertEventBatch(this.db, tx, rows)),
      ...refusedPart,
    }));
  }

  getUsage(
    options: { subject: string; percentiles?: boolean } & TimeWindow,
  ): Promise<SubjectUsage> {
    return this.queries.getUsage(options);
  }

  getTimeseries(options: {
    subject: string;
    metric: TimeseriesMetric;
    from: Date;
    stepMs: number;
    steps: number;
  }): Promise<TimeseriesPoint[]> {
    return this.queries.getTimeseries(options);
  }

  listUnattributed(
    options: UnattributedPageRequest,
  ): Promise<UnattributedUsage[]> {
    return this.unattributed.listUnattributed(options);
  }

  countUnattributed(options: TimeWindow): Promise<number> {
    return this.unattributed.countUnattributed(options);
  }

  getUsageTotalsBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectUsageTotals>> {
    return this.batchQueries.getUsageTotalsBySubject(options);
  }

  getAgentEndpointHours(
    options: { agentEntityRefs: string[] } & TimeWindow,
  ): Promise<AgentEndpointHour[]> {
    return this.batchQueries.getAgentEndpointHours(options);
  }

  getHourlyTokensBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectHourTokens[]>> {
    return this.batchQueries.getHourlyTokensBySubject(options);
  }

  getFirstTelemetryBySubject(
    subjects: string[],
  ): Promise<Map<string, FirstTelemetry>> {
    return this.batchQueries.getFirstTelemetryBySubject(subjects);
  }

  listEntityTelemetryLastSeen(options: {
    kinds: string[];
  }): Promise<EntityTelemetryLastSeen[]> {
    return listEntityTelemetryLastSeen(this.db, options);
  }

  getLastTelemetryByEntityRef(
    entityRefs: string[],
  ): Promise<Map<string, LastTelemetry>> {
    return getLastTelemetryByEntityRef(this.db, entityRefs);
  }

  async deleteEventsBefore(
    before: Date,
    scope?: RetentionScope,
  ): Promise<number> {
    return whereInRetentionScope(
      this.db(EVENTS_TABLE).where('occurred_at', '<', before.getTime()),
      'entity_ref',
      scope,
    ).delete();
  }
}
