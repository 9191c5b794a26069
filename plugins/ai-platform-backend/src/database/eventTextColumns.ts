/**
 * The text rules of the event columns, shared by the store (which refuses
 * a row that would not fit) and the ingest mappers (which reject or cut
 * client text before it reaches the store). Moved down from
 * `ingest/ingestLimits.ts`, which re-exports them.
 */

/**
 * Characters the event columns hold (`varchar(n)` on PostgreSQL, see
 * `migrations/`). SQLite holds any length: checking here keeps both
 * databases storing the same rows.
 *
 * @internal
 */
export const EVENT_TEXT_MAX_CHARS = {
  source: 64,
  sourceEventId: 255,
  entityRef: 255,
  joinKey: 255,
  agentEntityRef: 255,
  agentJoinKey: 255,
  operation: 64,
  model: 255,
  provider: 64,
  status: 16,
  errorType: 255,
  costSource: 32,
} as const;

const MAX_QUOTED_CHARS = 40;

/**
 * A short, safe rendering of a client value for a rejection message:
 * strings and numbers cut to a few dozen characters, objects and arrays
 * named by type (never serialized: they may be huge or deeply nested).
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const chars = charCount(value);
    if (chars <= MAX_QUOTED_CHARS) {
      return JSON.stringify(value);
    }
    return `${JSON.stringify(
      cutToChars(value, MAX_QUOTED_CHARS),
    )}… (${chars.toLocaleString('en-US')} characters)`;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    return text.length <= MAX_QUOTED_CHARS
      ? text
      : `${text.slice(0, MAX_QUOTED_CHARS)}…`;
  }
  if (value === null || value === undefined || typeof value === 'boolean') {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `an ${typeof value}`;
}

const formatNumber = (value: number) => value.toLocaleString('en-US');

/** Unicode characters (code points) of a string, as PostgreSQL counts them. */
function charCount(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}

/**
 * Whether a string fits `maxChars` characters (fast for short strings).
 *
 * @internal
 */
export function fitsChars(value: string, maxChars: number): boolean {
  return value.length <= maxChars || charCount(value) <= maxChars;
}

/**
 * The first `maxChars` characters, never splitting a surrogate pair.
 *
 * @internal
 */
export function cutToChars(value: string, maxChars: number): string {
  let chars = 0;
  let i = 0;
  while (i < value.length && chars < maxChars) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    i +=
      code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff
        ? 2
        : 1;
    chars += 1;
  }
  return value.slice(0, i);
}

/**
 * `String.prototype.isWellFormed` / `toWellFormed` (ES2024, Node 20+),
 * which the TypeScript lib in use does not declare.
 *
 * @internal
 */
export interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * Why a text cannot be stored as is in a column of `maxChars` characters,
 * or null when it can: too long, a NUL character (PostgreSQL rejects it in
 * text, SQLite stores it), an unpaired surrogate (not valid UTF-8).
 *
 * @internal
 */
export function textColumnProblem(
  value: string,
  maxChars: number,
): string | null {
  if (!fitsChars(value, maxChars)) {
    return `is ${formatNumber(
      charCount(value),
    )} characters long, more than the ${maxChars} allowed`;
  }
  if (value.includes('\u0000')) {
    return 'contains a NUL character';
  }
  if (!(value as unknown as WellFormedString).isWellFormed()) {
    return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  }
  return null;
}
