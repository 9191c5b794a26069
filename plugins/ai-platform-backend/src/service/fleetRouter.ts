import {
  AGENT_KIND,
  MODEL_ENDPOINT_KIND,
} from '@ai-platform/plugin-ai-platform-common';
import {
  HttpAuthService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import {
  TelemetryFleetQueries,
  TelemetryStore,
} from '../database/TelemetryStore';
import {
  entitySubject,
  normalizeTelemetryEntityRef,
} from '../database/telemetrySubject';
import {
  ScorecardCheckResult,
  ScorecardResultStore,
} from '../scorecards/types';
import { TelemetryReadAccess } from '../access/TelemetryReadAccess';
import { parseUnattributedPageQuery } from './unattributedPage';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The annotation the scaffolder's `catalog:register` (and the golden-path
 * render action) sets on entities a template created.
 *
 * @internal
 */
export const ANNOTATION_SOURCE_TEMPLATE = 'backstage.io/source-template';

/**
 * Committer time of the GitOps commit that added the entity's file (set by
 * the catalog module's GitOps entity provider): when the template ran.
 *
 * @internal
 */
export const ANNOTATION_GITOPS_CREATED_TIME =
  'aiplatform.io/gitops-created-time';

/**
 * Committer time of the entity's latest GitOps commit; the fallback when the
 * created time is missing.
 *
 * @internal
 */
export const ANNOTATION_GITOPS_COMMIT_TIME = 'aiplatform.io/gitops-commit-time';

/**
 * Days of unattributed telemetry listed by `GET /fleet/summary`.
 *
 * @internal
 */
export const FLEET_UNATTRIBUTED_WINDOW_DAYS = 7;

/**
 * The owner key of entities without an owner.
 *
 * @internal
 */
export const NO_OWNER = 'unowned';

/** One ModelEndpoint or Agent row of the fleet table. */
interface FleetEntity {
  entityRef: string;
  kind: string;
  title: string;
  owner: string | null;
  /** Whether the user may read this entity's telemetry; when not, the numbers are `null`. */
  telemetryReadable: boolean;
  level: string | null;
  evaluatedAt: string | null;
  spendMtdUsd: number | null;
  requestsMtd: number | null;
  /** The latest scorecard's `ttft-p95` check (24 h). */
  ttftP95Ms: number | null;
  ttftStatus: string | null;
  /** The weakest `eval:<suite>` check of the latest scorecard. */
  evalScore: number | null;
  evalSuite: string | null;
  evalStatus: string | null;
}

interface GoldenPathEntity {
  entityRef: string;
  kind: string;
  title: string;
  owner: string | null;
  templateRef: string;
  /** When the template ran (the GitOps commit that added the entity), or `null` when unknown. */
  createdAt: string | null;
  createdAtSource: 'gitops-created-time' | 'gitops-commit-time' | null;
  telemetryReadable: boolean;
  firstTelemetryAt: string | null;
  firstTelemetryPrecision: 'event' | 'hour' | null;
  /** `firstTelemetryAt - createdAt`, never below 0 (see `firstTelemetryPrecision`). */
  timeToFirstInferenceMs: number | null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function asPositiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}

function entityRefOf(entity: Entity): string {
  return normalizeTelemetryEntityRef(stringifyEntityRef(entity));
}

/** The owning group of an entity: its `ownedBy` relation, else `spec.owner`. */
function ownerOf(entity: Entity): string | null {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef.toLocaleLowerCase('en-US');
  }
  const owner = asString(asRecord(entity.spec).owner);
  if (!owner) {
    return null;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return null;
  }
}

function parseTime(value: unknown): Date | undefined {
  const text = asString(value);
  if (!text) {
    return undefined;
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Monday 00:00 UTC of the week of `date`, as `YYYY-MM-DD`. */
export function isoWeekStart(date: Date): string {
  const day = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
  );
  const daysSinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - daysSinceMonday * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

function createdAtSourceOf(
  createdTime: Date | undefined,
  commitTime: Date | undefined,
): GoldenPathEntity['createdAtSource'] {
  if (createdTime) {
    return 'gitops-created-time';
  }
  return commitTime ? 'gitops-commit-time' : null;
}

function median(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

function weakestEvalCheck(checks: ScorecardCheckResult[]) {
  return checks
    .filter(check => check.checkId.startsWith('eval:') && check.value !== null)
    .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
}

/** GPU profile and team quota config read from `aiPlatform`. */
interface GpuConfig {
  gpusPerReplicaByProfile: Map<string, number>;
  quotas: Array<{ team: string; gpuProfile: string; quotaGpus: number }>;
}

/**
 * Reads `aiPlatform.gpuProfiles[].gpusPerReplica` (default 1) and
 * `aiPlatform.teams[].gpuQuota`. Invalid entries are skipped: the scaffolder
 * module validates this config and reports them.
 *
 * @internal
 */
export function readGpuConfig(config: RootConfigService): GpuConfig {
  const gpusPerReplicaByProfile = new Map<string, number>();
  for (const profile of config.getOptionalConfigArray(
    'aiPlatform.gpuProfiles',
  ) ?? []) {
    const id = profile.getOptionalString('id');
    if (id) {
      gpusPerReplicaByProfile.set(
        id,
        profile.getOptionalNumber('gpusPerReplica') ?? 1,
      );
    }
  }
  const quotas: GpuConfig['quotas'] = [];
  for (const team of config.getOptionalConfigArray('aiPlatform.teams') ?? []) {
    const group = team.getOptionalString('group');
    const quota = team.getOptionalConfig('gpuQuota');
    if (!group || !quota) {
      continue;
    }
    let teamRef: string;
    try {
      teamRef = stringifyEntityRef(
        parseEntityRef(group, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch {
      continue;
    }
    for (const gpuProfile of quota.keys()) {
      const quotaGpus = quota.getOptionalNumber(gpuProfile);
      if (quotaGpus !== undefined) {
        quotas.push({ team: teamRef, gpuProfile, quotaGpus });
      }
    }
  }
  return { gpusPerReplicaByProfile, quotas };
}

function gpuAllocation(modelEndpoints: Entity[], gpuConfig: GpuConfig) {
  const byClusterAndProfile = new Map<
    string,
    {
      cluster: string;
      gpuProfile: string;
      endpointCount: number;
      gpusAtMinReplicas: number;
      gpusAtMaxReplicas: number;
    }
  >();
  const byTeamAndProfile = new Map<
    string,
    {
      team: string;
      gpuProfile: string;
      gpusAtMaxReplicas: number;
      quotaGpus: number | null;
    }
  >();
  const incompleteEndpoints: Array<{ entityRef: string; missing: string[] }> =
    [];

  for (const quota of gpuConfig.quotas) {
    byTeamAndProfile.set(JSON.stringify([quota.team, quota.gpuProfile]), {
      team: quota.team,
      gpuProfile: quota.gpuProfile,
      gpusAtMaxReplicas: 0,
      quotaGpus: quota.quotaGpus,
    });
  }

  for (const entity of modelEndpoints) {
    const serving = asRecord(asRecord(entity.spec).serving);
    if (serving.mode !== 'self-hosted') {
      continue;
    }
    const cluster = asString(serving.cluster);
    const gpuProfile = asString(serving.gpuProfile);
    const replicas = asRecord(serving.replicas);
    const maxReplicas = asPositiveNumber(replicas.max);
    const minReplicas = asPositiveNumber(replicas.min) ?? 0;
    const missing = [
      ...(cluster ? [] : ['spec.serving.cluster']),
      ...(gpuProfile ? [] : ['spec.serving.gpuProfile']),
      ...(maxReplicas !== undefined ? [] : ['spec.serving.replicas.max']),
    ];
    if (!cluster || !gpuProfile || maxReplicas === undefined) {
      incompleteEndpoints.push({ entityRef: entityRefOf(entity), missing });
      continue;
    }
    const gpusPerReplica =
      gpuConfig.gpusPerReplicaByProfile.get(gpuProfile) ?? 1;
    const key = JSON.stringify([cluster, gpuProfile]);
    const row = byClusterAndProfile.get(key) ?? {
      cluster,
      gpuProfile,
      endpointCount: 0,
      gpusAtMinReplicas: 0,
      gpusAtMaxReplicas: 0,
    };
    row.endpointCount += 1;
    row.gpusAtMinReplicas += minReplicas * gpusPerReplica;
    row.gpusAtMaxReplicas += maxReplicas * gpusPerReplica;
    byClusterAndProfile.set(key, row);

    const team = ownerOf(entity) ?? NO_OWNER;
    const teamKey = JSON.stringify([team, gpuProfile]);
    const teamRow = byTeamAndProfile.get(teamKey) ?? {
      team,
      gpuProfile,
      gpusAtMaxReplicas: 0,
      quotaGpus: null,
    };
    teamRow.gpusAtMaxReplicas += maxReplicas * gpusPerReplica;
    byTeamAndProfile.set(teamKey, teamRow);
  }

  return {
    byClusterAndProfile: [...byClusterAndProfile.values()].sort(
      (a, b) =>
        a.cluster.localeCompare(b.cluster) ||
        a.gpuProfile.localeCompare(b.gpuProfile),
    ),
    byTeamAndProfile: [...byTeamAndProfile.values()].sort(
      (a, b) =>
        a.team.localeCompare(b.team) ||
        a.gpuProfile.localeCompare(b.gpuProfile),
    ),
    incompleteEndpoints,
  };
}

/**
 * Options of {@link createFleetRouter}.
 *
 * @internal
 */
export interface FleetRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  config: RootConfigService;
  telemetryStore: TelemetryStore & TelemetryFleetQueries;
  resultStore: ScorecardResultStore;
  /**
   * The clock: every "now" of the summary (the month to date, the
   * unattributed window, `generatedAt`) is read from it. Defaults to the
   * system time; tests set it.
   */
  now?: () => Date;
}

/**
 * Creates `GET /fleet/summary`, the data of the AI Platform page: the fleet
 * table, golden-path adoption, time to first inference, spend by team, GPU
 * allocation and unattributed telemetry, in one response.
 *
 * @remarks
 * The catalog is read with the user's credentials, so catalog permissions
 * apply; telemetry numbers are only given for entities the user may read with
 * `ai-platform.telemetry.read` (one batch authorization).
 *
 * @internal
 */
export function createFleetRouter(options: FleetRouterOptions): express.Router {
  const { httpAuth, permissions, catalog, telemetryStore, resultStore } =
    options;
  const now = options.now ?? (() => new Date());
  const gpuConfig = readGpuConfig(options.config);
  const access = new TelemetryReadAccess(permissions);
  const router = Router();

  router.get('/fleet/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const unattributedPage = parseUnattributedPageQuery(
      req.query,
      'unattributed',
    );
    const generatedAt = now();
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
      catalog.getEntities(
        {
          filter: { kind: [MODEL_ENDPOINT_KIND, AGENT_KIND] },
          fields: ['kind', 'metadata', 'spec', 'relations'],
        },
        { credentials },
      ),
      catalog.getEntities(
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
      access
        .filterReadable(allRefs, ref => ref, credentials)
        .then(refs => new Set(refs)),
      access.mayReadUnattributed(credentials),
    ]);
    const readableRefList = allRefs.filter(ref => readable.has(ref));
    const readableSubjects = readableRefList.map(ref => entitySubject(ref));

    const [usage, firstTelemetry, latest, unattributed] = await Promise.all([
      telemetryStore.getUsageTotalsBySubject({
        subjects: readableSubjects,
        from: monthStart,
        to: generatedAt,
      }),
      telemetryStore.getFirstTelemetryBySubject(readableSubjects),
      resultStore.getLatestEvaluations(readableRefList),
      unattributedAllowed
        ? Promise.all([
            telemetryStore.listUnattributed({
              ...unattributedWindow,
              ...unattributedPage,
            }),
            telemetryStore.countUnattributed(unattributedWindow),
          ])
        : Promise.resolve(null),
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
          spendMtdUsd: telemetryReadable ? totals?.costUsd ?? 0 : null,
          requestsMtd: telemetryReadable ? totals?.requests ?? 0 : null,
          ttftP95Ms: ttft?.value ?? null,
          ttftStatus: ttft?.status ?? null,
          evalScore: evalCheck?.value ?? null,
          evalSuite: evalCheck ? evalCheck.checkId.slice('eval:'.length) : null,
          evalStatus: evalCheck?.status ?? null,
        };
      })
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));

    // A call an agent makes counts for the agent and for its model endpoint,
    // so the two are reported side by side and never added up.
    const spendByOwner = new Map<
      string,
      {
        owner: string;
        modelEndpointSpendMtdUsd: number;
        agentSpendMtdUsd: number;
        modelEndpointCount: number;
        agentCount: number;
      }
    >();
    for (const row of fleet) {
      if (!row.telemetryReadable) {
        continue;
      }
      const owner = row.owner ?? NO_OWNER;
      const team = spendByOwner.get(owner) ?? {
        owner,
        modelEndpointSpendMtdUsd: 0,
        agentSpendMtdUsd: 0,
        modelEndpointCount: 0,
        agentCount: 0,
      };
      if (row.kind === AGENT_KIND) {
        team.agentSpendMtdUsd += row.spendMtdUsd ?? 0;
        team.agentCount += 1;
      } else {
        team.modelEndpointSpendMtdUsd += row.spendMtdUsd ?? 0;
        team.modelEndpointCount += 1;
      }
      spendByOwner.set(owner, team);
    }

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

    res.json({
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
      spendByTeam: [...spendByOwner.values()].sort(
        (a, b) =>
          b.modelEndpointSpendMtdUsd +
            b.agentSpendMtdUsd -
            (a.modelEndpointSpendMtdUsd + a.agentSpendMtdUsd) ||
          a.owner.localeCompare(b.owner),
      ),
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
        gpuConfig,
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
    });
  });

  return router;
}
