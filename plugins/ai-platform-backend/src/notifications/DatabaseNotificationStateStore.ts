import { Knex } from 'knex';

const TABLE = 'ai_platform_notification_state';

/**
 * What the owners were last told about one scorecard check.
 *
 * @internal
 */
export interface NotifiedCheckState {
  entityRef: string;
  checkId: string;
  notifiedStatus: 'fail' | 'recovered';
  notifiedAt: Date;
}

/**
 * Where the last notification of each scorecard check is kept.
 *
 * @internal
 */
export interface NotificationStateStore {
  /** The states of the checks of these entities, keyed `entityRef#checkId`. */
  getStates(entityRefs: string[]): Promise<Map<string, NotifiedCheckState>>;
  /** Records a notification sent (replaces the previous state of the check). */
  recordNotified(state: NotifiedCheckState): Promise<void>;
}

/**
 * Key of a check in {@link NotificationStateStore.getStates}.
 *
 * @internal
 */
export function notifiedCheckKey(entityRef: string, checkId: string): string {
  return `${entityRef}#${checkId}`;
}

/**
 * Knex implementation of {@link NotificationStateStore} (SQLite and
 * PostgreSQL); the table comes with the plugin's migrations.
 *
 * @internal
 */
export class DatabaseNotificationStateStore implements NotificationStateStore {
  constructor(private readonly db: Knex) {}

  async getStates(
    entityRefs: string[],
  ): Promise<Map<string, NotifiedCheckState>> {
    const states = new Map<string, NotifiedCheckState>();
    // Chunks keep the IN list under SQLite's bound-parameter limit.
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows = await this.db(TABLE)
        .whereIn('entity_ref', entityRefs.slice(i, i + 500))
        .select('entity_ref', 'check_id', 'notified_status', 'notified_at');
      for (const row of rows) {
        states.set(notifiedCheckKey(row.entity_ref, row.check_id), {
          entityRef: row.entity_ref,
          checkId: row.check_id,
          notifiedStatus: row.notified_status,
          notifiedAt: new Date(Number(row.notified_at)),
        });
      }
    }
    return states;
  }

  async recordNotified(state: NotifiedCheckState): Promise<void> {
    await this.db(TABLE)
      .insert({
        entity_ref: state.entityRef,
        check_id: state.checkId,
        notified_status: state.notifiedStatus,
        notified_at: state.notifiedAt.getTime(),
      })
      .onConflict(['entity_ref', 'check_id'])
      .merge(['notified_status', 'notified_at']);
  }
}
