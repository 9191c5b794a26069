import {
  describeValue,
  epochSecondsOrMillisToMs,
  IngestItemRejection,
} from './ingestLimits';

/** The accepted forms, quoted in every refusal. */
const ACCEPTED_FORMS =
  "epoch seconds (a number or numeric string), an ISO 8601 date-time (e.g. '2026-12-05T10:15:30.123Z'; without a zone it is UTC) or LiteLLM's 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)";

/** Epoch seconds as text: `1764930000`, `1764930000.123456`. */
const NUMERIC_TEXT = /^\d+(\.\d+)?$/;

/**
 * An ISO 8601 date-time (`T` or, as LiteLLM writes it, a space between date
 * and time), seconds optional, any number of fraction digits, an optional
 * zone (`Z`, `+01:00`, `+0100`, `+01`).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function refuse(field: string, value: unknown): never {
  throw new IngestItemRejection(
    `'${field}' must be ${ACCEPTED_FORMS}, got ${describeValue(value)}`,
  );
}

/** Minutes east of UTC of a zone designator (`Z`, `+01:00`, `-0530`, `+02`). */
function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (!zone || zone.toUpperCase() === 'Z') {
    return 0;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) {
    return null;
  }
  return sign * (hours * 60 + minutes);
}

/** Epoch ms of an ISO 8601 / LiteLLM date-time text, or null when it is none. */
function dateTimeTextMs(text: string): number | null {
  const match = DATE_TIME.exec(text);
  if (!match) {
    return null;
  }
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const fields = [year, month, day, hour, minute, second ?? '0'].map(Number);
  const [y, mo, d, h, mi, s] = fields;
  const offset = zoneOffsetMinutes(zone);
  if (offset === null || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  const wholeMs = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(wholeMs);
  // Date.UTC rolls 2026-02-30 over to March: refuse instead.
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d
  ) {
    return null;
  }
  // Microseconds (LiteLLM writes six digits) kept as a fraction of a ms.
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  return wholeMs + fractionMs - offset * 60_000;
}

/**
 * Epoch milliseconds of a LiteLLM time field (`startTime`, `endTime`,
 * `completionStartTime`) in any of the forms LiteLLM and its callbacks
 * write: epoch seconds as a number or numeric string (values that can only
 * be milliseconds, above 1e11, are taken as such), an ISO 8601 date-time
 * with or without a zone (without: UTC), or LiteLLM's
 * `YYYY-MM-DD HH:MM:SS.ffffff` (UTC). `null` when the field is absent.
 *
 * @throws IngestItemRejection naming the field and the accepted forms
 * @internal
 */
export function parseLiteLlmTimeMs(
  value: unknown,
  field: string,
): number | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) {
      refuse(field, value);
    }
    return epochSecondsOrMillisToMs(value);
  }
  if (typeof value !== 'string') {
    return refuse(field, value);
  }
  const text = value.trim();
  if (NUMERIC_TEXT.test(text)) {
    const seconds = Number(text);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      refuse(field, value);
    }
    return epochSecondsOrMillisToMs(seconds);
  }
  const ms = dateTimeTextMs(text);
  if (ms === null || !Number.isFinite(ms) || ms <= 0) {
    return refuse(field, value);
  }
  return ms;
}
