import {
  AGENT_KIND,
  AiPlatformConfig,
  EndpointCostBasis,
  EntityCost,
  GpuHoursSource,
  MODEL_ENDPOINT_KIND,
  UnitCost,
} from '@ai-platform/plugin-ai-platform-common';
import { Entity } from '@backstage/catalog-model';
import {
  AgentEndpointHour,
  SubjectHourTokens,
  SubjectUsageTotals,
  TelemetryFleetQueries,
} from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import {
  GpuFleetTelemetry,
  GpuHourlyReading,
  GpuMeasurement,
} from '../domain/gpuTelemetry';
import { asRecord, asString, entityRefOf } from '../fleet/catalogEntityFields';
import {
  agentCostWithGpuShare,
  EndpointHourlyGpuCost,
  prometheusHourlyGpuCost,
  specEstimateHourlyGpuCost,
} from './agentGpuShare';
import {
  roundTo,
  SATURATION_WINDOW,
  selfHostedCostOf,
  UTILISATION_WINDOW,
} from './selfHostedCost';
import { utcMonthOf } from './specEstimate';

/**
 * The cost of one entity with what the scorecard checks need besides the
 * wire shape.
 *
 * @internal
 */
export interface EntityCostDetail {
  cost: EntityCost;
  /** Self-hosted endpoints: where the GPU-hours came from or were asked. */
  gpuHoursSource: GpuHoursSource | null;
  /** The GPU-hours source (Prometheus) could not answer; not a spec problem. */
  sourceFailed: boolean;
  /** The GPU readings, when the GPU telemetry applies to the entity. */
  measurement: GpuMeasurement | null;
}

/**
 * Options of {@link EntityCostService}.
 *
 * @internal
 */
export interface EntityCostServiceOptions {
  telemetryStore: TelemetryFleetQueries;
  /** `readAiPlatformConfig(...)`: GPU profiles and their prices. */
  platform: AiPlatformConfig;
  /**
   * GPU-hours, utilisation and saturation of self-hosted endpoints from the
   * clusters' Prometheus; without it (or for clusters it does not apply to)
   * GPU-hours are estimated from the spec.
   */
  gpuTelemetry?: GpuFleetTelemetry;
  /**
   * The catalog entities of model endpoints an agent called that are not
   * in the batch asked about (to know whether they are self-hosted and
   * their GPU cost); without it only the batch's endpoints are known, and
   * an agent's calls to the others keep the gateway's cost.
   */
  loadEndpoints?: (entityRefs: string[]) => Promise<Entity[]>;
}

/** `self-hosted`, `managed` or `null` (agents, endpoints without a mode). */
export function servingModeOf(entity: Entity): EntityCost['servingMode'] {
  if (entity.kind.toLocaleLowerCase('en-US') !== 'modelendpoint') {
    return null;
  }
  const mode = asRecord(asRecord(entity.spec).serving).mode;
  return mode === 'self-hosted' || mode === 'managed' ? mode : null;
}

/**
 * Cost per million output tokens and per 1,000 requests.
 *
 * @internal
 */
export function unitCostOf(
  costUsd: number,
  totals: SubjectUsageTotals | undefined,
  basis: EndpointCostBasis,
): UnitCost {
  const outputTokens = totals?.outputTokens ?? 0;
  const requests = totals?.requests ?? 0;
  return {
    perMillionOutputTokensUsd:
      outputTokens > 0 ? roundTo(costUsd / (outputTokens / 1e6), 4) : null,
    perThousandRequestsUsd:
      requests > 0 ? roundTo(costUsd / (requests / 1000), 4) : null,
    costUsd: roundTo(costUsd, 4),
    outputTokens,
    requests,
    basis,
  };
}

/**
 * The month-to-date (UTC) cost of ModelEndpoints and Agents: for a
 * self-hosted endpoint GPU-hours × price (GPU-hours from Prometheus when
 * the GPU telemetry applies to it, else estimated from the spec), for the
 * others the gateway's per-call cost; with unit cost, utilisation, idle
 * cost, saturation and right-sizing. One GPU telemetry call for the whole
 * batch.
 *
 * @internal
 */
export class EntityCostService {
  constructor(private readonly options: EntityCostServiceOptions) {}

  /** Whether GPU telemetry is configured at all. */
  get hasGpuTelemetry(): boolean {
    return this.options.gpuTelemetry !== undefined;
  }

  /**
   * Cost of each entity, keyed by lower case `kind:namespace/name`.
   *
   * @param options.usageTotals - the month-to-date totals per subject when
   * the caller has read them already
   */
  async costOf(
    entities: Entity[],
    options: { now: Date; usageTotals?: Map<string, SubjectUsageTotals> },
  ): Promise<Map<string, EntityCostDetail>> {
    const { now } = options;
    const month = utcMonthOf(now);
    const costed = entities.filter(entity =>
      [MODEL_ENDPOINT_KIND, AGENT_KIND].includes(entity.kind),
    );
    const refs = costed.map(entityRefOf);
    const usageTotals =
      options.usageTotals ??
      (await this.options.telemetryStore.getUsageTotalsBySubject({
        subjects: refs.map(ref => entitySubject(ref)),
        from: month.start,
        to: now,
      }));
    const measurements = await this.measure(
      costed.filter(entity => servingModeOf(entity) === 'self-hosted'),
      now,
    );

    const agentCosts = await this.agentCosts(
      costed.filter(entity => entity.kind === AGENT_KIND),
      costed,
      usageTotals,
      now,
    );

    const result = new Map<string, EntityCostDetail>();
    costed.forEach((entity, index) => {
      const entityRef = refs[index];
      const totals = usageTotals.get(entitySubject(entityRef));
      const servingMode = servingModeOf(entity);
      const common = {
        entityRef,
        kind: entity.kind,
        title: entity.metadata.title ?? entity.metadata.name,
        type:
          entity.kind === MODEL_ENDPOINT_KIND
            ? asString(asRecord(entity.spec).type) ?? null
            : null,
        servingMode,
      };
      const agentCost = agentCosts.get(entityRef);
      if (agentCost && 'unavailable' in agentCost) {
        result.set(entityRef, {
          cost: {
            ...common,
            costUsd: null,
            basis: 'unavailable',
            unavailableReason: agentCost.unavailable,
            gpu: null,
            unitCost: null,
            saturation: null,
            rightSizing: [],
            gpuShare: agentCost.gpuShare,
          },
          gpuHoursSource: null,
          sourceFailed: agentCost.sourceFailed,
          measurement: null,
        });
        return;
      }
      if (agentCost) {
        result.set(entityRef, {
          cost: {
            ...common,
            costUsd: agentCost.costUsd,
            basis: agentCost.basis,
            unavailableReason: null,
            gpu: null,
            unitCost: unitCostOf(agentCost.costUsd, totals, agentCost.basis),
            saturation: null,
            rightSizing: [],
            gpuShare: agentCost.gpuShare,
          },
          gpuHoursSource: null,
          sourceFailed: false,
          measurement: null,
        });
        return;
      }
      if (servingMode !== 'self-hosted') {
        const costUsd = totals?.costUsd ?? 0;
        result.set(entityRef, {
          cost: {
            ...common,
            costUsd: roundTo(costUsd, 6),
            basis: 'gateway',
            unavailableReason: null,
            gpu: null,
            unitCost: unitCostOf(costUsd, totals, 'gateway'),
            saturation: null,
            rightSizing: [],
          },
          gpuHoursSource: null,
          sourceFailed: false,
          measurement: null,
        });
        return;
      }
      const measurement = measurements.get(entityRef);
      const parts = selfHostedCostOf({
        entity,
        platform: this.options.platform,
        now,
        measurement,
      });
      result.set(entityRef, {
        cost: {
          ...common,
          costUsd: parts.costUsd,
          basis: parts.basis,
          unavailableReason: parts.unavailableReason,
          gpu: parts.gpu,
          unitCost:
            parts.costUsd === null
              ? null
              : unitCostOf(parts.costUsd, totals, parts.basis),
          saturation: parts.saturation,
          rightSizing: parts.rightSizing,
        },
        gpuHoursSource: parts.gpuHoursSource,
        sourceFailed: parts.sourceFailed,
        measurement: measurement ?? null,
      });
    });
    return result;
  }

  /**
   * Each agent's cost with its share of the GPU cost of the self-hosted
   * endpoints it called, hour by hour (see `agentCostWithGpuShare`): one
   * read of the agents' calls per endpoint and hour, one of the endpoints'
   * tokens per hour, one GPU telemetry call for the hourly GPU-hours.
   */
  private async agentCosts(
    agents: Entity[],
    batch: Entity[],
    usageTotals: Map<string, SubjectUsageTotals>,
    now: Date,
  ): Promise<Map<string, ReturnType<typeof agentCostWithGpuShare>>> {
    const result = new Map<string, ReturnType<typeof agentCostWithGpuShare>>();
    if (agents.length === 0) {
      return result;
    }
    const { telemetryStore, platform, gpuTelemetry, loadEndpoints } =
      this.options;
    const month = utcMonthOf(now);
    const window = { from: month.start, to: now };
    const agentRefs = agents.map(entityRefOf);
    const hours = await telemetryStore.getAgentEndpointHours({
      agentEntityRefs: agentRefs,
      ...window,
    });

    // The endpoints called: from the batch, else from the catalog.
    const endpoints = new Map<string, Entity>();
    for (const entity of batch) {
      if (entity.kind === MODEL_ENDPOINT_KIND) {
        endpoints.set(entityRefOf(entity), entity);
      }
    }
    const missing = [...new Set(hours.map(hour => hour.endpointRef))].filter(
      ref => !endpoints.has(ref),
    );
    if (missing.length > 0 && loadEndpoints) {
      for (const entity of await loadEndpoints(missing)) {
        endpoints.set(entityRefOf(entity), entity);
      }
    }
    const selfHosted = [...new Set(hours.map(hour => hour.endpointRef))]
      .map(ref => endpoints.get(ref))
      .filter(
        (entity): entity is Entity =>
          entity !== undefined && servingModeOf(entity) === 'self-hosted',
      );

    const endpointCosts = new Map<string, EndpointHourlyGpuCost>();
    const measured = gpuTelemetry
      ? selfHosted.filter(entity => gpuTelemetry.appliesTo(entity))
      : [];
    let hourly = new Map<string, GpuHourlyReading>();
    if (gpuTelemetry?.gpuHoursByHour && measured.length > 0) {
      try {
        hourly = await gpuTelemetry.gpuHoursByHour(measured, window);
      } catch (error) {
        const reason = `GPU telemetry failed: ${
          error instanceof Error ? error.message : String(error)
        }`;
        for (const entity of measured) {
          hourly.set(entityRefOf(entity), {
            unavailable: reason,
            metric: 'gpu-telemetry',
          });
        }
      }
    }
    const measuredRefs = new Set(measured.map(entityRefOf));
    for (const entity of selfHosted) {
      const ref = entityRefOf(entity);
      endpointCosts.set(
        ref,
        measuredRefs.has(ref)
          ? prometheusHourlyGpuCost(entity, platform, hourly.get(ref))
          : specEstimateHourlyGpuCost(entity, platform, now),
      );
    }

    const tokensBySubject: Map<string, SubjectHourTokens[]> =
      selfHosted.length > 0
        ? await telemetryStore.getHourlyTokensBySubject({
            subjects: selfHosted.map(entity =>
              entitySubject(entityRefOf(entity)),
            ),
            ...window,
          })
        : new Map();
    const endpointTokens = new Map<string, Map<number, number>>();
    for (const entity of selfHosted) {
      const ref = entityRefOf(entity);
      endpointTokens.set(
        ref,
        new Map(
          (tokensBySubject.get(entitySubject(ref)) ?? []).map(hour => [
            hour.hourStartMs,
            hour.inputTokens + hour.outputTokens,
          ]),
        ),
      );
    }

    const hoursByAgent = new Map<string, AgentEndpointHour[]>();
    for (const hour of hours) {
      const list = hoursByAgent.get(hour.agentEntityRef) ?? [];
      list.push(hour);
      hoursByAgent.set(hour.agentEntityRef, list);
    }
    for (const agentRef of agentRefs) {
      result.set(
        agentRef,
        agentCostWithGpuShare({
          gatewayCostUsd:
            usageTotals.get(entitySubject(agentRef))?.costUsd ?? 0,
          hours: hoursByAgent.get(agentRef) ?? [],
          endpointCosts,
          endpointTokens,
        }),
      );
    }
    return result;
  }

  /**
   * The GPU readings of the self-hosted entities the telemetry applies to,
   * in one call; a telemetry that throws counts as unavailable for each.
   */
  private async measure(
    selfHosted: Entity[],
    now: Date,
  ): Promise<Map<string, GpuMeasurement>> {
    const { gpuTelemetry } = this.options;
    const measured = gpuTelemetry
      ? selfHosted.filter(entity => gpuTelemetry.appliesTo(entity))
      : [];
    if (!gpuTelemetry || measured.length === 0) {
      return new Map();
    }
    const since = (ms: number) => ({
      from: new Date(now.getTime() - ms),
      to: now,
    });
    const failedFor = (reason: string): GpuMeasurement => {
      const failed = { unavailable: reason, metric: 'gpu-telemetry' };
      return {
        gpuHours: failed,
        utilisationPercent: failed,
        kvCacheUsagePercent: failed,
        waitingRequests: failed,
        peakRunningRequests: failed,
      };
    };
    let readings: Map<string, GpuMeasurement>;
    try {
      readings = await gpuTelemetry.measure(measured, {
        allocationWindow: { from: utcMonthOf(now).start, to: now },
        utilisationWindow: since(UTILISATION_WINDOW.ms),
        saturationWindow: since(SATURATION_WINDOW.ms),
      });
    } catch (error) {
      readings = new Map();
      const reason = `GPU telemetry failed: ${
        error instanceof Error ? error.message : String(error)
      }`;
      for (const entity of measured) {
        readings.set(entityRefOf(entity), failedFor(reason));
      }
    }
    // Every entity the telemetry applies to is measured, never estimated.
    for (const entity of measured) {
      const entityRef = entityRefOf(entity);
      if (!readings.has(entityRef)) {
        readings.set(
          entityRef,
          failedFor('The GPU telemetry returned no readings for this endpoint'),
        );
      }
    }
    return readings;
  }
}
