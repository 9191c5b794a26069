import { Knex } from 'knex';
import {
  AgentEndpointHour,
  FirstTelemetry,
  SubjectHourTokens,
  SubjectUsageTotals,
  TimeWindow,
} from '../TelemetryStore';
import { chunk, hourAlignedWindow, toNumber } from './telemetryQueryRows';
import {
  AGENT_ENDPOINT_TABLE,
  EVENTS_TABLE,
  hourStartOf,
  ROLLUPS_TABLE,
} from './telemetryTables';

/** Prefix of entity subjects, see `entitySubject`. */
const ENTITY_SUBJECT_PREFIX = 'entity:';

/**
 * The read queries of many subjects at once (fleet pages, cost): usage
 * totals, agent-to-endpoint hours, hourly tokens and first telemetry, in
 * chunks that stay under every database's bound-parameter limit.
 */
export class SubjectBatchQueries {
  constructor(private readonly db: Knex) {}

  async getUsageTotalsBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectUsageTotals>> {
    const { fromMs, toMs } = hourAlignedWindow(options);
    const totals = new Map<string, SubjectUsageTotals>();
    for (const subjects of chunk([...new Set(options.subjects)], 1)) {
      const rows = await this.db(ROLLUPS_TABLE)
        .whereIn('subject', subjects)
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .groupBy('subject')
        .select<Array<Record<string, unknown>>>(
          'subject',
          this.db.raw('SUM(requests) as requests'),
          this.db.raw('SUM(errors) as errors'),
          this.db.raw('SUM(input_tokens) as input_tokens'),
          this.db.raw('SUM(output_tokens) as output_tokens'),
          this.db.raw('SUM(cost_usd) as cost_usd'),
        );
      for (const row of rows) {
        totals.set(String(row.subject), {
          requests: toNumber(row.requests),
          errors: toNumber(row.errors),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
          costUsd: toNumber(row.cost_usd),
        });
      }
    }
    return totals;
  }

  async getAgentEndpointHours(
    options: { agentEntityRefs: string[] } & TimeWindow,
  ): Promise<AgentEndpointHour[]> {
    const { fromMs, toMs } = hourAlignedWindow(options);
    const result: AgentEndpointHour[] = [];
    for (const refs of chunk([...new Set(options.agentEntityRefs)], 1)) {
      const rows = await this.db(AGENT_ENDPOINT_TABLE)
        .whereIn('agent_entity_ref', refs)
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .andWhere('requests', '>', 0)
        .orderBy(['agent_entity_ref', 'endpoint_ref', 'hour_start'])
        .select<Array<Record<string, unknown>>>(
          'agent_entity_ref',
          'endpoint_ref',
          'hour_start',
          'requests',
          'input_tokens',
          'output_tokens',
          'cost_usd',
        );
      for (const row of rows) {
        result.push({
          agentEntityRef: String(row.agent_entity_ref),
          endpointRef: String(row.endpoint_ref),
          hourStartMs: toNumber(row.hour_start),
          requests: toNumber(row.requests),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
          costUsd: toNumber(row.cost_usd),
        });
      }
    }
    return result;
  }

  async getHourlyTokensBySubject(
    options: { subjects: string[] } & TimeWindow,
  ): Promise<Map<string, SubjectHourTokens[]>> {
    const { fromMs, toMs } = hourAlignedWindow(options);
    const result = new Map<string, SubjectHourTokens[]>();
    for (const subjects of chunk([...new Set(options.subjects)], 1)) {
      const rows = await this.db(ROLLUPS_TABLE)
        .whereIn('subject', subjects)
        .andWhere('hour_start', '>=', fromMs)
        .andWhere('hour_start', '<', toMs)
        .orderBy(['subject', 'hour_start'])
        .select<Array<Record<string, unknown>>>(
          'subject',
          'hour_start',
          'input_tokens',
          'output_tokens',
        );
      for (const row of rows) {
        const subject = String(row.subject);
        const hours = result.get(subject) ?? [];
        hours.push({
          hourStartMs: toNumber(row.hour_start),
          inputTokens: toNumber(row.input_tokens),
          outputTokens: toNumber(row.output_tokens),
        });
        result.set(subject, hours);
      }
    }
    return result;
  }

  async getFirstTelemetryBySubject(
    subjects: string[],
  ): Promise<Map<string, FirstTelemetry>> {
    const unique = [...new Set(subjects)];
    const firstHourBySubject = new Map<string, number>();
    for (const batch of chunk(unique, 1)) {
      const rows = await this.db(ROLLUPS_TABLE)
        .whereIn('subject', batch)
        .groupBy('subject')
        .select<Array<Record<string, unknown>>>(
          'subject',
          this.db.raw('MIN(hour_start) as first_hour_start'),
        );
      for (const row of rows) {
        firstHourBySubject.set(
          String(row.subject),
          toNumber(row.first_hour_start),
        );
      }
    }

    // Exact times from the raw events of entity subjects (an event counts
    // for its model endpoint and, when made by one, its agent).
    const subjectByEntityRef = new Map<string, string>();
    for (const subject of firstHourBySubject.keys()) {
      if (subject.startsWith(ENTITY_SUBJECT_PREFIX)) {
        subjectByEntityRef.set(
          subject.slice(ENTITY_SUBJECT_PREFIX.length),
          subject,
        );
      }
    }
    const firstEventByEntityRef = new Map<string, number>();
    const refs = [...subjectByEntityRef.keys()];
    for (const column of ['entity_ref', 'agent_entity_ref'] as const) {
      // One ref per query and no GROUP BY: both databases then read MIN
      // from the (ref, occurred_at) index in one step, instead of walking
      // every event of the ref (which held SQLite's one connection ~0.5 s
      // per fleet summary at 125,000 events).
      for (const ref of refs) {
        const [row] = await this.db(EVENTS_TABLE)
          .where(column, ref)
          // A second report of a call counts with its first, not alone.
          .whereNull('merged_into_event_id')
          .select<Array<Record<string, unknown>>>(
            this.db.raw('MIN(occurred_at) as first_occurred_at'),
          );
        if (row?.first_occurred_at === null || row === undefined) {
          continue;
        }
        const occurredAt = toNumber(row.first_occurred_at);
        const previous = firstEventByEntityRef.get(ref);
        if (previous === undefined || occurredAt < previous) {
          firstEventByEntityRef.set(ref, occurredAt);
        }
      }
    }

    const result = new Map<string, FirstTelemetry>();
    for (const [subject, firstHourStart] of firstHourBySubject) {
      const firstEvent = subject.startsWith(ENTITY_SUBJECT_PREFIX)
        ? firstEventByEntityRef.get(subject.slice(ENTITY_SUBJECT_PREFIX.length))
        : undefined;
      // When retention deleted the earliest hour's events, the oldest event
      // left is later than the first rollup hour: only the hour is known.
      result.set(
        subject,
        firstEvent !== undefined && hourStartOf(firstEvent) === firstHourStart
          ? { firstSeenAt: new Date(firstEvent), precision: 'event' }
          : { firstSeenAt: new Date(firstHourStart), precision: 'hour' },
      );
    }
    return result;
  }
}
