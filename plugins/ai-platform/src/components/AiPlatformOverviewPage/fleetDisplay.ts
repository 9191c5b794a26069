import { parseEntityRef } from '@backstage/catalog-model';

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

const smallUsd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 3,
});

/**
 * `$1,234.50`; amounts under a dollar to three significant digits
 * (`$0.0282`), so small per-call costs do not all read `$0.00`.
 */
export function formatUsd(value: number): string {
  return value !== 0 && Math.abs(value) < 1
    ? smallUsd.format(value)
    : usd.format(value);
}

/** `812 ms`. */
export function formatMs(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

/**
 * A duration the way people say it, to two units: `45 s`, `12 min 30 s`,
 * `3 h 5 min`, `2 d 4 h`.
 */
export function formatDurationMs(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) {
    return `${totalSeconds} s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) {
    const seconds = totalSeconds % 60;
    return seconds ? `${totalMinutes} min ${seconds} s` : `${totalMinutes} min`;
  }
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) {
    const minutes = totalMinutes % 60;
    return minutes ? `${totalHours} h ${minutes} min` : `${totalHours} h`;
  }
  const days = Math.floor(totalHours / 24);
  const hours = totalHours % 24;
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

/** `2026-11-23 10:00 UTC`. */
export function formatUtcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The name of an entity ref (`group:default/ml-platform` → `ml-platform`). */
export function entityName(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}

/** Sorts numbers ascending with `null` (no data) always last. */
export function compareNullableNumbers(
  a: number | null | undefined,
  b: number | null | undefined,
): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) {
    return Number(aMissing) - Number(bMissing);
  }
  return (a as number) - (b as number);
}
