import { Knex } from 'knex';
import { TELEMETRY_REPORTERS, TelemetryReporter } from '../TelemetryStore';
import { EventRow } from './eventRows';
import { compareStrings, EVENTS_TABLE, isPostgres } from './telemetryTables';

/**
 * How far apart the starts (and, separately, the ends) of two reports of
 * one call may be for the fallback match: the application's span starts
 * before the gateway receives the request and ends after it answers, and
 * the two hosts' clocks may differ. A design choice, not a measurement:
 * wide enough for a network hop and ordinary NTP skew, narrow enough that
 * two calls with equal token counts rarely fall into it.
 */
export const FALLBACK_MATCH_WINDOW_MS = 5_000;

/**
 * How far apart the starts of two reports of one call in the same trace
 * may be: the trace already says they belong together, so only clock skew
 * between the two hosts and the network hop need room. Bounds the lookup
 * on (reporter, join_key, occurred_at).
 */
export const TRACE_MATCH_WINDOW_MS = 60_000;

/**
 * Two reports of one call: one from the gateway, one from the
 * application. `later` is stored with `merged_into_event_id = first.id`.
 */
export interface ReportPair {
  first: EventRow;
  later: EventRow;
  /** How they were matched, for tests and logs. */
  by: 'match-key' | 'trace' | 'fallback';
}

/** Bound parameters per lookup: far under both databases' limits. */
const IDS_PER_STATEMENT = 500;

/** Namespace of the advisory locks taken per model alias (PostgreSQL). */
const MATCH_LOCK_NAMESPACE = 0x41495031;

function chunks<T>(items: T[], size = IDS_PER_STATEMENT): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** An `ai_platform_events` row as read back (bigint as text, 0/1 booleans). */
function storedEventRow(record: Record<string, unknown>): EventRow {
  return {
    id: String(record.id),
    source: String(record.source),
    source_event_id: String(record.source_event_id),
    occurred_at: Number(record.occurred_at),
    entity_ref: nullableString(record.entity_ref),
    join_key: String(record.join_key),
    agent_entity_ref: nullableString(record.agent_entity_ref),
    agent_join_key: nullableString(record.agent_join_key),
    operation: String(record.operation),
    model: nullableString(record.model),
    provider: nullableString(record.provider),
    streamed: Boolean(record.streamed),
    status: record.status === 'error' ? 'error' : 'ok',
    error_type: nullableString(record.error_type),
    input_tokens: Number(record.input_tokens),
    output_tokens: Number(record.output_tokens),
    cost_usd: Number(record.cost_usd),
    cost_source: nullableString(record.cost_source),
    ttft_ms: nullableNumber(record.ttft_ms),
    latency_ms: Number(record.latency_ms),
    reporter: nullableString(record.reporter) as TelemetryReporter | null,
    match_key: nullableString(record.match_key),
    trace_id: nullableString(record.trace_id),
  };
}

/**
 * On PostgreSQL, takes a transaction advisory lock per model alias of the
 * batch (in lock-id order, so two batches never wait on each other in a
 * cycle): two reports of one call ingested at the same moment by two
 * requests would otherwise not see each other's uncommitted row and both
 * count. SQLite runs one write transaction at a time.
 */
export async function lockMatchableJoinKeys(
  db: Knex,
  tx: Knex.Transaction,
  rows: EventRow[],
): Promise<void> {
  if (!isPostgres(db)) {
    return;
  }
  const joinKeys = [
    ...new Set(rows.filter(row => row.reporter).map(row => row.join_key)),
  ];
  if (joinKeys.length === 0) {
    return;
  }
  // One statement; PostgreSQL evaluates a volatile select-list function
  // after ORDER BY, so the locks are taken in hash order.
  await tx.raw(
    `SELECT pg_advisory_xact_lock(?::int4, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(?::text[]) AS k) AS keys ORDER BY h`,
    [MATCH_LOCK_NAMESPACE, joinKeys],
  );
}

/** Events of other reporters that could be a second report, not yet paired. */
async function unpairedCandidates(
  tx: Knex.Transaction,
  where: (query: Knex.QueryBuilder) => void,
): Promise<EventRow[]> {
  const records: Array<Record<string, unknown>> = await tx(EVENTS_TABLE)
    .select('*')
    .whereNotNull('reporter')
    .whereNull('merged_into_event_id')
    .where(where);
  return records.map(storedEventRow);
}

/** Ids among `ids` that some event was already merged into. */
async function idsWithPartner(
  tx: Knex.Transaction,
  ids: string[],
): Promise<Set<string>> {
  const result = new Set<string>();
  for (const part of chunks([...new Set(ids)])) {
    const records: Array<{ merged_into_event_id: string }> = await tx(
      EVENTS_TABLE,
    )
      .select('merged_into_event_id')
      .whereIn('merged_into_event_id', part);
    for (const record of records) {
      result.add(String(record.merged_into_event_id));
    }
  }
  return result;
}

/** The reporters other than that of some row of `rows`. */
function otherReporters(rows: EventRow[]): TelemetryReporter[] {
  return TELEMETRY_REPORTERS.filter(reporter =>
    rows.some(row => row.reporter !== reporter),
  );
}

function endOf(row: EventRow): number {
  return row.occurred_at + row.latency_ms;
}

/**
 * Whether the response ids do not say the reports are two calls: two
 * different response ids are two different calls. Two different traces do
 * not veto the fallback: a gateway's trace id may be its own (LiteLLM's
 * `trace_id` when the app passed none), naming no trace of the app.
 */
function compatibleIds(row: EventRow, candidate: EventRow): boolean {
  return (
    candidate.match_key === null ||
    row.match_key === null ||
    candidate.match_key === row.match_key
  );
}

/**
 * Whether `candidate` may be `row`'s other report in the same trace: the
 * same model alias, no conflicting response id, starts within
 * {@link TRACE_MATCH_WINDOW_MS}.
 */
function traceMatches(row: EventRow, candidate: EventRow): boolean {
  return (
    row.trace_id !== null &&
    candidate.trace_id === row.trace_id &&
    candidate.reporter !== row.reporter &&
    candidate.join_key === row.join_key &&
    compatibleIds(row, candidate) &&
    Math.abs(candidate.occurred_at - row.occurred_at) <= TRACE_MATCH_WINDOW_MS
  );
}

/** Whether `candidate` may be `row`'s other report by the fallback rule. */
function fallbackMatches(row: EventRow, candidate: EventRow): boolean {
  return (
    candidate.reporter !== row.reporter &&
    candidate.join_key === row.join_key &&
    candidate.input_tokens === row.input_tokens &&
    candidate.output_tokens === row.output_tokens &&
    candidate.status === row.status &&
    compatibleIds(row, candidate) &&
    Math.abs(candidate.occurred_at - row.occurred_at) <=
      FALLBACK_MATCH_WINDOW_MS &&
    Math.abs(endOf(candidate) - endOf(row)) <= FALLBACK_MATCH_WINDOW_MS
  );
}

/** The candidate nearest in start time; ties by id, so the choice is stable. */
function nearest(row: EventRow, candidates: EventRow[]): EventRow | undefined {
  let best: EventRow | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = Math.abs(candidate.occurred_at - row.occurred_at);
    if (
      distance < bestDistance ||
      (distance === bestDistance &&
        best &&
        compareStrings(candidate.id, best.id) < 0)
    ) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function sameUsageOf(row: EventRow, candidate: EventRow): boolean {
  return (
    candidate.input_tokens === row.input_tokens &&
    candidate.output_tokens === row.output_tokens &&
    candidate.status === row.status
  );
}

/**
 * Unpaired events of the other reporter in the traces of `rows`, by trace
 * id: one query per 500 aliases and 500 traces, through the (reporter,
 * join_key, occurred_at) index with the trace id as a filter.
 */
async function traceCandidates(
  tx: Knex.Transaction,
  rows: EventRow[],
): Promise<Map<string, EventRow[]>> {
  const byTrace = new Map<string, EventRow[]>();
  if (rows.length === 0) {
    return byTrace;
  }
  const starts = rows.map(row => row.occurred_at);
  const from = Math.min(...starts) - TRACE_MATCH_WINDOW_MS;
  const to = Math.max(...starts) + TRACE_MATCH_WINDOW_MS;
  for (const joinKeys of chunks([...new Set(rows.map(row => row.join_key))])) {
    for (const traceIds of chunks([
      ...new Set(rows.map(row => row.trace_id!)),
    ])) {
      for (const candidate of await unpairedCandidates(tx, query =>
        query
          .whereIn('reporter', otherReporters(rows))
          .whereIn('join_key', joinKeys)
          .whereBetween('occurred_at', [from, to])
          .whereIn('trace_id', traceIds),
      )) {
        const list = byTrace.get(candidate.trace_id!) ?? [];
        list.push(candidate);
        byTrace.set(candidate.trace_id!, list);
      }
    }
  }
  return byTrace;
}

/**
 * Pairs the newly stored `rows` (already inserted in `tx`) with the other
 * report of the same call: an unpaired stored event (earlier or from the
 * same batch) of the other reporter with the same match key, else one of
 * the same trace and model alias (see {@link TRACE_MATCH_WINDOW_MS}), else
 * one with the same model alias, input and output tokens and status whose
 * start and end are each within {@link FALLBACK_MATCH_WINDOW_MS} and whose
 * response id does not differ. Each event is paired at most once.
 * Lookups are per batch: one query per 500 match keys, per 500 aliases and
 * traces, and per 500 model aliases of the unmatched rows, on indexed
 * columns.
 */
export async function findReportPairs(
  tx: Knex.Transaction,
  rows: EventRow[],
): Promise<ReportPair[]> {
  const matchable = rows.filter(row => row.reporter !== null);
  if (matchable.length === 0) {
    return [];
  }
  const paired = new Set<string>();
  const pairs: ReportPair[] = [];
  const pair = (later: EventRow, first: EventRow, by: ReportPair['by']) => {
    paired.add(later.id);
    paired.add(first.id);
    pairs.push({ first, later, by });
  };

  // 1. The same match key.
  const keyed = matchable.filter(row => row.match_key !== null);
  const byKey = new Map<string, EventRow[]>();
  for (const part of chunks([...new Set(keyed.map(row => row.match_key!))])) {
    for (const candidate of await unpairedCandidates(tx, query =>
      query
        .whereIn('match_key', part)
        .whereIn('reporter', otherReporters(keyed)),
    )) {
      const list = byKey.get(candidate.match_key!) ?? [];
      list.push(candidate);
      byKey.set(candidate.match_key!, list);
    }
  }
  const keyedTaken = await idsWithPartner(
    tx,
    [...byKey.values()].flat().map(row => row.id),
  );
  for (const row of keyed) {
    if (paired.has(row.id)) {
      continue;
    }
    const partner = nearest(
      row,
      (byKey.get(row.match_key!) ?? []).filter(
        candidate =>
          candidate.reporter !== row.reporter &&
          !paired.has(candidate.id) &&
          !keyedTaken.has(candidate.id),
      ),
    );
    if (partner) {
      pair(row, partner, 'match-key');
    }
  }

  // 2. The same trace and model alias: the report with the same tokens
  // and status, else any, nearest in start time.
  const traced = matchable.filter(
    row => !paired.has(row.id) && row.trace_id !== null,
  );
  const byTrace = await traceCandidates(tx, traced);
  const tracedTaken = await idsWithPartner(
    tx,
    [...byTrace.values()].flat().map(row => row.id),
  );
  for (const row of traced) {
    if (paired.has(row.id)) {
      continue;
    }
    const candidates = (byTrace.get(row.trace_id!) ?? []).filter(
      candidate =>
        !paired.has(candidate.id) &&
        !tracedTaken.has(candidate.id) &&
        traceMatches(row, candidate),
    );
    const sameUsage = candidates.filter(candidate =>
      sameUsageOf(row, candidate),
    );
    const partner = nearest(row, sameUsage.length > 0 ? sameUsage : candidates);
    if (partner) {
      pair(row, partner, 'trace');
    }
  }

  // 3. The fallback: alias, tokens, status and time.
  const rest = matchable.filter(row => !paired.has(row.id));
  const candidatesByJoinKey = new Map<string, EventRow[]>();
  if (rest.length > 0) {
    const starts = rest.map(row => row.occurred_at);
    const from = Math.min(...starts) - FALLBACK_MATCH_WINDOW_MS;
    const to = Math.max(...starts) + FALLBACK_MATCH_WINDOW_MS;
    for (const part of chunks([...new Set(rest.map(row => row.join_key))])) {
      // Read through (reporter, join_key, occurred_at): only reports of the
      // other reporter, so a batch of spans does not read its own rows.
      const candidates = await unpairedCandidates(tx, query =>
        query
          .whereIn('reporter', otherReporters(rest))
          .whereIn('join_key', part)
          .whereBetween('occurred_at', [from, to]),
      );
      for (const candidate of candidates) {
        const list = candidatesByJoinKey.get(candidate.join_key) ?? [];
        list.push(candidate);
        candidatesByJoinKey.set(candidate.join_key, list);
      }
    }
  }
  const fallbackTaken = await idsWithPartner(
    tx,
    [...candidatesByJoinKey.values()].flat().map(row => row.id),
  );
  for (const row of rest) {
    if (paired.has(row.id)) {
      continue;
    }
    const partner = nearest(
      row,
      (candidatesByJoinKey.get(row.join_key) ?? []).filter(
        candidate =>
          !paired.has(candidate.id) &&
          !fallbackTaken.has(candidate.id) &&
          fallbackMatches(row, candidate),
      ),
    );
    if (partner) {
      pair(row, partner, 'fallback');
    }
  }
  return pairs;
}

/** Marks the later report of each pair as merged into the first. */
export async function markMerged(
  tx: Knex.Transaction,
  pairs: ReportPair[],
): Promise<void> {
  for (const part of chunks(pairs)) {
    const cases = part.map(() => 'WHEN ? THEN ?').join(' ');
    await tx.raw(
      `UPDATE ${EVENTS_TABLE} SET merged_into_event_id = CASE id ${cases} END WHERE id IN (${part
        .map(() => '?')
        .join(', ')})`,
      [
        ...part.flatMap(({ later, first }) => [later.id, first.id]),
        ...part.map(({ later }) => later.id),
      ],
    );
  }
}
