import { Knex } from 'knex';

/**
 * Which rows a retention deletion may touch, by the entity they are
 * attributed to: only those of `onlyEntityRefs`, or all but those of
 * `exceptEntityRefs` (rows without an entity included). Refs are lower case.
 *
 * @internal
 */
export interface RetentionScope {
  onlyEntityRefs?: string[];
  exceptEntityRefs?: string[];
}

/** Adds the scope's condition on `column` to a delete query. */
export function whereInRetentionScope(
  query: Knex.QueryBuilder,
  column: string,
  scope: RetentionScope | undefined,
): Knex.QueryBuilder {
  if (scope?.onlyEntityRefs) {
    return query.whereIn(column, scope.onlyEntityRefs);
  }
  if (scope?.exceptEntityRefs && scope.exceptEntityRefs.length > 0) {
    const except = scope.exceptEntityRefs;
    return query.where(inner =>
      inner.whereNull(column).orWhereNotIn(column, except),
    );
  }
  return query;
}
