/*
 * `yarn bench scorecard`: scorecard reads on a store holding what 10 million events spread
 * over 30 days and 250 ModelEndpoints leave behind. Generating and ingesting 10 M raw events
 * takes too long here, so the bench writes the hourly rollup and sketch rows those events
 * produce directly: per entity and hour ~56 simulated calls (the exact total is printed),
 * their latencies and TTFTs bucketed with the store's own sketch mapping (bucketForValue).
 * Raw events, for the naive baseline, are written for the last 24 hours of every entity and for
 * the whole month so far of 20 entities (the one-entity sample).
 *
 * Measured, on a SQLite file and on PostgreSQL 15:
 * - one entity: ScorecardEngine.evaluate (24 h TTFT p95 and error rate, month-to-date spend
 *   and forecast from the rollups and sketches, result stored), p95 of 50 runs over 20
 *   entities; baseline: the same numbers from the entity's raw rows (24 h TTFT p95 and error
 *   rate, month-to-date cost).
 * - a group of 200: the read behind GET /scorecards?owner= (latest stored evaluation of 200
 *   entities), p95 of 20 runs; baseline: the 24 h checks of the 200 from raw rows (without
 *   the month-to-date cost, so a lower bound of the naive cost).
 *   Re-evaluating all 200 (the scheduled job) is printed too.
 */
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
// The `yarn bench` harness types live in scripts/bench, which is not a package.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import type { BenchCase, BenchTarget } from '../../../scripts/bench/types';
import { DatabaseTelemetryStore } from '../src/database/DatabaseTelemetryStore';
import { DatabaseScorecardStore } from '../src/database/DatabaseScorecardStore';
import { countValuesByBucket } from '../src/database/logBucketSketch';
import { DEFAULT_SCORECARD_CONFIG } from '../src/scorecards/scorecardConfig';
import { ScorecardEngine } from '../src/scorecards/ScorecardEngine';

const TOTAL_EVENTS = Number(process.env.BENCH_SCORECARD_EVENTS ?? 10_000_000);
const ENTITIES = 250;
const GROUP_SIZE = 200;
const HOURS = 30 * 24;
const RAW_HOURS = 24;
const SINGLE_RUNS = 50;
/** Entities whose raw events of the whole month so far are kept, for the one-entity baseline. */
const SINGLE_ENTITIES = Array.from({ length: 20 }, (_, i) => i * 12);
const GROUP_RUNS = 20;
const HOUR_MS = 60 * 60 * 1000;
const LOAD_CHUNK_ROWS = 20_000;
const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

const entityName = (i: number) =>
  `bench-endpoint-${String(i).padStart(3, '0')}`;
const entityRef = (i: number) => `modelendpoint:default/${entityName(i)}`;

function entity(i: number): Entity {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'ModelEndpoint',
    metadata: { name: entityName(i), namespace: 'default' },
    spec: {
      owner:
        i < GROUP_SIZE ? 'group:default/bench-team' : 'group:default/other',
      gateway: { model: entityName(i) },
      slo: { ttftP95Ms: 800, errorRatePercent: 2 },
      budget: { monthlyUsd: 5_000 },
    },
  };
}

/** Deterministic pseudo-random numbers, so both databases get the same data. */
function randomSequence(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
}

function logNormal(random: () => number, medianMs: number, sigma: number) {
  const normal =
    Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * normal);
}

/** The calls of one entity in one hour. */
function hourOfCalls(random: () => number, callsPerHour: number) {
  const requests = Math.max(
    1,
    Math.round(callsPerHour * (0.6 + 0.8 * random())),
  );
  const calls = Array.from({ length: requests }, () => {
    const latencyMs = logNormal(random, 1500, 0.4);
    return {
      failed: random() < 0.01,
      latencyMs,
      ttftMs: Math.min(latencyMs, logNormal(random, 300, 0.5)),
      inputTokens: 200 + Math.floor(random() * 1800),
      outputTokens: 20 + Math.floor(random() * 400),
      offsetMs: Math.floor(random() * HOUR_MS),
    };
  });
  return calls;
}

interface BenchDatabase {
  label: string;
  knex: Knex;
  isPostgres: boolean;
  dispose(): Promise<void>;
}

async function sqliteFile(): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-platform-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'ai-platform.sqlite') },
    useNullAsDefault: true,
  });
  return {
    label: 'SQLite (file)',
    knex,
    isPostgres: false,
    async dispose() {
      await knex.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<BenchDatabase> {
  const name = `ai_platform_bench_scorecards_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
  await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
  await admin.raw('CREATE DATABASE ??', [name]);
  const knex = knexFactory({
    client: 'pg',
    connection: `${POSTGRES_URL}/${name}`,
    pool: { min: 0, max: 5 },
  });
  return {
    label: 'PostgreSQL 15',
    knex,
    isPostgres: true,
    async dispose() {
      await knex.destroy();
      await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
      await admin.destroy();
    },
  };
}

/** Bulk-loads rows given as arrays through one JSON parameter per chunk. */
async function loadRows(
  database: BenchDatabase,
  table: string,
  columns: Array<{ name: string; pgType: string }>,
  rows: unknown[][],
) {
  const { knex, isPostgres } = database;
  const columnList = columns.map(c => `"${c.name}"`).join(', ');
  const select = isPostgres
    ? columns.map((c, i) => `(e->>${i})::${c.pgType}`).join(', ')
    : columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
  const from = isPostgres ? 'json_array_elements(?::json) e' : 'json_each(?)';
  for (let i = 0; i < rows.length; i += LOAD_CHUNK_ROWS) {
    await knex.raw(
      `INSERT INTO "${table}" (${columnList}) SELECT ${select} FROM ${from}`,
      [JSON.stringify(rows.slice(i, i + LOAD_CHUNK_ROWS))],
    );
  }
}

/** The `ai_platform_events` columns the baseline's raw rows fill. */
const RAW_EVENT_COLUMNS = [
  { name: 'id', pgType: 'text' },
  { name: 'source', pgType: 'text' },
  { name: 'source_event_id', pgType: 'text' },
  { name: 'occurred_at', pgType: 'bigint' },
  { name: 'entity_ref', pgType: 'text' },
  { name: 'join_key', pgType: 'text' },
  { name: 'operation', pgType: 'text' },
  { name: 'model', pgType: 'text' },
  { name: 'provider', pgType: 'text' },
  { name: 'streamed', pgType: 'boolean' },
  { name: 'status', pgType: 'text' },
  { name: 'error_type', pgType: 'text' },
  { name: 'input_tokens', pgType: 'bigint' },
  { name: 'output_tokens', pgType: 'bigint' },
  { name: 'cost_usd', pgType: 'double precision' },
  { name: 'ttft_ms', pgType: 'double precision' },
  { name: 'latency_ms', pgType: 'double precision' },
];

interface GeneratedStore {
  events: number;
  rollupRows: number;
  sketchRows: number;
  rawEvents: number;
}

/** Writes the rollups and sketches of TOTAL_EVENTS, and the last 24 h raw. */
async function generateStore(
  database: BenchDatabase,
  nowMs: number,
): Promise<GeneratedStore> {
  const random = randomSequence(42);
  const callsPerHour = TOTAL_EVENTS / (ENTITIES * HOURS);
  const currentHourMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const now = new Date(nowMs);
  const monthStartMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const singleEntities = new Set(SINGLE_ENTITIES);
  const firstHourMs = currentHourMs - (HOURS - 1) * HOUR_MS;
  const result: GeneratedStore = {
    events: 0,
    rollupRows: 0,
    sketchRows: 0,
    rawEvents: 0,
  };
  for (let e = 0; e < ENTITIES; e++) {
    const subject = `entity:${entityRef(e)}`;
    const rollups: unknown[][] = [];
    const sketches: unknown[][] = [];
    const rawEvents: unknown[][] = [];
    for (let h = 0; h < HOURS; h++) {
      const hourStart = firstHourMs + h * HOUR_MS;
      const calls = hourOfCalls(random, callsPerHour).filter(
        call => hourStart + call.offsetMs <= nowMs,
      );
      if (calls.length === 0) continue;
      const ok = calls.filter(call => !call.failed);
      rollups.push([
        subject,
        hourStart,
        calls.length,
        calls.length - ok.length,
        calls.reduce((sum, c) => sum + c.inputTokens, 0),
        calls.reduce((sum, c) => sum + c.outputTokens, 0),
        calls.reduce(
          (sum, c) => sum + (c.inputTokens * 0.5 + c.outputTokens * 1.5) / 1e6,
          0,
        ),
      ]);
      for (const [metric, values] of [
        ['latency_ms', ok.map(c => c.latencyMs)],
        ['ttft_ms', ok.map(c => c.ttftMs)],
      ] as const) {
        for (const [bucket, count] of countValuesByBucket(values)) {
          sketches.push([subject, hourStart, metric, bucket, count]);
        }
      }
      if (
        hourStart > currentHourMs - (RAW_HOURS + 1) * HOUR_MS ||
        (singleEntities.has(e) && hourStart >= monthStartMs)
      ) {
        calls.forEach((call, i) =>
          rawEvents.push(
            RAW_EVENT_COLUMNS.map(({ name }) => {
              switch (name) {
                case 'id':
                case 'source_event_id':
                  return `${e}-${h}-${i}`;
                case 'source':
                  return 'bench';
                case 'occurred_at':
                  return hourStart + call.offsetMs;
                case 'entity_ref':
                  return entityRef(e);
                case 'join_key':
                case 'model':
                  return entityName(e);
                case 'operation':
                  return 'chat';
                case 'provider':
                  return 'vllm';
                case 'streamed':
                  return true;
                case 'status':
                  return call.failed ? 'error' : 'ok';
                case 'error_type':
                  return call.failed ? '500' : null;
                case 'input_tokens':
                  return call.inputTokens;
                case 'output_tokens':
                  return call.outputTokens;
                case 'cost_usd':
                  return (
                    (call.inputTokens * 0.5 + call.outputTokens * 1.5) / 1e6
                  );
                case 'ttft_ms':
                  return call.failed ? null : call.ttftMs;
                default:
                  return call.latencyMs;
              }
            }),
          ),
        );
      }
      result.events += calls.length;
    }
    await loadRows(
      database,
      'ai_platform_rollups_hourly',
      [
        { name: 'subject', pgType: 'text' },
        { name: 'hour_start', pgType: 'bigint' },
        { name: 'requests', pgType: 'bigint' },
        { name: 'errors', pgType: 'bigint' },
        { name: 'input_tokens', pgType: 'bigint' },
        { name: 'output_tokens', pgType: 'bigint' },
        { name: 'cost_usd', pgType: 'double precision' },
      ],
      rollups,
    );
    await loadRows(
      database,
      'ai_platform_sketch_buckets',
      [
        { name: 'subject', pgType: 'text' },
        { name: 'hour_start', pgType: 'bigint' },
        { name: 'metric', pgType: 'text' },
        { name: 'bucket', pgType: 'integer' },
        { name: 'count', pgType: 'bigint' },
      ],
      sketches,
    );
    await loadRows(
      database,
      'ai_platform_events',
      RAW_EVENT_COLUMNS,
      rawEvents,
    );
    result.rollupRows += rollups.length;
    result.sketchRows += sketches.length;
    result.rawEvents += rawEvents.length;
  }
  if (database.isPostgres) {
    await database.knex.raw('ANALYZE');
  }
  return result;
}

function percentile(samplesMs: number[], q: number): number {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The naive one-entity scorecard numbers: the 24 h checks and the month's cost, from raw rows. */
async function naiveEntityScorecard(knex: Knex, ref: string, nowMs: number) {
  const now = new Date(nowMs);
  const monthStartMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const [slo] = await naiveSloChecks(knex, [ref], nowMs);
  const [{ costUsd }] = await knex('ai_platform_events')
    .where('entity_ref', ref)
    .andWhere('occurred_at', '>=', monthStartMs)
    .andWhere('occurred_at', '<=', nowMs)
    .sum({ costUsd: 'cost_usd' });
  return { ...slo, monthToDateCostUsd: Number(costUsd) };
}

/** The naive 24 h checks of some entities, from their raw event rows. */
async function naiveSloChecks(knex: Knex, refs: string[], nowMs: number) {
  const rows = await knex('ai_platform_events')
    .whereIn('entity_ref', refs)
    .andWhere('occurred_at', '>=', nowMs - RAW_HOURS * HOUR_MS)
    .select('entity_ref', 'status', 'streamed', 'ttft_ms', 'cost_usd');
  const perEntity = new Map<
    string,
    { requests: number; errors: number; costUsd: number; ttftMs: number[] }
  >();
  for (const row of rows) {
    const stats = perEntity.get(row.entity_ref) ?? {
      requests: 0,
      errors: 0,
      costUsd: 0,
      ttftMs: [],
    };
    stats.requests += 1;
    stats.errors += row.status === 'error' ? 1 : 0;
    stats.costUsd += Number(row.cost_usd);
    if (row.status === 'ok' && row.streamed && row.ttft_ms !== null) {
      stats.ttftMs.push(Number(row.ttft_ms));
    }
    perEntity.set(row.entity_ref, stats);
  }
  return [...perEntity].map(([ref, stats]) => ({
    ref,
    errorRatePercent: (stats.errors / stats.requests) * 100,
    ttftP95Ms: stats.ttftMs.length ? percentile(stats.ttftMs, 0.95) : null,
    costUsd: stats.costUsd,
  }));
}

async function measureDatabase(
  database: BenchDatabase,
  figures: Record<string, number | string>,
  targets: BenchTarget[],
): Promise<number[]> {
  const { knex, label } = database;
  const telemetryStore = await DatabaseTelemetryStore.create({
    database: { getClient: async () => knex },
  });
  const nowMs = Date.now();
  const loadStart = Date.now();
  const generated = await generateStore(database, nowMs);
  figures[`${label}: simulated events (rollups + sketches)`] = generated.events;
  figures[`${label}: rollup rows`] = generated.rollupRows;
  figures[`${label}: sketch bucket rows`] = generated.sketchRows;
  figures[`${label}: raw events (baseline)`] = generated.rawEvents;
  figures[`${label}: load s`] = (Date.now() - loadStart) / 1000;

  const scorecardStore = new DatabaseScorecardStore(knex);
  const engine = new ScorecardEngine({
    telemetryStore,
    evalRunStore: scorecardStore,
    resultStore: scorecardStore,
    config: DEFAULT_SCORECARD_CONFIG,
    now: () => new Date(nowMs),
  });
  const random = randomSequence(7);
  const sample = Array.from(
    { length: SINGLE_RUNS },
    () => SINGLE_ENTITIES[Math.floor(random() * SINGLE_ENTITIES.length)],
  );

  // Warm-up of both paths.
  await engine.evaluate(entity(ENTITIES - 1));
  await naiveEntityScorecard(knex, entityRef(ENTITIES - 1), nowMs);

  const singleMs: number[] = [];
  const naiveSingleMs: number[] = [];
  for (const i of sample) {
    singleMs.push(await timed(() => engine.evaluate(entity(i))));
    naiveSingleMs.push(
      await timed(() => naiveEntityScorecard(knex, entityRef(i), nowMs)),
    );
  }

  // Where the evaluation's time goes: the two windows it reads.
  const usage24hMs: number[] = [];
  const usageMonthMs: number[] = [];
  const monthStart = new Date(
    Date.UTC(
      new Date(nowMs).getUTCFullYear(),
      new Date(nowMs).getUTCMonth(),
      1,
    ),
  );
  for (const i of sample) {
    const subject = `entity:${entityRef(i)}`;
    usage24hMs.push(
      await timed(() =>
        telemetryStore.getUsage({
          subject,
          from: new Date(nowMs - RAW_HOURS * HOUR_MS),
          to: new Date(nowMs),
        }),
      ),
    );
    usageMonthMs.push(
      await timed(() =>
        telemetryStore.getUsage({
          subject,
          from: monthStart,
          to: new Date(nowMs),
        }),
      ),
    );
  }
  figures[`${label}: getUsage 24 h p95 ms`] = percentile(usage24hMs, 0.95);
  figures[`${label}: getUsage month-to-date p95 ms`] = percentile(
    usageMonthMs,
    0.95,
  );

  const groupRefs = Array.from({ length: GROUP_SIZE }, (_, i) => entityRef(i));
  const evaluateGroupMs = await timed(async () => {
    for (let i = 0; i < GROUP_SIZE; i++) await engine.evaluate(entity(i));
  });
  const groupMs: number[] = [];
  const naiveGroupMs: number[] = [];
  for (let run = 0; run < GROUP_RUNS; run++) {
    groupMs.push(
      await timed(async () => {
        const latest = await scorecardStore.getLatestEvaluations(groupRefs);
        if (latest.size !== GROUP_SIZE) {
          throw new Error(
            `Expected ${GROUP_SIZE} evaluations, got ${latest.size}`,
          );
        }
      }),
    );
    naiveGroupMs.push(
      await timed(() => naiveSloChecks(knex, groupRefs, nowMs)),
    );
  }

  const single = percentile(singleMs, 0.95);
  const naiveSingle = percentile(naiveSingleMs, 0.95);
  const group = percentile(groupMs, 0.95);
  const naiveGroup = percentile(naiveGroupMs, 0.95);
  figures[`${label}: one entity evaluate p95 ms`] = single;
  figures[`${label}: one entity evaluate p50 ms`] = percentile(singleMs, 0.5);
  figures[`${label}: one entity naive from raw p95 ms`] = naiveSingle;
  targets.push({
    label: `${label}: one entity evaluate p95 ms`,
    value: single,
    op: '<',
    limit: 50,
  });
  figures[`${label}: group of 200 read p95 ms`] = group;
  figures[`${label}: group of 200 naive raw 24 h p95 ms`] = naiveGroup;
  targets.push({
    label: `${label}: group of 200 read p95 ms`,
    value: group,
    op: '<',
    limit: 300,
  });
  figures[`${label}: re-evaluate 200 entities ms`] = evaluateGroupMs;
  return [single / naiveSingle, group / naiveGroup];
}

const benchCase: BenchCase = {
  name: 'ai-platform scorecard queries',
  description: `Scorecards of 1 and ${GROUP_SIZE} of ${ENTITIES} ModelEndpoints over rollups + sketches of ${TOTAL_EVENTS.toLocaleString(
    'en-US',
  )} events in 30 days vs computing them from raw event rows, on a SQLite file and PostgreSQL 15. Unlike work: the group of ${GROUP_SIZE} reads the stored evaluations (what GET /scorecards?owner= does) while its baseline recomputes the 24 h checks from raw rows, so its ratio compares a read with a computation; the one-entity ratio compares like with like (evaluate vs the same numbers from raw rows)`,
  async run() {
    const figures: Record<string, number | string> = {};
    const targets: BenchTarget[] = [];
    const ratios: number[] = [];
    for (const open of [sqliteFile, postgres]) {
      const database = await open();
      try {
        const [single, group] = await measureDatabase(
          database,
          figures,
          targets,
        );
        figures[`${database.label}: ratio one entity`] = single;
        figures[`${database.label}: ratio group of 200`] = group;
        ratios.push(single, group);
      } finally {
        await database.dispose();
      }
    }
    return {
      figures,
      targets,
      ratio: Math.max(...ratios),
      ratioLabel:
        'p95 scorecard from rollups / p95 naive from raw rows (worst of one entity and group, both databases)',
    };
  },
};

export default benchCase;
