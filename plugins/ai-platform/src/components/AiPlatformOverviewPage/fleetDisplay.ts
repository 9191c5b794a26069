import { parseEntityRef } from '@backstage/catalog-model';
import { usdFormatter } from '@ai-platform/plugin-ai-platform-common';

/**
 * Dollars on the AI Platform page: `$1,234.50`, `$1.00`; amounts under a
 * dollar to three significant digits (`$0.0282`), so small per-call costs do
 * not all read `$0.00`.
 */
export const formatUsd = usdFormatter({ unit: 'symbol', small: 'significant' });

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
