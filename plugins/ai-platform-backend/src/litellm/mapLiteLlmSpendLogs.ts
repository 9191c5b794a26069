import { mapLiteLlmPayloads } from '../ingest/mapLiteLlmPayloads';
import {
  DEFAULT_INGEST_LIMITS,
  IngestItemRejection,
  IngestLimits,
} from '../ingest/ingestLimits';
import { parseLiteLlmTimeMs } from '../ingest/liteLlmTimes';
import {
  RejectedTelemetryItem,
  UnresolvedTelemetryEvent,
} from '../ingest/UnresolvedTelemetryEvent';

/**
 * A row of LiteLLM's `LiteLLM_SpendLogs` as the proxy's spend-log API returns
 * it (`reference/telemetry.md` §1.1): only the fields the mapping reads.
 *
 * @internal
 */
export interface LiteLlmSpendLogRow {
  request_id: string;
  call_type?: string;
  spend?: number | null;
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  /**
   * ISO 8601 (without a zone designator it is UTC), `YYYY-MM-DD
   * HH:MM:SS.ffffff` (UTC) or epoch seconds.
   */
  startTime: string | number;
  endTime?: string | number | null;
  completionStartTime?: string | number | null;
  model?: string | null;
  model_group?: string | null;
  custom_llm_provider?: string | null;
  metadata?: Record<string, unknown> | null;
  request_tags?: unknown;
  status?: string | null;
  agent_id?: string | null;
  /** The call's `trace_id` (LiteLLM's, or the caller's `litellm_trace_id`). */
  session_id?: string | null;
  [field: string]: unknown;
}

/**
 * What {@link mapLiteLlmSpendLogRows} made of a page.
 *
 * @internal
 */
export interface LiteLlmSpendLogMapping {
  events: UnresolvedTelemetryEvent[];
  /** Rows that cannot be stored, with their index in the page and why. */
  rejected: RejectedTelemetryItem[];
}

class SpendLogRejection extends Error {}

/** The ingest limits without a time window: the pull has its own. */
const PULL_INGEST_LIMITS: IngestLimits = {
  ...DEFAULT_INGEST_LIMITS,
  maxAgeMs: Infinity,
  maxClockSkewMs: Infinity,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Epoch ms of a spend-log DateTime: ISO 8601 with or without a zone
 * (without: UTC), LiteLLM's `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) or epoch
 * seconds, as on `/ingest/litellm` (see `parseLiteLlmTimeMs`).
 *
 * @throws IngestItemRejection naming the field and the accepted forms
 * @internal
 */
export function parseSpendLogTimeMs(value: unknown, field: string): number {
  const ms = parseLiteLlmTimeMs(value, field);
  if (ms === null) {
    throw new SpendLogRejection(
      `'${field}' is required: an ISO 8601 date-time, 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) or epoch seconds`,
    );
  }
  return ms;
}

/**
 * Turns a spend-log row into the StandardLoggingPayload shape that
 * `mapLiteLlmPayloads` reads: `request_id` → `id`, `spend` → `response_cost`,
 * DateTimes → epoch seconds, `metadata.status` / `metadata.error_information`
 * for older rows without a `status` column. A spend log has no `stream`
 * column, so a call counts as streamed only when its first chunk came before
 * its end (`completionStartTime < endTime`): LiteLLM writes
 * `completionStartTime = endTime` when it saw no first chunk.
 */
function toStandardLoggingPayload(row: unknown): Record<string, unknown> {
  if (!isRecord(row)) {
    throw new SpendLogRejection('expected a LiteLLM_SpendLogs row object');
  }
  if (typeof row.request_id !== 'string' || row.request_id.trim() === '') {
    throw new SpendLogRejection(
      "'request_id' is required: the LiteLLM call id",
    );
  }
  const startMs = parseSpendLogTimeMs(row.startTime, 'startTime');
  const endMs =
    row.endTime === undefined || row.endTime === null
      ? startMs
      : parseSpendLogTimeMs(row.endTime, 'endTime');
  const completionStartMs = parseLiteLlmTimeMs(
    row.completionStartTime,
    'completionStartTime',
  );
  const metadata = isRecord(row.metadata) ? row.metadata : {};
  const status =
    (typeof row.status === 'string' && row.status) ||
    (typeof metadata.status === 'string' && metadata.status) ||
    'success';
  return {
    id: row.request_id,
    call_type: row.call_type,
    model: row.model,
    model_group: row.model_group,
    custom_llm_provider: row.custom_llm_provider,
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    response_cost: row.spend,
    startTime: startMs / 1000,
    endTime: endMs / 1000,
    completionStartTime:
      completionStartMs === null ? null : completionStartMs / 1000,
    stream: completionStartMs !== null && completionStartMs < endMs,
    status,
    error_information: metadata.error_information,
    metadata,
    request_tags: row.request_tags,
    agent_id: row.agent_id,
    // LiteLLM stores the payload's `trace_id` as the row's `session_id`.
    trace_id: row.session_id,
  };
}

/**
 * Maps a page of LiteLLM spend-log rows to telemetry events (source
 * `litellm`, id = `request_id`, the same source and id the `generic_api`
 * callback's payloads get, so a call that arrives both ways counts once).
 * Rows that cannot be mapped or break a limit are rejected with their index
 * and the reason. The pull chooses its own time window, so by default no
 * age or clock-skew window applies; token, cost, duration and text limits
 * do.
 *
 * @internal
 */
export function mapLiteLlmSpendLogRows(
  rows: unknown[],
  limits: IngestLimits = PULL_INGEST_LIMITS,
): LiteLlmSpendLogMapping {
  const payloads: Record<string, unknown>[] = [];
  const payloadRowIndexes: number[] = [];
  const rejected: RejectedTelemetryItem[] = [];
  rows.forEach((row, index) => {
    try {
      payloads.push(toStandardLoggingPayload(row));
      payloadRowIndexes.push(index);
    } catch (error) {
      if (
        !(error instanceof SpendLogRejection) &&
        !(error instanceof IngestItemRejection)
      ) {
        throw error;
      }
      rejected.push({ index, message: error.message });
    }
  });
  const mapped = mapLiteLlmPayloads(payloads, limits);
  for (const item of mapped.rejected) {
    rejected.push({
      index: payloadRowIndexes[item.index],
      message: item.message,
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  return { events: mapped.events, rejected };
}
