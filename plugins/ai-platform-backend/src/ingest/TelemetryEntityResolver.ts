import {
  AGENT_KIND,
  ANNOTATION_GATEWAY_AGENT_ID,
  ANNOTATION_GATEWAY_MODEL,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryEvent } from '../database/TelemetryStore';
import {
  priceTelemetryEvent,
  TokenPricing,
  tokenPricingOf,
} from './tokenPricing';
import { UnresolvedTelemetryEvent } from './UnresolvedTelemetryEvent';

/**
 * Maps telemetry join keys to the catalog entities that declare them.
 *
 * @internal
 */
export interface TelemetryEntityResolver {
  /**
   * Attributes events to entities. Join keys no entity declares stay
   * unattributed (`entityRef` / `agentEntityRef` null).
   *
   * @throws ServiceUnavailableError when the catalog has never been read
   */
  resolve(events: UnresolvedTelemetryEvent[]): Promise<TelemetryEvent[]>;
  /**
   * The current join key index, e.g. to bind eval results to entities.
   *
   * @throws ServiceUnavailableError when the catalog has never been read
   */
  getJoinKeyIndex(): Promise<TelemetryJoinKeyIndex>;
}

/**
 * The join key index built from the catalog.
 *
 * @internal
 */
export interface TelemetryJoinKeyIndex {
  /** Gateway model alias to entity ref. */
  models: Map<string, string>;
  /** Gateway agent id to entity ref. */
  agents: Map<string, string>;
  /**
   * ModelEndpoint entity ref to its `spec.pricing` token prices, for the
   * endpoints that declare both per-million prices.
   */
  endpointPricing: Map<string, TokenPricing>;
}

function stringAt(value: unknown, ...path: string[]): string | null {
  let current: unknown = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) {
      return null;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current.trim() !== ''
    ? current.trim()
    : null;
}

/**
 * Builds the join key index: ModelEndpoint `spec.gateway.model` and Agent
 * `spec.gateway.agentId`, then the `aiplatform.io/gateway-model` and
 * `aiplatform.io/gateway-agent-id` annotations of other entities. When two
 * entities declare the same key, the kind's own spec field wins over an
 * annotation, then the alphabetically first entity ref; the conflict is
 * reported through `onConflict`.
 *
 * @internal
 */
export function buildJoinKeyIndex(
  entities: Entity[],
  onConflict: (
    kind: 'model' | 'agent',
    key: string,
    kept: string,
    ignored: string,
  ) => void = () => {},
): TelemetryJoinKeyIndex {
  type Claim = { key: string; ref: string; fromSpec: boolean };
  const modelClaims: Claim[] = [];
  const agentClaims: Claim[] = [];
  const endpointPricing = new Map<string, TokenPricing>();

  for (const entity of entities) {
    const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const kind = entity.kind.toLocaleLowerCase('en-US');
    const annotations = entity.metadata.annotations ?? {};
    if (kind === MODEL_ENDPOINT_KIND.toLocaleLowerCase('en-US')) {
      const key = stringAt(entity.spec, 'gateway', 'model');
      if (key) modelClaims.push({ key, ref, fromSpec: true });
      const pricing = tokenPricingOf(
        (entity.spec as Record<string, unknown> | undefined)?.pricing,
      );
      if (pricing) endpointPricing.set(ref, pricing);
    }
    if (kind === AGENT_KIND.toLocaleLowerCase('en-US')) {
      const key = stringAt(entity.spec, 'gateway', 'agentId');
      if (key) agentClaims.push({ key, ref, fromSpec: true });
    }
    const modelAnnotation = annotations[ANNOTATION_GATEWAY_MODEL]?.trim();
    if (modelAnnotation) {
      modelClaims.push({ key: modelAnnotation, ref, fromSpec: false });
    }
    const agentAnnotation = annotations[ANNOTATION_GATEWAY_AGENT_ID]?.trim();
    if (agentAnnotation) {
      agentClaims.push({ key: agentAnnotation, ref, fromSpec: false });
    }
  }

  const toMap = (claims: Claim[], kind: 'model' | 'agent') => {
    const sorted = [...claims].sort(
      (a, b) =>
        Number(b.fromSpec) - Number(a.fromSpec) || a.ref.localeCompare(b.ref),
    );
    const map = new Map<string, string>();
    for (const claim of sorted) {
      const kept = map.get(claim.key);
      if (kept === undefined) {
        map.set(claim.key, claim.ref);
      } else if (kept !== claim.ref) {
        onConflict(kind, claim.key, kept, claim.ref);
      }
    }
    return map;
  };

  return {
    models: toMap(modelClaims, 'model'),
    agents: toMap(agentClaims, 'agent'),
    endpointPricing,
  };
}

/**
 * Attributes events with a join key index and prices the ones without a
 * gateway-reported cost (see {@link priceTelemetryEvent}).
 *
 * @internal
 */
export function attributeEvents(
  events: UnresolvedTelemetryEvent[],
  index: TelemetryJoinKeyIndex,
  configPricing: Map<string, TokenPricing> = new Map(),
): TelemetryEvent[] {
  return events.map(event => {
    const { agentJoinKeyCandidates, agentMatchOnlyKeys = [], ...rest } = event;
    let agentJoinKey: string | null = null;
    let agentEntityRef: string | null = null;
    for (const key of [...agentJoinKeyCandidates, ...agentMatchOnlyKeys]) {
      const ref = index.agents.get(key);
      if (ref) {
        agentJoinKey = key;
        agentEntityRef = ref;
        break;
      }
    }
    if (!agentJoinKey && agentJoinKeyCandidates.length > 0) {
      agentJoinKey = agentJoinKeyCandidates[0];
    }
    const entityRef = index.models.get(event.joinKey) ?? null;
    const { costUsd, costSource } = priceTelemetryEvent(
      event,
      entityRef ? index.endpointPricing.get(entityRef) : undefined,
      configPricing,
    );
    return {
      ...rest,
      entityRef,
      agentJoinKey,
      agentEntityRef,
      costUsd,
      costSource,
    };
  });
}

/**
 * A {@link TelemetryEntityResolver} that reads the join keys from the
 * catalog with the plugin's own service credentials and keeps them for
 * `refreshIntervalMs`, so catalog changes are picked up within that time.
 * When a refresh fails the previous index is kept (and the failure logged);
 * only when the catalog was never read does resolution fail.
 *
 * @internal
 */
export class CatalogTelemetryEntityResolver implements TelemetryEntityResolver {
  private index: TelemetryJoinKeyIndex | undefined;
  private loadedAtMs = 0;
  private loading: Promise<TelemetryJoinKeyIndex> | undefined;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      refreshIntervalMs: number;
      /** `aiPlatform.pricing.models`: model or alias to token prices. */
      configPricing?: Map<string, TokenPricing>;
      now?: () => number;
    },
  ) {}

  async resolve(events: UnresolvedTelemetryEvent[]): Promise<TelemetryEvent[]> {
    if (events.length === 0) {
      return [];
    }
    return attributeEvents(
      events,
      await this.getIndex(),
      this.options.configPricing,
    );
  }

  async getJoinKeyIndex(): Promise<TelemetryJoinKeyIndex> {
    return this.getIndex();
  }

  private now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  private async getIndex(): Promise<TelemetryJoinKeyIndex> {
    const fresh =
      this.index &&
      this.now() - this.loadedAtMs < this.options.refreshIntervalMs;
    if (fresh && this.index) {
      return this.index;
    }
    if (!this.loading) {
      this.loading = this.load().finally(() => {
        this.loading = undefined;
      });
    }
    try {
      return await this.loading;
    } catch (error) {
      if (this.index) {
        this.options.logger.warn(
          `Could not refresh telemetry join keys from the catalog, using the ones read ${Math.round(
            (this.now() - this.loadedAtMs) / 1000,
          )} s ago`,
          error as Error,
        );
        return this.index;
      }
      throw new ServiceUnavailableError(
        'Cannot attribute telemetry: the catalog could not be read',
        error,
      );
    }
  }

  private async load(): Promise<TelemetryJoinKeyIndex> {
    const { catalog, auth, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      {
        filter: [
          { kind: MODEL_ENDPOINT_KIND },
          { kind: AGENT_KIND },
          {
            [`metadata.annotations.${ANNOTATION_GATEWAY_MODEL}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${ANNOTATION_GATEWAY_AGENT_ID}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
          'spec.gateway',
          'spec.pricing',
        ],
      },
      { credentials },
    );
    const index = buildJoinKeyIndex(items, (kind, key, kept, ignored) =>
      logger.warn(
        `Telemetry ${kind} join key '${key}' is declared by both ${kept} and ${ignored}; attributing it to ${kept}`,
      ),
    );
    this.index = index;
    this.loadedAtMs = this.now();
    return index;
  }
}
