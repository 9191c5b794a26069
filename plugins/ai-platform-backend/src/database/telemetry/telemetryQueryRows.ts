import { TimeWindow } from '../TelemetryStore';
import { MAX_ROWS_PER_STATEMENT } from './batchUpsert';
import { HOUR_MS, hourStartOf } from './telemetryTables';

/** Bound parameters per statement: far under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_BOUND_PARAMETERS = 8_000;

export function chunk<T>(items: T[], columnsPerRow: number): T[][] {
  const size = Math.max(
    1,
    Math.min(
      MAX_ROWS_PER_STATEMENT,
      Math.floor(MAX_BOUND_PARAMETERS / columnsPerRow),
    ),
  );
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}

export function toNumber(value: unknown): number {
  if (value === null || value === undefined) {
    return 0;
  }
  return Number(value);
}

export function hourAlignedWindow({ from, to }: TimeWindow) {
  const fromMs = hourStartOf(from.getTime());
  const toMs = Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS;
  return { fromMs, toMs };
}
