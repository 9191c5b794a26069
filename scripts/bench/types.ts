/**
 * A benchmark case. `yarn bench` finds cases in `plugins/<package>/bench/*.bench.ts` and
 * `scripts/bench/cases/*.bench.ts`; each file default-exports one BenchCase.
 *
 * Every case measures its subject AND a baseline in the same run, on the same machine,
 * and reports the ratio subject / baseline, so results compare across machines.
 */
export interface BenchCase {
  name: string;
  /** What is measured against what, in one sentence. */
  description: string;
  /** Lower-is-better target for the ratio, if the issue sets one. A `NaN` ratio misses it. */
  targetRatio?: number;
  run(): Promise<BenchResult>;
}

export interface BenchResult {
  /** Named figures to print, e.g. { 'subject median ms': 12.3 }. */
  figures: Record<string, number | string>;
  /**
   * Absolute targets the issue sets (e.g. 20,000 spans/s, 50 ms p95), checked and counted by
   * the runner like `targetRatio`: a `NaN` value misses.
   */
  targets?: BenchTarget[];
  /** subject / baseline; lower is better. */
  ratio: number;
  /** What the ratio divides, e.g. "processing with the AI kinds / plain Components". */
  ratioLabel: string;
}

/** One absolute target: met when `value op limit` holds. */
export interface BenchTarget {
  /** What is measured, with its unit, e.g. "SQLite: one entity evaluate p95 ms". */
  label: string;
  value: number;
  op: '<' | '<=' | '>' | '>=';
  limit: number;
}

/** Whether a target is met; `NaN` (a broken measurement) never is. */
export function targetMet(
  target: Pick<BenchTarget, 'value' | 'op' | 'limit'>,
): boolean {
  const { value, op, limit } = target;
  if (Number.isNaN(value) || Number.isNaN(limit)) return false;
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    default:
      return false;
  }
}

/** Median and spread of a function's wall time over repeated runs. */
export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed. */
export async function measure(
  fn: () => unknown | Promise<unknown>,
  options: { runs?: number; warmup?: number } = {},
): Promise<Timing> {
  const runs = options.runs ?? 5;
  const warmup = options.warmup ?? 1;
  for (let i = 0; i < warmup; i++) {
    await fn();
  }
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samplesMs.sort((a, b) => a - b);
  return {
    medianMs: samplesMs[Math.floor(samplesMs.length / 2)],
    minMs: samplesMs[0],
    maxMs: samplesMs[samplesMs.length - 1],
    runs,
  };
}
