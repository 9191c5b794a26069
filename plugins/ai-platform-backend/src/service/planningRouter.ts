import {
  collectTeamAllocations,
  DATA_CLASSIFICATIONS,
  ENDPOINT_PLAN_RUNTIMES,
  ENDPOINT_REQUEST_LIMITS,
  MODEL_ENDPOINT_KIND,
  normalizeGroupRef,
  planEndpoint,
  type AiPlatformConfig,
  type ApprovedModel,
  type DataClassification,
  type EndpointCostEstimate,
  type EndpointPlan,
  type EndpointPlanRuntime,
  type EndpointRequest,
  type ExistingEndpointAllocation,
  type MemoryFit,
  type PlanDecision,
} from '@ai-platform/plugin-ai-platform-common';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';

/**
 * The platform choices a self-hosted endpoint form offers (`GET /planning/options`): no
 * credentials, no node selectors, no team budgets.
 *
 * @internal
 */
export type PlanningOptions = {
  gpuMemoryUtilization: number;
  hoursPerMonth: number;
  models: Array<
    Pick<
      ApprovedModel,
      | 'name'
      | 'type'
      | 'parametersBillions'
      | 'license'
      | 'defaultContextTokens'
      | 'maxContextTokens'
      | 'maxDataClassification'
    >
  >;
  gpuProfiles: Array<{
    id: string;
    title?: string;
    resourceName: string;
    usableMemoryGiB: number;
    gpusPerReplica: number;
    hourlyCostUsd: number;
  }>;
  clusters: Array<{
    name: string;
    region: string;
    gpuProfiles: string[];
    allowedDataClassifications: DataClassification[];
  }>;
  runtimes: EndpointPlanRuntime[];
  dataClassifications: DataClassification[];
};

/**
 * The answer of `POST /planning/preview`: the plan numbers and every decision that can be
 * made before the template runs.
 *
 * @internal
 */
export type PlanningPreview = {
  /** True when every evaluated decision passed. */
  approved: boolean;
  /** The memory fit's verdict; null when it could not be evaluated (see decisions). */
  fits: boolean | null;
  contextTokens: number;
  maxConcurrentSequences: number;
  tensorParallelSize: number;
  replicas: { min: number; max: number };
  memoryFit?: MemoryFit;
  cost?: EndpointCostEstimate;
  quota?: EndpointPlan['quota'];
  budget?: EndpointPlan['budget'];
  /**
   * Set when an owner was given but the user is neither a member of it nor of a platform
   * group: why the team's quota, budget and committed spend are left out.
   */
  teamFiguresWithheld?: string;
  decisions: PlanDecision[];
  /** Checks the preview does not make; `ai-platform:endpoint:plan` makes them when the template runs. */
  deferredChecks: Array<{ rule: string; message: string }>;
};

const L = ENDPOINT_REQUEST_LIMITS;

/** A whole number within a limit of {@link ENDPOINT_REQUEST_LIMITS}. */
const wholeNumber = (limit: { min: number; max: number }) =>
  z
    .number({ error: `expected a whole number ≥ ${limit.min}` })
    .int({ error: `expected a whole number ≥ ${limit.min}` })
    .min(limit.min, { error: `expected a whole number ≥ ${limit.min}` })
    .max(limit.max, {
      error: `expected a whole number ≤ ${limit.max} (the maximum)`,
    });
const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `expected ${what}` })
    .max(L.textMaxLength, {
      error: `expected ${what} of at most ${L.textMaxLength} characters`,
    });

const previewRequestSchema = z
  .object({
    model: nonEmpty('an approved model name'),
    gpuProfile: nonEmpty('a GPU profile id'),
    cluster: nonEmpty('a cluster name'),
    dataClassification: z.enum(DATA_CLASSIFICATIONS, {
      error: `expected one of ${DATA_CLASSIFICATIONS.join(', ')}`,
    }),
    contextTokens: wholeNumber(L.contextTokens).optional(),
    maxConcurrentSequences: wholeNumber(L.maxConcurrentSequences).optional(),
    tensorParallelSize: wholeNumber(L.tensorParallelSize).optional(),
    replicas: z
      .object({
        min: wholeNumber(L.replicasMin),
        max: wholeNumber(L.replicasMax),
      })
      .optional(),
    runtime: z
      .enum(ENDPOINT_PLAN_RUNTIMES, {
        error: `expected one of ${ENDPOINT_PLAN_RUNTIMES.join(', ')}`,
      })
      .optional(),
    owner: nonEmpty(
      'a group reference, e.g. group:default/ml-platform',
    ).optional(),
    name: z
      .string({ error: 'expected a text' })
      .max(L.textMaxLength, {
        error: `expected at most ${L.textMaxLength} characters`,
      })
      .optional(),
  })
  .strict();

/** The body of `POST /planning/preview`. */
type PreviewRequest = z.infer<typeof previewRequestSchema>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map(key => `'${key}': not a field of the preview request`)
          .join('; ');
      }
      const field = issue.path.join('.') || 'body';
      return `'${field}': ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates a preview request body, or throws an InputError naming every bad field.
 *
 * @internal
 */
export function parsePreviewRequest(body: unknown): PreviewRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(
      'Invalid planning preview request: expected a JSON object with model, gpuProfile, cluster and dataClassification',
    );
  }
  const parsed = previewRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new InputError(
      `Invalid planning preview request: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * The options the form offers, from the platform config.
 *
 * @internal
 */
export function planningOptionsOf(platform: AiPlatformConfig): PlanningOptions {
  const { planning } = platform;
  return {
    gpuMemoryUtilization: planning.gpuMemoryUtilization,
    hoursPerMonth: planning.hoursPerMonth,
    models: planning.models.map(m => ({
      name: m.name,
      type: m.type ?? 'chat',
      parametersBillions: m.parametersBillions,
      license: m.license,
      defaultContextTokens: m.defaultContextTokens,
      maxContextTokens: m.maxContextTokens,
      maxDataClassification: m.maxDataClassification,
    })),
    gpuProfiles: planning.gpuProfiles.map(p => ({
      id: p.id,
      ...(p.title ? { title: p.title } : {}),
      resourceName: p.resourceName,
      usableMemoryGiB: p.usableMemoryGiB,
      gpusPerReplica: p.gpusPerReplica ?? 1,
      hourlyCostUsd: p.hourlyCostUsd,
    })),
    clusters: planning.clusters.map(c => ({
      name: c.name,
      region: c.region,
      gpuProfiles: c.gpuProfiles,
      allowedDataClassifications: c.allowedDataClassifications,
    })),
    runtimes: [...ENDPOINT_PLAN_RUNTIMES],
    dataClassifications: [...DATA_CLASSIFICATIONS],
  };
}

/**
 * Previews the plan of a self-hosted endpoint with the same logic as the
 * `ai-platform:endpoint:plan` action ({@link planEndpoint}). Rules whose inputs the request
 * leaves out (the endpoint name, the owner's quota and budget) are reported as deferred, and
 * so are the custom CEL policies, which the scaffolder action evaluates.
 *
 * The owner's GPU quota, budget and committed spend are the team's figures: they are
 * previewed only when `teamFiguresVisible` (the user belongs to the owning team or a
 * platform group); otherwise they are left out, deferred with a note saying why.
 *
 * @internal
 */
export function previewEndpointPlan(
  input: PreviewRequest,
  platform: AiPlatformConfig,
  existingAllocations: ExistingEndpointAllocation[],
  options: { teamFiguresVisible: boolean },
): PlanningPreview {
  const replicas = input.replicas ?? { min: 1, max: 1 };
  const request: EndpointRequest = {
    name: input.name?.trim() || 'preview',
    owner: input.owner ?? 'group:default/preview',
    model: input.model,
    gpuProfile: input.gpuProfile,
    cluster: input.cluster,
    runtime: input.runtime ?? 'vllm',
    replicas,
    dataClassification: input.dataClassification,
    ...(input.contextTokens !== undefined
      ? { contextTokens: input.contextTokens }
      : {}),
    ...(input.maxConcurrentSequences !== undefined
      ? { maxConcurrentSequences: input.maxConcurrentSequences }
      : {}),
    ...(input.tensorParallelSize !== undefined
      ? { tensorParallelSize: input.tensorParallelSize }
      : {}),
  };
  const plan = planEndpoint(request, platform.planning, existingAllocations);

  const notAsked = new Set<string>();
  const deferredChecks: PlanningPreview['deferredChecks'] = [];
  if (!input.name?.trim()) {
    notAsked.add('endpoint-name');
  }
  if (!input.runtime) {
    notAsked.add('runtime');
  }
  const withheld =
    input.owner && !options.teamFiguresVisible
      ? `The GPU quota, budget and committed spend of ${
          normalizeGroupRef(input.owner) ?? input.owner
        } are shown only to members of ${
          normalizeGroupRef(input.owner) ?? input.owner
        } or of a platform group (aiPlatform.permissions.platformGroups); they are checked when the template runs`
      : undefined;
  if (withheld) {
    notAsked.add('gpu-quota');
    notAsked.add('monthly-budget');
    deferredChecks.push(
      { rule: 'gpu-quota', message: withheld },
      { rule: 'monthly-budget', message: withheld },
    );
  }
  if (!input.owner) {
    notAsked.add('known-team');
    deferredChecks.push(
      {
        rule: 'gpu-quota',
        message:
          "The team's GPU quota is checked when the template runs; choose an owner to preview it",
      },
      {
        rule: 'monthly-budget',
        message:
          "The team's monthly budget is checked when the template runs; choose an owner to preview it",
      },
    );
  }
  for (const policy of platform.planning.policies) {
    deferredChecks.push({
      rule: `policy:${policy.id}`,
      message: `Checked when the template runs: ${policy.message}`,
    });
  }
  const decisions = plan.decisions.filter(d => !notAsked.has(d.rule));

  return {
    approved: decisions.every(d => d.outcome === 'pass'),
    fits: plan.memoryFit ? plan.memoryFit.fits : null,
    contextTokens: plan.request.contextTokens,
    maxConcurrentSequences: plan.request.maxConcurrentSequences,
    tensorParallelSize: plan.request.tensorParallelSize,
    replicas,
    ...(plan.memoryFit ? { memoryFit: plan.memoryFit } : {}),
    ...(plan.cost ? { cost: plan.cost } : {}),
    ...(input.owner && !withheld && plan.quota ? { quota: plan.quota } : {}),
    ...(input.owner && !withheld && plan.budget ? { budget: plan.budget } : {}),
    ...(withheld ? { teamFiguresWithheld: withheld } : {}),
    decisions,
    deferredChecks,
  };
}

/**
 * Options of {@link createPlanningRouter}.
 *
 * @internal
 */
export interface PlanningRouterOptions {
  logger: LoggerService;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  /** Resolves the user's ownership refs (the user and their groups). */
  userInfo: UserInfoService;
  /** The `aiPlatform` platform config, read with `readAiPlatformConfig`. */
  platform: AiPlatformConfig;
  /**
   * Group refs whose members see every team's quota, budget and committed spend
   * (`aiPlatform.permissions.platformGroups`).
   */
  platformGroups: string[];
}

/**
 * The planning API of the self-hosted endpoint form, for signed-in users:
 * `GET /planning/options` and `POST /planning/preview`.
 *
 * @internal
 */
export async function createPlanningRouter(
  options: PlanningRouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog, platform, userInfo } = options;
  const planningOptions = planningOptionsOf(platform);
  const platformGroupRefs = options.platformGroups
    .map(ref => normalizeGroupRef(ref))
    .filter((ref): ref is string => ref !== undefined);

  /** Whether the user belongs to the owning team or to a platform group. */
  async function mayReadTeamFigures(
    ownerRef: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<boolean> {
    const owner = normalizeGroupRef(ownerRef);
    const { ownershipEntityRefs } = await userInfo.getUserInfo(credentials);
    const claims = new Set(
      ownershipEntityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
    );
    return (
      (owner !== undefined && claims.has(owner)) ||
      platformGroupRefs.some(ref => claims.has(ref))
    );
  }

  async function readAllocations(
    ownerRef: string | undefined,
    endpointName: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<ExistingEndpointAllocation[]> {
    if (!ownerRef || !normalizeGroupRef(ownerRef)) {
      return [];
    }
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: MODEL_ENDPOINT_KIND,
          'spec.serving.mode': 'self-hosted',
        },
      },
      { credentials },
    );
    return collectTeamAllocations(items, {
      ownerRef,
      excludeEndpointName: endpointName?.trim() || undefined,
    });
  }

  const router = Router();

  router.get('/planning/options', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(planningOptions);
  });

  router.post(
    '/planning/preview',
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const input = parsePreviewRequest(req.body);
      const teamFiguresVisible = input.owner
        ? await mayReadTeamFigures(input.owner, credentials)
        : false;
      const existing = teamFiguresVisible
        ? await readAllocations(input.owner, input.name, credentials)
        : [];
      res.json(
        previewEndpointPlan(input, platform, existing, { teamFiguresVisible }),
      );
    },
  );

  return router;
}
