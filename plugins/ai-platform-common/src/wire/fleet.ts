/**
 * Wire types of the `retired` section of `GET /fleet/summary`: entities the
 * telemetry store still holds history of that have left the catalog (a
 * ModelEndpoint decommissioned by `ai-platform:endpoint:change`, a deleted
 * Agent). Defined once here; the backend builds them (`satisfies`) and the
 * frontend client reads them.
 */

/**
 * One entity with stored telemetry that the catalog no longer has.
 *
 * @public
 */
export type RetiredFleetEntity = {
  /** Lower case `kind:namespace/name`, as the telemetry was attributed. */
  entityRef: string;
  kind: 'ModelEndpoint' | 'Agent';
  /** The latest call, ISO 8601 (see `lastCallPrecision`). */
  lastCallAt: string;
  /**
   * `event`: the time of the latest stored call. `hour`: retention deleted
   * the raw calls of that hour; `lastCallAt` is the start of the hour.
   */
  lastCallPrecision: 'event' | 'hour';
  /** Calls this month (UTC) to date, from the hourly rollups; 0 when none. */
  requestsMtd: number;
  inputTokensMtd: number;
  outputTokensMtd: number;
  /**
   * What the gateway (or, when it reported none, a token price) put on this
   * month's calls. Not the entity's cost when it was a self-hosted
   * endpoint: its GPU cost needs its spec, which left with it, so none is
   * given (see `FleetRetiredEntities.costBasis`).
   */
  gatewayPriceMtdUsd: number;
};

/**
 * The `retired` section of `GET /fleet/summary`.
 *
 * @public
 */
export type FleetRetiredEntities = {
  /**
   * `false` unless the user's `ai-platform.telemetry.read` decision is an
   * unconditional ALLOW: a conditional decision cannot be resolved against
   * an entity the catalog no longer has. `items` is then empty.
   */
  allowed: boolean;
  /** Retired ModelEndpoints (all, not only the listed ones). */
  modelEndpointCount: number;
  /** Retired Agents (all, not only the listed ones). */
  agentCount: number;
  /** The `limit` most recently called, latest first. */
  items: RetiredFleetEntity[];
  limit: number;
  /** One sentence on how to read `gatewayPriceMtdUsd`. */
  costBasis: string;
};
