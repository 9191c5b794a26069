import {
  collectTeamAllocations,
  DATA_CLASSIFICATIONS,
  ENDPOINT_PLAN_RUNTIMES,
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
  HttpAuthService,
  LoggerService,
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
  decisions: PlanDecision[];
  /** Checks the preview does not make; `ai-platform:endpoint:plan` makes them when the template runs. */
  deferredChecks: Array<{ rule: string; message: string }>;
};

const wholeNumber = (min: number) =>
  z
    .number({ error: `expected a whole number ≥ ${min}` })
    .int({ error: `expected a whole number ≥ ${min}` })
    .min(min, { error: `expected a whole number ≥ ${min}` });
const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `expected ${what}` });

const previewRequestSchema = z
  .object({
    model: nonEmpty('an approved model name'),
    gpuProfile: nonEmpty('a GPU profile id'),
    cluster: nonEmpty('a cluster name'),
    dataClassification: z.enum(DATA_CLASSIFICATIONS, {
      error: `expected one of ${DATA_CLASSIFICATIONS.join(', ')}`,
    }),
    contextTokens: wholeNumber(1).optional(),
    maxConcurrentSequences: wholeNumber(1).optional(),
    tensorParallelSize: wholeNumber(1).optional(),
    replicas: z.object({ min: wholeNumber(0), max: wholeNumber(1) }).optional(),
    runtime: z
      .enum(ENDPOINT_PLAN_RUNTIMES, {
        error: `expected one of ${ENDPOINT_PLAN_RUNTIMES.join(', ')}`,
      })
      .optional(),
    owner: nonEmpty(
      'a group reference, e.g. group:default/ml-platform',
    ).optional(),
    name: z.string().optional(),
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
 * @internal
 */
export function previewEndpointPlan(
  input: PreviewRequest,
  platform: AiPlatformConfig,
  existingAllocations: ExistingEndpointAllocation[],
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
    ...(input.owner && plan.quota ? { quota: plan.quota } : {}),
    ...(input.owner && plan.budget ? { budget: plan.budget } : {}),
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
  /** The `aiPlatform` platform config, read with `readAiPlatformConfig`. */
  platform: AiPlatformConfig;
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
  const { httpAuth, catalog, platform } = options;
  const planningOptions = planningOptionsOf(platform);

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
      const existing = await readAllocations(
        input.owner,
        input.name,
        credentials,
      );
      res.json(previewEndpointPlan(input, platform, existing));
    },
  );

  return router;
}
