/** A number ≥ 0 from a spec field, else `undefined`. */
export function positiveOrZero(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}

/** USD for a sentence: cents from 1 USD up, three significant digits below. */
export function usdText(value: number): string {
  if (value === 0 || Math.abs(value) >= 1) {
    return value.toFixed(2);
  }
  return String(Number(value.toPrecision(3)));
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function utcMonthBounds(now: Date): { startMs: number; endMs: number } {
  const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const endMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return { startMs, endMs };
}
