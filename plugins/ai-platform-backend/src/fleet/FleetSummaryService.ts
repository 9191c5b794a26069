import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
  FleetSummary,
} from '@ai-platform/plugin-ai-platform-common';
import {
  AuthService,
  BackstageCredentials,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { EntityCostService, servingModeOf } from '../cost/EntityCostService';
import {
  TelemetryFleetQueries,
  TelemetryStore,
  UnattributedOrder,
} from '../database/TelemetryStore';
import { entitySubject } from '../database/telemetrySubject';
import {
  ScorecardCheckResult,
  ScorecardResultStore,
} from '../scorecards/types';
import {
  asString,
  entityRefOf,
  ownerOf,
  parseTime,
} from './catalogEntityFields';
import {
  ANNOTATION_GITOPS_COMMIT_TIME,
  ANNOTATION_GITOPS_CREATED_TIME,
  ANNOTATION_SOURCE_TEMPLATE,
  createdAtSourceOf,
  isoWeekStart,
  median,
} from './goldenPaths';
import { fleetGpuCost, fleetRowCost, spendByTeam } from './fleetCost';
import { GpuConfig, gpuAllocation, readGpuConfig } from './gpuAllocation';
import { retiredEntities } from './retiredEntities';
import { FleetEntity, GoldenPathEntity } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Days of unattributed telemetry listed by `GET /fleet/summary`.
 *
 * @internal
 */
export const FLEET_UNATTRIBUTED_WINDOW_DAYS = 7;

function weakestEvalCheck(checks: ScorecardCheckResult[]) {
  return checks
    .filter(check => check.checkId.startsWith('eval:') && check.value !== null)
    .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
}

/**
 * Options of {@link FleetSummaryService}.
 *
 * @internal
 */
export interface FleetSummaryServiceOptions {
  access: TelemetryReadAccess;
  catalog: CatalogService;
  config: RootConfigService;
  telemetryStore: TelemetryStore & TelemetryFleetQueries;
  resultStore: ScorecardResultStore;
  /** The month-to-date cost of the fleet's entities (GPU cost when self-hosted). */
  costService: EntityCostService;
  /**
   * The plugin's own credentials, to tell a retired entity (no longer in
   * the catalog) from one the user may not see. Without it the catalog is
   * read with the user's credentials for that check too.
   */
  auth?: AuthService;
  /**
   * The clock: every "now" of the summary (the month to date, the
   * unattributed window, `generatedAt`) is read from it. Defaults to the
   * system time; tests set it.
   */
  now?: () => Date;
}

/**
 * The page of unattributed telemetry the summary lists.
 *
 * @internal
 */
export interface FleetUnattributedPage {
  limit: number;
  offset: number;
  orderBy: UnattributedOrder;
}

/**
 * Computes the data of the AI Platform page: the fleet table, spend by team,
 * golden-path adoption, time to first inference, GPU allocation,
 * unattributed telemetry and retired entities.
 *
 * @remarks
 * The catalog is read with the user's credentials, so catalog permissions
 * apply; telemetry numbers are only given for entities the user may read with
 * `ai-platform.telemetry.read` (one batch authorization).
 *
 * @internal
 */
export class FleetSummaryService {
  private readonly access: TelemetryReadAccess;
  private readonly gpuConfig: GpuConfig;
  private readonly now: () => Date;

  constructor(private readonly options: FleetSummaryServiceOptions) {
    this.access = options.access;
    this.gpuConfig = readGpuConfig(options.config);
    this.now = options.now ?? (() => new Date());
  }

  /** The whole `GET /fleet/summary` response for one user. */
  async getSummary(
    credentials: BackstageCredentials,
    unattributedPage: FleetUnattributedPage,
  ): Promise<FleetSummary> {
    const generatedAt = this.now();
    const unattributedWindow = {
      from: new Date(
        generatedAt.getTime() - FLEET_UNATTRIBUTED_WINDOW_DAYS * DAY_MS,
      ),
      to: generatedAt,
    };
    const monthStart = new Date(
      Date.UTC(generatedAt.getUTCFullYear(), generatedAt.getUTCMonth(), 1),
    );

    const [fleetResponse, goldenPathResponse] = await Promise.all([
      this.options.catalog.getEntities(
        {
          filter: { kind: [MODEL_ENDPOINT_KIND, AGENT_KIND] },
          fields: ['kind', 'metadata', 'spec', 'relations'],
        },
        { credentials },
      ),
      this.options.catalog.getEntities(
        {
          filter: {
            [`metadata.annotations.${ANNOTATION_SOURCE_TEMPLATE}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: ['kind', 'metadata', 'spec', 'relations'],
        },
        { credentials },
      ),
    ]);
    const fleetEntities = fleetResponse.items.filter(entity =>
      [MODEL_ENDPOINT_KIND, AGENT_KIND].includes(entity.kind),
    );
    const goldenPathEntities = goldenPathResponse.items.filter(entity =>
      asString(entity.metadata.annotations?.[ANNOTATION_SOURCE_TEMPLATE]),
    );

    const allRefs = [
      ...new Set([
        ...fleetEntities.map(entityRefOf),
        ...goldenPathEntities.map(entityRefOf),
      ]),
    ];
    const [readable, unattributedAllowed] = await Promise.all([
      this.access
        .filterReadable(allRefs, ref => ref, credentials)
        .then(refs => new Set(refs)),
      this.access.mayReadUnattributed(credentials),
    ]);
    const readableRefList = allRefs.filter(ref => readable.has(ref));
    const readableSubjects = readableRefList.map(ref => entitySubject(ref));

    const [usage, firstTelemetry, latest, unattributed] = await Promise.all([
      this.options.telemetryStore.getUsageTotalsBySubject({
        subjects: readableSubjects,
        from: monthStart,
        to: generatedAt,
      }),
      this.options.telemetryStore.getFirstTelemetryBySubject(readableSubjects),
      this.options.resultStore.getLatestEvaluations(readableRefList),
      unattributedAllowed
        ? Promise.all([
            this.options.telemetryStore.listUnattributed({
              ...unattributedWindow,
              ...unattributedPage,
            }),
            this.options.telemetryStore.countUnattributed(unattributedWindow),
          ])
        : Promise.resolve(null),
    ]);

    // One GPU telemetry call for every readable endpoint of the page.
    const [costs, retired] = await Promise.all([
      this.options.costService.costOf(
        fleetEntities.filter(entity => readable.has(entityRefOf(entity))),
        { now: generatedAt, usageTotals: usage },
      ),
      retiredEntities({
        telemetryStore: this.options.telemetryStore,
        allowed: unattributedAllowed,
        knownEntityRefs: new Set(fleetEntities.map(entityRefOf)),
        loadCatalogEntityRefs: () => this.loadFleetEntityRefs(credentials),
        monthToDate: { from: monthStart, to: generatedAt },
      }),
    ]);

    const fleet: FleetEntity[] = fleetEntities
      .map(entity => {
        const entityRef = entityRefOf(entity);
        const telemetryReadable = readable.has(entityRef);
        const totals = usage.get(entitySubject(entityRef));
        const evaluation = latest.get(entityRef);
        const ttft = evaluation?.checks.find(c => c.checkId === 'ttft-p95');
        const evalCheck = evaluation
          ? weakestEvalCheck(evaluation.checks)
          : undefined;
        return {
          entityRef,
          kind: entity.kind,
          title: entity.metadata.title ?? entity.metadata.name,
          owner: ownerOf(entity),
          telemetryReadable,
          level: evaluation?.level ?? null,
          evaluatedAt: evaluation?.evaluatedAt.toISOString() ?? null,
          ...fleetRowCost(
            telemetryReadable ? costs.get(entityRef) : undefined,
            servingModeOf(entity),
          ),
          requestsMtd: telemetryReadable ? totals?.requests ?? 0 : null,
          ttftP95Ms: ttft?.value ?? null,
          ttftStatus: ttft?.status ?? null,
          evalScore: evalCheck?.value ?? null,
          evalSuite: evalCheck ? evalCheck.checkId.slice('eval:'.length) : null,
          evalStatus: evalCheck?.status ?? null,
        };
      })
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));

    const goldenPaths: GoldenPathEntity[] = goldenPathEntities
      .map(entity => {
        const entityRef = entityRefOf(entity);
        const annotations = entity.metadata.annotations ?? {};
        const createdTime = parseTime(
          annotations[ANNOTATION_GITOPS_CREATED_TIME],
        );
        const commitTime = parseTime(
          annotations[ANNOTATION_GITOPS_COMMIT_TIME],
        );
        const createdAt = createdTime ?? commitTime;
        const telemetryReadable = readable.has(entityRef);
        const first = telemetryReadable
          ? firstTelemetry.get(entitySubject(entityRef))
          : undefined;
        return {
          entityRef,
          kind: entity.kind,
          title: entity.metadata.title ?? entity.metadata.name,
          owner: ownerOf(entity),
          templateRef: annotations[ANNOTATION_SOURCE_TEMPLATE],
          createdAt: createdAt?.toISOString() ?? null,
          createdAtSource: createdAtSourceOf(createdTime, commitTime),
          telemetryReadable,
          firstTelemetryAt: first?.firstSeenAt.toISOString() ?? null,
          firstTelemetryPrecision: first?.precision ?? null,
          timeToFirstInferenceMs:
            first && createdAt
              ? Math.max(0, first.firstSeenAt.getTime() - createdAt.getTime())
              : null,
        };
      })
      .sort(
        (a, b) =>
          (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
          a.entityRef.localeCompare(b.entityRef),
      );

    const adoption = new Map<
      string,
      { weekStart: string; templateRef: string; entityCount: number }
    >();
    const templates = new Map<
      string,
      { templateRef: string; entityCount: number; undatedEntityCount: number }
    >();
    for (const item of goldenPaths) {
      const template = templates.get(item.templateRef) ?? {
        templateRef: item.templateRef,
        entityCount: 0,
        undatedEntityCount: 0,
      };
      template.entityCount += 1;
      templates.set(item.templateRef, template);
      if (!item.createdAt) {
        template.undatedEntityCount += 1;
        continue;
      }
      const weekStart = isoWeekStart(new Date(item.createdAt));
      const key = JSON.stringify([weekStart, item.templateRef]);
      const week = adoption.get(key) ?? {
        weekStart,
        templateRef: item.templateRef,
        entityCount: 0,
      };
      week.entityCount += 1;
      adoption.set(key, week);
    }
    const dated = goldenPaths.filter(item => item.createdAt !== null);
    const ttfi = goldenPaths
      .map(item => item.timeToFirstInferenceMs)
      .filter((value): value is number => value !== null);

    return {
      generatedAt: generatedAt.toISOString(),
      monthToDate: {
        from: monthStart.toISOString(),
        to: generatedAt.toISOString(),
      },
      telemetryAccess: {
        readableEntityCount: readable.size,
        deniedEntityCount: allRefs.length - readable.size,
      },
      fleet,
      spendByTeam: spendByTeam(fleet),
      gpuCost: fleetGpuCost(fleet, costs),
      goldenPaths: {
        templates: [...templates.values()].sort(
          (a, b) =>
            b.entityCount - a.entityCount ||
            a.templateRef.localeCompare(b.templateRef),
        ),
        adoptionByWeek: [...adoption.values()].sort(
          (a, b) =>
            a.weekStart.localeCompare(b.weekStart) ||
            a.templateRef.localeCompare(b.templateRef),
        ),
        entities: goldenPaths,
        timeToFirstInference: {
          medianMs: median(ttfi),
          withTrafficCount: ttfi.length,
          withoutTrafficCount: dated.filter(
            item =>
              item.telemetryReadable && item.timeToFirstInferenceMs === null,
          ).length,
          undatedCount: goldenPaths.length - dated.length,
        },
      },
      gpuAllocation: gpuAllocation(
        fleetEntities.filter(entity => entity.kind === MODEL_ENDPOINT_KIND),
        this.gpuConfig,
      ),
      unattributed: {
        allowed: unattributedAllowed,
        window: {
          from: unattributedWindow.from.toISOString(),
          to: unattributedWindow.to.toISOString(),
        },
        // One page, worst first; `/usage/unattributed` pages through the rest.
        total: unattributed?.[1] ?? 0,
        limit: unattributedPage.limit,
        offset: unattributedPage.offset,
        order: unattributedPage.orderBy,
        items: (unattributed?.[0] ?? []).map(item => ({
          ...item,
          fixHint:
            item.joinKeyKind === 'agent'
              ? `Set spec.gateway.agentId: ${item.joinKey} on the Agent entity that makes these calls`
              : `Set spec.gateway.model: ${item.joinKey} on the ModelEndpoint entity that serves this alias`,
        })),
      },
      retired,
    };
  }

  /** Every ModelEndpoint and Agent in the catalog, as the plugin sees it. */
  private async loadFleetEntityRefs(
    userCredentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const credentials = this.options.auth
      ? await this.options.auth.getOwnServiceCredentials()
      : userCredentials;
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: [MODEL_ENDPOINT_KIND, AGENT_KIND] },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    return new Set(items.map(entityRefOf));
  }
}
