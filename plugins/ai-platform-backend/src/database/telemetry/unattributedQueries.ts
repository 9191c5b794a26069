import { Knex } from 'knex';
import {
  UNATTRIBUTED_AGENT_SUBJECT_PREFIX,
  UNATTRIBUTED_SUBJECT_PREFIX,
} from '../telemetrySubject';
import {
  TimeWindow,
  UNATTRIBUTED_DEFAULT_LIMIT,
  UNATTRIBUTED_MAX_LIMIT,
  UnattributedPageRequest,
  UnattributedUsage,
} from '../TelemetryStore';
import { hourAlignedWindow, toNumber } from './telemetryQueryRows';
import { isPostgres, ROLLUPS_TABLE } from './telemetryTables';

/**
 * The read queries of unattributed telemetry (models and agents no
 * catalog entity claims): one page of them, worst first, and their count.
 * Same SQL on SQLite and PostgreSQL except the tie order's collation.
 */
export class UnattributedQueries {
  constructor(private readonly db: Knex) {}

  /** Rollup rows of unattributed subjects inside the hour-aligned window. */
  private unattributedRollups(options: TimeWindow) {
    const { fromMs, toMs } = hourAlignedWindow(options);
    return this.db(ROLLUPS_TABLE)
      .where(builder =>
        builder
          .where('subject', 'like', `${UNATTRIBUTED_SUBJECT_PREFIX}%`)
          .orWhere('subject', 'like', `${UNATTRIBUTED_AGENT_SUBJECT_PREFIX}%`),
      )
      .andWhere('hour_start', '>=', fromMs)
      .andWhere('hour_start', '<', toMs);
  }

  async listUnattributed(
    options: UnattributedPageRequest,
  ): Promise<UnattributedUsage[]> {
    const limit = Math.min(
      Math.max(Math.trunc(options.limit ?? UNATTRIBUTED_DEFAULT_LIMIT), 0),
      UNATTRIBUTED_MAX_LIMIT,
    );
    const offset = Math.max(Math.trunc(options.offset ?? 0), 0);
    if (limit === 0) {
      return [];
    }
    // Byte order for ties, so both databases page the same way:
    // 'unattributed-agent:' sorts before 'unattributed:' (agents first).
    const subjectOrder = isPostgres(this.db)
      ? 'subject COLLATE "C" ASC'
      : 'subject ASC';
    const worstFirst =
      options.orderBy === 'cost'
        ? 'SUM(cost_usd) DESC, SUM(requests) DESC'
        : 'SUM(requests) DESC, SUM(cost_usd) DESC';
    const rows = await this.unattributedRollups(options)
      .groupBy('subject')
      .select<Array<Record<string, unknown>>>(
        'subject',
        this.db.raw('SUM(requests) as requests'),
        this.db.raw('SUM(errors) as errors'),
        this.db.raw('SUM(input_tokens) as input_tokens'),
        this.db.raw('SUM(output_tokens) as output_tokens'),
        this.db.raw('SUM(cost_usd) as cost_usd'),
        this.db.raw('MAX(hour_start) as last_hour_start'),
      )
      .orderByRaw(`${worstFirst}, ${subjectOrder}`)
      .limit(limit)
      .offset(offset);

    return rows.map(row => {
      const subject = String(row.subject);
      const isAgent = subject.startsWith(UNATTRIBUTED_AGENT_SUBJECT_PREFIX);
      return {
        joinKey: subject.slice(
          isAgent
            ? UNATTRIBUTED_AGENT_SUBJECT_PREFIX.length
            : UNATTRIBUTED_SUBJECT_PREFIX.length,
        ),
        joinKeyKind: isAgent ? ('agent' as const) : ('model' as const),
        requests: toNumber(row.requests),
        errors: toNumber(row.errors),
        inputTokens: toNumber(row.input_tokens),
        outputTokens: toNumber(row.output_tokens),
        costUsd: toNumber(row.cost_usd),
        lastSeenHourStart: new Date(
          toNumber(row.last_hour_start),
        ).toISOString(),
      };
    });
  }

  async countUnattributed(options: TimeWindow): Promise<number> {
    const [row] = await this.unattributedRollups(options).countDistinct<
      Array<Record<string, unknown>>
    >({ count: 'subject' });
    return toNumber(row?.count ?? 0);
  }
}
