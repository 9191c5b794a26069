import {
  AGENT_KIND,
  FleetRetiredEntities,
  MODEL_ENDPOINT_KIND,
  RetiredFleetEntity,
} from '@ai-platform/plugin-ai-platform-common';
import { TelemetryFleetQueries } from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';

/**
 * Retired entities listed by `GET /fleet/summary`, most recently called
 * first; the counts cover all of them.
 *
 * @internal
 */
export const FLEET_RETIRED_LIMIT = 50;

/**
 * How `gatewayPriceMtdUsd` of a retired entity is to be read.
 *
 * @internal
 */
export const RETIRED_COST_BASIS =
  'Requests and tokens come from the stored hourly rollups. The gateway price is what the gateway (or a token price) put on the calls: it is not GPU cost, and a retired self-hosted endpoint has no GPU cost here because its spec left the catalog with it.';

const KIND_BY_LOWER_CASE: Record<string, RetiredFleetEntity['kind']> = {
  [MODEL_ENDPOINT_KIND.toLocaleLowerCase('en-US')]: MODEL_ENDPOINT_KIND,
  [AGENT_KIND.toLocaleLowerCase('en-US')]: AGENT_KIND,
};

/**
 * Options of {@link retiredEntities}.
 *
 * @internal
 */
export interface RetiredEntitiesOptions {
  telemetryStore: TelemetryFleetQueries;
  /**
   * Whether the user's `ai-platform.telemetry.read` decision is an
   * unconditional ALLOW; nothing is read otherwise.
   */
  allowed: boolean;
  /** Lower-case refs of the fleet entities the user sees in the catalog. */
  knownEntityRefs: ReadonlySet<string>;
  /**
   * Lower-case refs of every ModelEndpoint and Agent in the catalog, read
   * with the plugin's own credentials so that an entity the user may not see
   * is not taken for a retired one. Only called when the store holds
   * telemetry of entities outside `knownEntityRefs`.
   */
  loadCatalogEntityRefs: () => Promise<ReadonlySet<string>>;
  monthToDate: { from: Date; to: Date };
  limit?: number;
}

/**
 * The ModelEndpoints and Agents the telemetry store holds history of that
 * are no longer in the catalog (decommissioned endpoints, deleted agents),
 * with their latest call and this month's requests.
 *
 * @remarks
 * A retired entity is not in the catalog, so a conditional
 * `ai-platform.telemetry.read` decision (e.g. "owned by the user") cannot be
 * resolved against it: like unattributed telemetry, retired entities are
 * only listed for an unconditional ALLOW (`allowed`).
 *
 * @internal
 */
export async function retiredEntities(
  options: RetiredEntitiesOptions,
): Promise<FleetRetiredEntities> {
  const limit = options.limit ?? FLEET_RETIRED_LIMIT;
  const none: FleetRetiredEntities = {
    allowed: options.allowed,
    modelEndpointCount: 0,
    agentCount: 0,
    items: [],
    limit,
    costBasis: RETIRED_COST_BASIS,
  };
  if (!options.allowed) {
    return none;
  }
  const { telemetryStore } = options;
  const stored = (
    await telemetryStore.listEntityTelemetryLastSeen({
      kinds: [MODEL_ENDPOINT_KIND, AGENT_KIND],
    })
  ).filter(item => !options.knownEntityRefs.has(item.entityRef));
  if (stored.length === 0) {
    return none;
  }
  const inCatalog = await options.loadCatalogEntityRefs();
  const retired = stored
    .filter(item => !inCatalog.has(item.entityRef))
    .map(item => ({
      ...item,
      kind: KIND_BY_LOWER_CASE[item.entityRef.split(':')[0]],
    }))
    .filter(item => item.kind !== undefined);
  if (retired.length === 0) {
    return none;
  }

  // Latest hour first, then by ref; the exact times only for the listed ones.
  const listed = [...retired]
    .sort(
      (a, b) =>
        b.lastHourStart.getTime() - a.lastHourStart.getTime() ||
        (a.entityRef < b.entityRef ? -1 : 1),
    )
    .slice(0, limit);
  const [lastTelemetry, usage] = await Promise.all([
    telemetryStore.getLastTelemetryByEntityRef(
      listed.map(item => item.entityRef),
    ),
    telemetryStore.getUsageTotalsBySubject({
      subjects: listed.map(item => entitySubject(item.entityRef)),
      ...options.monthToDate,
    }),
  ]);

  const items: RetiredFleetEntity[] = listed
    .map(item => {
      const last = lastTelemetry.get(item.entityRef);
      const totals = usage.get(entitySubject(item.entityRef));
      return {
        entityRef: item.entityRef,
        kind: item.kind,
        lastCallAt: (last?.lastSeenAt ?? item.lastHourStart).toISOString(),
        lastCallPrecision: last?.precision ?? 'hour',
        requestsMtd: totals?.requests ?? 0,
        inputTokensMtd: totals?.inputTokens ?? 0,
        outputTokensMtd: totals?.outputTokens ?? 0,
        gatewayPriceMtdUsd: totals?.costUsd ?? 0,
      } satisfies RetiredFleetEntity;
    })
    .sort(
      (a, b) =>
        b.lastCallAt.localeCompare(a.lastCallAt) ||
        (a.entityRef < b.entityRef ? -1 : 1),
    );

  return {
    ...none,
    modelEndpointCount: retired.filter(
      item => item.kind === MODEL_ENDPOINT_KIND,
    ).length,
    agentCount: retired.filter(item => item.kind === AGENT_KIND).length,
    items,
  };
}
