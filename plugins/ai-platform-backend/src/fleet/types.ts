import type {
  FleetEntitySummary,
  GoldenPathEntity,
} from '@ai-platform/plugin-ai-platform-common';

/**
 * One ModelEndpoint or Agent row of the fleet table: the wire type with
 * every field this backend sends (older backends left the cost fields out).
 */
export type FleetEntity = Required<FleetEntitySummary>;

/** One golden-path entity: what a template created and when it first served. */
export type { GoldenPathEntity };
