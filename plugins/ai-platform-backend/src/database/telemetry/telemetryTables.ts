import { Knex } from 'knex';

/** Tables of the telemetry store (see `migrations/`). */
export const EVENTS_TABLE = 'ai_platform_events';
export const ROLLUPS_TABLE = 'ai_platform_rollups_hourly';
export const SKETCH_TABLE = 'ai_platform_sketch_buckets';
export const AGENT_ENDPOINT_TABLE = 'ai_platform_agent_endpoint_hourly';
export const TRACE_USAGE_TABLE = 'ai_platform_trace_usage';

export const HOUR_MS = 60 * 60 * 1000;

/** Sketch metrics stored in `ai_platform_sketch_buckets.metric`. */
export type SketchMetric = 'ttft_ms' | 'latency_ms';

/** knex client names of PostgreSQL. */
const POSTGRES_CLIENTS = new Set(['pg', 'postgres', 'postgresql']);

/** Whether `db` speaks PostgreSQL (otherwise SQLite). */
export function isPostgres(db: Knex): boolean {
  return POSTGRES_CLIENTS.has(String(db.client.config.client));
}

export function hourStartOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}

/** Orders strings by UTF-16 code units (no locale, unlike `localeCompare`). */
export function compareStrings(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** Returns `fn` with its results kept per argument (for one batch). */
export function memoized(
  fn: (value: string) => string,
): (value: string) => string {
  const results = new Map<string, string>();
  return value => {
    let result = results.get(value);
    if (result === undefined) {
      result = fn(value);
      results.set(value, result);
    }
    return result;
  };
}
