import { Knex } from 'knex';
import {
  compareStrings,
  EVENTS_TABLE,
  hourStartOf,
  isPostgres,
  ROLLUPS_TABLE,
} from './telemetryTables';

/**
 * The latest telemetry of an entity that the store still holds.
 *
 * @internal
 */
export interface LastTelemetry {
  /** When the latest call happened (`event`) or the start of its hour (`hour`). */
  lastSeenAt: Date;
  /**
   * `event`: the time of the latest raw event. `hour`: retention deleted
   * the raw events of that hour, so only the hour of the latest rollup is
   * known.
   */
  precision: 'event' | 'hour';
}

/**
 * An entity the hourly rollups hold telemetry of, whether or not the
 * catalog still has it.
 *
 * @internal
 */
export interface EntityTelemetryLastSeen {
  /** Lower case `kind:namespace/name`. */
  entityRef: string;
  /** Start of the latest hour with traffic. */
  lastHourStart: Date;
}

/** Prefix of entity subjects, see `entitySubject`. */
const ENTITY_SUBJECT_PREFIX = 'entity:';

/** Lower-case entity kinds: letters, digits and dashes only (no LIKE wildcards). */
const KIND_PATTERN = /^[a-z0-9-]+$/;

function toNumber(value: unknown): number {
  if (value === null || value === undefined) {
    return 0;
  }
  return Number(value);
}

/**
 * Every entity of the given kinds that the hourly rollups hold telemetry of,
 * whatever the catalog says now, with the start of its latest hour with
 * traffic. Every stored attributed call is counted in the rollups in the
 * same transaction, and retention keeps the rollups after it deletes the
 * raw events, so this is the full list.
 *
 * Reads the rollups' primary key (subject, hour_start). Ordered by entity
 * ref in byte order on both databases.
 */
export async function listEntityTelemetryLastSeen(
  db: Knex,
  options: { kinds: string[] },
): Promise<EntityTelemetryLastSeen[]> {
  const kinds = [
    ...new Set(options.kinds.map(kind => kind.toLocaleLowerCase('en-US'))),
  ].filter(kind => KIND_PATTERN.test(kind));
  if (kinds.length === 0) {
    return [];
  }
  const subjectOrder = isPostgres(db)
    ? 'subject COLLATE "C" ASC'
    : 'subject ASC';
  const rows = await db(ROLLUPS_TABLE)
    .where(builder => {
      for (const kind of kinds) {
        builder.orWhere('subject', 'like', `${ENTITY_SUBJECT_PREFIX}${kind}:%`);
      }
    })
    .andWhere('requests', '>', 0)
    .groupBy('subject')
    .select<Array<Record<string, unknown>>>(
      'subject',
      db.raw('MAX(hour_start) as last_hour_start'),
    )
    .orderByRaw(subjectOrder);
  return (
    rows
      .map(row => ({
        entityRef: String(row.subject).slice(ENTITY_SUBJECT_PREFIX.length),
        lastHourStart: new Date(toNumber(row.last_hour_start)),
      }))
      // SQLite's LIKE ignores ASCII case; the subjects are stored lower case.
      .filter(row => kinds.some(kind => row.entityRef.startsWith(`${kind}:`)))
      .sort((a, b) => compareStrings(a.entityRef, b.entityRef))
  );
}

/**
 * The latest call of each entity (lower-case refs): the time of its latest
 * raw event (as endpoint or as agent; a second report of a call counts
 * with its first), or the start of its latest rollup hour when retention
 * deleted that hour's events. Entities without any telemetry are absent.
 */
export async function getLastTelemetryByEntityRef(
  db: Knex,
  entityRefs: string[],
): Promise<Map<string, LastTelemetry>> {
  const result = new Map<string, LastTelemetry>();
  for (const entityRef of [...new Set(entityRefs)]) {
    // One ref per query and no GROUP BY, like the first-telemetry read: both
    // databases read MAX from the (ref, occurred_at) indexes in one step.
    const [hourRow] = await db(ROLLUPS_TABLE)
      .where('subject', `${ENTITY_SUBJECT_PREFIX}${entityRef}`)
      .andWhere('requests', '>', 0)
      .select<Array<Record<string, unknown>>>(
        db.raw('MAX(hour_start) as last_hour_start'),
      );
    if (
      hourRow?.last_hour_start === null ||
      hourRow?.last_hour_start === undefined
    ) {
      continue;
    }
    const lastHourStart = toNumber(hourRow.last_hour_start);
    let lastEvent: number | undefined;
    for (const column of ['entity_ref', 'agent_entity_ref'] as const) {
      const [row] = await db(EVENTS_TABLE)
        .where(column, entityRef)
        .whereNull('merged_into_event_id')
        .select<Array<Record<string, unknown>>>(
          db.raw('MAX(occurred_at) as last_occurred_at'),
        );
      if (
        row?.last_occurred_at !== null &&
        row?.last_occurred_at !== undefined
      ) {
        const occurredAt = toNumber(row.last_occurred_at);
        lastEvent =
          lastEvent === undefined
            ? occurredAt
            : Math.max(lastEvent, occurredAt);
      }
    }
    result.set(
      entityRef,
      lastEvent !== undefined && hourStartOf(lastEvent) === lastHourStart
        ? { lastSeenAt: new Date(lastEvent), precision: 'event' }
        : { lastSeenAt: new Date(lastHourStart), precision: 'hour' },
    );
  }
  return result;
}
