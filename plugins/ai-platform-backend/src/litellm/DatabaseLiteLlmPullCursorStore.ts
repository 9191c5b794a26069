import { Knex } from 'knex';

const CURSORS_TABLE = 'ai_platform_pull_cursors';

/**
 * Where a spend-log pull stopped: the start time of the latest row taken and
 * the ids of every row taken at exactly that time. The next pull asks from
 * that time on again and skips those ids, so rows sharing the last start time
 * are neither skipped nor repeated.
 *
 * @internal
 */
export interface LiteLlmPullCursor {
  /** Start time (epoch ms) of the latest row taken. */
  lastStartTimeMs: number;
  /** `request_id`s of the rows taken whose start time is `lastStartTimeMs`. */
  idsAtLastStartTime: string[];
}

/**
 * Persists {@link LiteLlmPullCursor}s in `ai_platform_pull_cursors` (migration
 * `20261123170000_litellm_pull_cursor`, run by `DatabaseTelemetryStore.create`).
 *
 * @internal
 */
export class DatabaseLiteLlmPullCursorStore {
  constructor(private readonly db: Knex) {}

  /** The cursor of a pull, or `undefined` before its first committed page. */
  async getCursor(pullId: string): Promise<LiteLlmPullCursor | undefined> {
    const row = await this.db(CURSORS_TABLE)
      .where({ pull_id: pullId })
      .first<Record<string, unknown> | undefined>();
    if (!row) {
      return undefined;
    }
    const ids: unknown = JSON.parse(String(row.ids_at_last_start_time));
    return {
      lastStartTimeMs: Number(row.last_start_time),
      idsAtLastStartTime: Array.isArray(ids) ? ids.map(String) : [],
    };
  }

  /** Replaces the cursor of a pull. */
  async saveCursor(pullId: string, cursor: LiteLlmPullCursor): Promise<void> {
    await this.db(CURSORS_TABLE)
      .insert({
        pull_id: pullId,
        last_start_time: cursor.lastStartTimeMs,
        ids_at_last_start_time: JSON.stringify(cursor.idsAtLastStartTime),
        updated_at: Date.now(),
      })
      .onConflict('pull_id')
      .merge();
  }
}
