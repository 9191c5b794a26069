import { LoggerService } from '@backstage/backend-plugin-api';
import { TelemetryStore } from '../database/TelemetryStore';
import { TelemetryEntityResolver } from '../ingest/TelemetryEntityResolver';
import {
  DatabaseLiteLlmPullCursorStore,
  LiteLlmPullCursor,
} from './DatabaseLiteLlmPullCursorStore';
import { LiteLlmSpendLogClient } from './LiteLlmSpendLogClient';
import {
  mapLiteLlmSpendLogRows,
  parseSpendLogTimeMs,
} from './mapLiteLlmSpendLogs';

/**
 * What one {@link LiteLlmSpendLogPull.run} did.
 *
 * @internal
 */
export interface LiteLlmSpendLogPullResult {
  /** Pages fetched and committed. */
  pages: number;
  /** Rows past the cursor (new to this pull). */
  newRows: number;
  /** Events stored and counted in the rollups. */
  inserted: number;
  /** Events already stored (e.g. by the `generic_api` callback). */
  duplicates: number;
  /**
   * Of the inserted events, those counted with the application's span of
   * the same call, stored before (see `reportMatching`).
   */
  merged: number;
  /** Rows that could not be mapped; they are logged and passed over. */
  rejected: number;
  /** The window asked for, `[from, to]`, ISO 8601; null when there was none. */
  window: { from: string; to: string } | null;
}

const SECOND_MS = 1000;

/** The cursor and the latest start time seen so far in a run. */
interface PullState {
  cursor: LiteLlmPullCursor;
  lastSeenStartTimeMs: number;
}

function floorToSecond(epochMs: number): number {
  return Math.floor(epochMs / SECOND_MS) * SECOND_MS;
}

function rowId(row: unknown): string | null {
  const id = (row as Record<string, unknown> | null)?.request_id;
  return typeof id === 'string' && id.trim() !== '' ? id : null;
}

/** Start time of a row, or null when it has none (the row is rejected). */
function rowStartTimeMs(row: unknown): number | null {
  try {
    return parseSpendLogTimeMs(
      (row as Record<string, unknown> | null)?.startTime,
      'startTime',
    );
  } catch {
    return null;
  }
}

/**
 * Pulls LiteLLM spend logs page by page into the telemetry store.
 *
 * A run asks for the rows from the cursor's start time (or `initialLookbackMs`
 * ago on the first run) to `settleDelayMs` ago, sorted by `startTime`
 * ascending, and for every page: drops the rows the cursor has already
 * taken, maps, resolves and stores the rest (idempotent on
 * `(litellm, request_id)`), then saves the cursor. A failed page leaves the
 * cursor at the last committed page; a restarted backend continues from it.
 *
 * @internal
 */
export class LiteLlmSpendLogPull {
  private readonly pullId: string;
  private readonly client: LiteLlmSpendLogClient;
  private readonly cursorStore: DatabaseLiteLlmPullCursorStore;
  private readonly telemetryStore: TelemetryStore;
  private readonly entityResolver: TelemetryEntityResolver;
  private readonly logger: LoggerService;
  private readonly pageSize: number;
  private readonly initialLookbackMs: number;
  private readonly settleDelayMs: number;
  private readonly now: () => number;

  constructor(options: {
    /** Names the cursor, e.g. `litellm-spend-logs:<baseUrl>`. */
    pullId: string;
    client: LiteLlmSpendLogClient;
    cursorStore: DatabaseLiteLlmPullCursorStore;
    telemetryStore: TelemetryStore;
    entityResolver: TelemetryEntityResolver;
    logger: LoggerService;
    pageSize: number;
    initialLookbackMs: number;
    /**
     * Rows younger than this are left for the next run: LiteLLM writes spend
     * logs in batches after the call ended, so a row can appear after rows
     * that started later.
     */
    settleDelayMs: number;
    now?: () => number;
  }) {
    this.pullId = options.pullId;
    this.client = options.client;
    this.cursorStore = options.cursorStore;
    this.telemetryStore = options.telemetryStore;
    this.entityResolver = options.entityResolver;
    this.logger = options.logger;
    this.pageSize = options.pageSize;
    this.initialLookbackMs = options.initialLookbackMs;
    this.settleDelayMs = options.settleDelayMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * Pulls every page of the current window.
   *
   * @throws the first page error, after committing the pages before it
   */
  async run(signal?: AbortSignal): Promise<LiteLlmSpendLogPullResult> {
    const stored = await this.cursorStore.getCursor(this.pullId);
    const nowMs = this.now();
    const fromMs = floorToSecond(
      stored ? stored.lastStartTimeMs : nowMs - this.initialLookbackMs,
    );
    const toMs = floorToSecond(nowMs - this.settleDelayMs);
    const result: LiteLlmSpendLogPullResult = {
      pages: 0,
      newRows: 0,
      inserted: 0,
      duplicates: 0,
      merged: 0,
      rejected: 0,
      window: null,
    };
    if (toMs < fromMs) {
      return result;
    }
    result.window = {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
    };

    const state: PullState = {
      cursor: stored ?? {
        lastStartTimeMs: Number.NEGATIVE_INFINITY,
        idsAtLastStartTime: [],
      },
      lastSeenStartTimeMs: Number.NEGATIVE_INFINITY,
    };
    for (let page = 1; ; page++) {
      if (signal?.aborted) {
        break;
      }
      const { rows, totalPages } = await this.client.fetchPage({
        fromMs,
        toMs,
        page,
        pageSize: this.pageSize,
        signal,
      });
      await this.commitPage(page, rows, state, result);
      result.pages += 1;
      if (rows.length === 0 || page >= totalPages) {
        break;
      }
    }
    return result;
  }

  /** Stores the new rows of one page, then saves the cursor. */
  private async commitPage(
    page: number,
    rows: unknown[],
    state: PullState,
    result: LiteLlmSpendLogPullResult,
  ): Promise<void> {
    const { cursor } = state;
    const takenAtCursor = new Set(cursor.idsAtLastStartTime);
    let previousMs = state.lastSeenStartTimeMs;
    const newRows: unknown[] = [];
    const next: LiteLlmPullCursor = {
      lastStartTimeMs: cursor.lastStartTimeMs,
      idsAtLastStartTime: [...cursor.idsAtLastStartTime],
    };
    for (const row of rows) {
      const startMs = rowStartTimeMs(row);
      const id = rowId(row);
      if (startMs === null || id === null) {
        newRows.push(row); // rejected with a reason by the mapping
        continue;
      }
      if (startMs < previousMs) {
        throw new Error(
          `LiteLLM spend-log page ${page} is not sorted by startTime ascending (row '${id}' at ${new Date(
            startMs,
          ).toISOString()} after ${new Date(
            previousMs,
          ).toISOString()}); nothing of this page was stored`,
        );
      }
      previousMs = Math.max(previousMs, startMs);
      if (
        startMs < cursor.lastStartTimeMs ||
        (startMs === cursor.lastStartTimeMs && takenAtCursor.has(id))
      ) {
        continue; // taken by an earlier page or run
      }
      newRows.push(row);
      if (startMs > next.lastStartTimeMs) {
        next.lastStartTimeMs = startMs;
        next.idsAtLastStartTime = [id];
      } else if (!next.idsAtLastStartTime.includes(id)) {
        next.idsAtLastStartTime.push(id);
      }
    }

    const { events, rejected } = mapLiteLlmSpendLogRows(newRows);
    if (events.length > 0) {
      const resolved = await this.entityResolver.resolve(events);
      const {
        inserted,
        duplicates,
        merged = 0,
      } = await this.telemetryStore.insertEvents(resolved);
      result.inserted += inserted;
      result.duplicates += duplicates;
      result.merged += merged;
    }
    for (const item of rejected) {
      this.logger.warn(
        `LiteLLM spend-log row ${item.index} of page ${page} was not stored: ${item.message}`,
      );
    }
    result.newRows += newRows.length;
    result.rejected += rejected.length;
    if (
      next.lastStartTimeMs !== cursor.lastStartTimeMs ||
      next.idsAtLastStartTime.length !== cursor.idsAtLastStartTime.length
    ) {
      await this.cursorStore.saveCursor(this.pullId, next);
    }
    state.cursor = next;
    state.lastSeenStartTimeMs = previousMs;
  }
}
