import { Config, readDurationFromConfig } from '@backstage/config';
import { UnresolvedTelemetryEvent } from './UnresolvedTelemetryEvent';
import {
  cutToChars,
  describeValue,
  EVENT_TEXT_MAX_CHARS,
  fitsChars,
  textColumnProblem,
  WellFormedString,
} from '../database/eventTextColumns';

// Moved down to the database layer (the store refuses what would not fit);
// re-exported for the ingest mappers and tests that import them from here.
export {
  describeValue,
  EVENT_TEXT_MAX_CHARS,
  textColumnProblem,
} from '../database/eventTextColumns';

/**
 * Limits applied to every telemetry item before it is stored: the
 * plausibility windows of `aiPlatform.ingest.plausibility` and the request
 * caps of `aiPlatform.ingest.limits`. An item outside them is rejected on
 * its own (reported in the response); the rest of the batch is stored.
 *
 * @internal
 */
export interface IngestLimits {
  /** Oldest accepted call start, relative to now. */
  maxAgeMs: number;
  /** Furthest accepted call start ahead of now (clients' clock skew). */
  maxClockSkewMs: number;
  /** Largest input or output token count of one call. */
  maxTokensPerCall: number;
  /** Largest cost of one call, in USD. */
  maxCostUsdPerCall: number;
  /** Longest duration (latency, TTFT) of one call. */
  maxCallDurationMs: number;
  /** Spans read from one OTLP trace request; the excess is rejected. */
  maxSpansPerRequest: number;
  /** The clock the time window is measured against. */
  now: () => number;
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Defaults of {@link IngestLimits}. @internal */
export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = {
  maxAgeMs: 30 * DAY_MS,
  maxClockSkewMs: 10 * MINUTE_MS,
  maxTokensPerCall: 10_000_000,
  maxCostUsdPerCall: 10_000,
  maxCallDurationMs: DAY_MS,
  maxSpansPerRequest: 20_000,
  now: () => Date.now(),
};

/** Appended to text cut to fit its column. */
export const TRUNCATION_MARKER = '…[truncated]';

/**
 * One item of a batch breaks a limit: the mappers turn it into a rejection
 * of that item.
 *
 * @internal
 */
export class IngestItemRejection extends Error {}

const KEY_PREFIX = 'aiPlatform.ingest';

type HumanDuration = ReturnType<typeof readDurationFromConfig>;

function durationToMs(duration: HumanDuration): number {
  return (
    (duration.years ?? 0) * 365 * DAY_MS +
    (duration.months ?? 0) * 30 * DAY_MS +
    (duration.weeks ?? 0) * 7 * DAY_MS +
    (duration.days ?? 0) * DAY_MS +
    (duration.hours ?? 0) * HOUR_MS +
    (duration.minutes ?? 0) * MINUTE_MS +
    (duration.seconds ?? 0) * 1000 +
    (duration.milliseconds ?? 0)
  );
}

function readDurationMs(config: Config, key: string, defaultMs: number) {
  if (!config.has(key)) {
    return defaultMs;
  }
  const ms = durationToMs(readDurationFromConfig(config, { key }));
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(
      `Invalid config '${key}': expected a duration of zero or more, e.g. { days: 30 } or 'P30D'`,
    );
  }
  return ms;
}

function readPositiveNumber(config: Config, key: string, defaultValue: number) {
  const value = config.getOptionalNumber(key) ?? defaultValue;
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(
      `Invalid config '${key}': expected a positive number, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `aiPlatform.ingest.plausibility` and `aiPlatform.ingest.limits`.
 * Durations are Backstage `HumanDuration` objects (`{ days: 30 }`) or
 * strings (`P30D`, `30d`).
 *
 * @throws Error naming the key when a value is invalid
 * @internal
 */
export function readIngestLimits(
  config: Config,
  now: () => number = DEFAULT_INGEST_LIMITS.now,
): IngestLimits {
  const p = `${KEY_PREFIX}.plausibility`;
  return {
    maxAgeMs: readDurationMs(
      config,
      `${p}.maxAge`,
      DEFAULT_INGEST_LIMITS.maxAgeMs,
    ),
    maxClockSkewMs: readDurationMs(
      config,
      `${p}.maxClockSkew`,
      DEFAULT_INGEST_LIMITS.maxClockSkewMs,
    ),
    maxCallDurationMs: readDurationMs(
      config,
      `${p}.maxCallDuration`,
      DEFAULT_INGEST_LIMITS.maxCallDurationMs,
    ),
    maxTokensPerCall: readPositiveNumber(
      config,
      `${p}.maxTokensPerCall`,
      DEFAULT_INGEST_LIMITS.maxTokensPerCall,
    ),
    maxCostUsdPerCall: readPositiveNumber(
      config,
      `${p}.maxCostUsdPerCall`,
      DEFAULT_INGEST_LIMITS.maxCostUsdPerCall,
    ),
    maxSpansPerRequest: Math.floor(
      readPositiveNumber(
        config,
        `${KEY_PREFIX}.limits.maxSpansPerRequest`,
        DEFAULT_INGEST_LIMITS.maxSpansPerRequest,
      ),
    ),
    now,
  };
}

const formatNumber = (value: number) => value.toLocaleString('en-US');

/**
 * Text where cutting is harmless (error messages and types): NUL and
 * unpaired surrogates become U+FFFD, and text longer than `maxChars`
 * characters is cut with {@link TRUNCATION_MARKER} at the end.
 *
 * @internal
 */
export function truncateText(value: string, maxChars: number): string {
  let text = value;
  if (text.includes('\u0000')) {
    text = text.split('\u0000').join('\uFFFD');
  }
  text = (text as unknown as WellFormedString).toWellFormed();
  if (fitsChars(text, maxChars)) {
    return text;
  }
  return `${cutToChars(
    text,
    maxChars - TRUNCATION_MARKER.length,
  )}${TRUNCATION_MARKER}`;
}

/**
 * Checks a join key or identity (model, provider, operation, event id,
 * agent id): cutting one would merge or mislabel calls, so a value that
 * does not fit its column rejects the item.
 *
 * @throws IngestItemRejection naming the field, the value and the limit
 * @internal
 */
export function checkIdentityText(
  value: string,
  field: string,
  maxChars: number,
): string {
  const problem = textColumnProblem(value, maxChars);
  if (problem) {
    throw new IngestItemRejection(
      `'${field}' ${describeValue(value)} ${problem}`,
    );
  }
  return value;
}

/**
 * The source fields (attribute or payload field names) the event fields
 * came from, for rejection messages.
 *
 * @internal
 */
export type EventSourceFields = Record<
  | 'sourceEventId'
  | 'joinKey'
  | 'model'
  | 'provider'
  | 'operation'
  | 'agentJoinKeyCandidates',
  string
>;

/**
 * The one text policy of telemetry events, applied before the store so
 * PostgreSQL and SQLite store the same rows: identities and join keys that
 * do not fit their column reject the item; the error type is cut with a
 * marker; agent match-only keys (e.g. a key alias) that do not fit are
 * dropped, since they only help attribution.
 *
 * @throws IngestItemRejection naming the field, the value and the limit
 * @internal
 */
export function applyEventTextPolicy(
  event: UnresolvedTelemetryEvent,
  fields: EventSourceFields,
): UnresolvedTelemetryEvent {
  const max = EVENT_TEXT_MAX_CHARS;
  checkIdentityText(
    event.sourceEventId,
    fields.sourceEventId,
    max.sourceEventId,
  );
  checkIdentityText(event.joinKey, fields.joinKey, max.joinKey);
  checkIdentityText(event.operation, fields.operation, max.operation);
  if (event.model !== null) {
    checkIdentityText(event.model, fields.model, max.model);
  }
  if (event.provider !== null) {
    checkIdentityText(event.provider, fields.provider, max.provider);
  }
  for (const key of event.agentJoinKeyCandidates) {
    checkIdentityText(key, fields.agentJoinKeyCandidates, max.agentJoinKey);
  }
  const matchOnlyKeys = event.agentMatchOnlyKeys?.filter(
    key => textColumnProblem(key, max.agentJoinKey) === null,
  );
  const errorType =
    event.errorType === null
      ? null
      : truncateText(event.errorType, max.errorType);
  return errorType === event.errorType &&
    matchOnlyKeys?.length === event.agentMatchOnlyKeys?.length
    ? event
    : { ...event, errorType, agentMatchOnlyKeys: matchOnlyKeys };
}

/**
 * Checks a call's time against the window `[now - maxAge, now +
 * maxClockSkew]`.
 *
 * @throws IngestItemRejection naming the field, the value and the window
 * @internal
 */
export function checkEventTimeMs(
  epochMs: number,
  field: string,
  shownValue: unknown,
  limits: IngestLimits,
): number {
  const nowMs = limits.now();
  const earliest = nowMs - limits.maxAgeMs;
  const latest = nowMs + limits.maxClockSkewMs;
  if (!Number.isFinite(epochMs) || epochMs < earliest || epochMs > latest) {
    const at =
      Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15
        ? ` (${new Date(epochMs).toISOString()})`
        : '';
    const window = (ms: number) =>
      Number.isFinite(ms) && Math.abs(ms) <= 8.64e15
        ? new Date(ms).toISOString()
        : 'unbounded';
    throw new IngestItemRejection(
      `'${field}' ${describeValue(
        shownValue,
      )}${at} is outside the accepted window ${window(earliest)} to ${window(
        latest,
      )} (aiPlatform.ingest.plausibility.maxAge / maxClockSkew)`,
    );
  }
  return epochMs;
}

/**
 * Checks a token count: a finite integer from 0 to `maxTokensPerCall`.
 *
 * @throws IngestItemRejection naming the field, the value and the limit
 * @internal
 */
export function checkTokenCount(
  value: unknown,
  field: string,
  limits: IngestLimits,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new IngestItemRejection(
      `'${field}' must be a non-negative integer, got ${describeValue(value)}`,
    );
  }
  if (value > limits.maxTokensPerCall) {
    throw new IngestItemRejection(
      `'${field}' ${describeValue(value)} is more than the ${formatNumber(
        limits.maxTokensPerCall,
      )} tokens allowed per call (aiPlatform.ingest.plausibility.maxTokensPerCall)`,
    );
  }
  return value;
}

/**
 * Checks a cost: a finite number of USD from 0 to `maxCostUsdPerCall`.
 *
 * @throws IngestItemRejection naming the field, the value and the limit
 * @internal
 */
export function checkCostUsd(
  value: unknown,
  field: string,
  limits: IngestLimits,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new IngestItemRejection(
      `'${field}' must be a non-negative number of USD, got ${describeValue(
        value,
      )}`,
    );
  }
  if (value > limits.maxCostUsdPerCall) {
    throw new IngestItemRejection(
      `'${field}' ${describeValue(value)} is more than the ${formatNumber(
        limits.maxCostUsdPerCall,
      )} USD allowed per call (aiPlatform.ingest.plausibility.maxCostUsdPerCall)`,
    );
  }
  return value;
}

/**
 * Checks a duration in milliseconds: finite, from 0 to `maxCallDurationMs`.
 *
 * @throws IngestItemRejection naming the field, the value and the limit
 * @internal
 */
export function checkDurationMs(
  durationMs: number,
  field: string,
  limits: IngestLimits,
): number {
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new IngestItemRejection(
      `${field} must be a finite duration of zero or more, got ${describeValue(
        durationMs,
      )} ms`,
    );
  }
  if (durationMs > limits.maxCallDurationMs) {
    throw new IngestItemRejection(
      `${field} ${formatNumber(
        Math.round(durationMs),
      )} ms is longer than the ${formatNumber(
        limits.maxCallDurationMs,
      )} ms allowed per call (aiPlatform.ingest.plausibility.maxCallDuration)`,
    );
  }
  return durationMs;
}

/**
 * Epoch values above this are milliseconds, not seconds: 1e11 seconds is
 * the year 5138, 1e11 milliseconds is 1973.
 */
const EPOCH_MILLISECONDS_THRESHOLD = 1e11;

/**
 * Epoch milliseconds of a LiteLLM time that should be epoch seconds: some
 * callers send milliseconds, which read as seconds land tens of thousands
 * of years ahead. Values above 1e11 are taken as milliseconds.
 *
 * @internal
 */
export function epochSecondsOrMillisToMs(value: number): number {
  return value > EPOCH_MILLISECONDS_THRESHOLD ? value : value * 1000;
}
