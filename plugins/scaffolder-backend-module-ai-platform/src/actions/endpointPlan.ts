import {
  DATA_CLASSIFICATIONS,
  AI_PLATFORM_API_VERSION,
  describeFailedDecisions,
  ENDPOINT_PLAN_RUNTIMES,
  evaluateGovernance,
  MODEL_ENDPOINT_KIND,
  readGovernanceConfig,
  ENDPOINT_REQUEST_LIMITS as LIMITS,
  planEndpoint,
  type EndpointPlan,
  type EndpointRequest,
  type GovernanceResult,
} from '@ai-platform/plugin-ai-platform-common';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  AiPlatformBackendClient,
  GoldenPathAuditEvent,
} from '../gitops/aiPlatformBackendClient';
import { reportAuditEvent } from '../gitops/reportAuditEvent';
import { evaluatePlatformPolicies } from '../platform/celPolicies';
import {
  describeGovernanceFailure,
  governanceOutputSchema,
} from '../platform/governanceOutput';
import {
  readAiPlatformPlatformConfig,
  type AiPlatformPlatformConfig,
} from '../platform/platformConfig';
import { readTeamAllocations } from '../platform/readTeamAllocations';
import { examples } from './endpointPlan.examples';

/**
 * Options for {@link createAiPlatformEndpointPlanAction}.
 *
 * @public
 */
export interface AiPlatformEndpointPlanActionOptions {
  /** Root config; the action reads the `aiPlatform` planning keys. */
  config: Config;
  /** Catalog, to read the team's existing ModelEndpoints. */
  catalog: CatalogService;
  /**
   * The ai-platform backend: every real (not dry) run records a `plan` event in the
   * endpoint's audit trail, refused plans included. Without it nothing is recorded.
   */
  backend?: AiPlatformBackendClient;
}

/**
 * Plans a request and evaluates the custom policies on top of the built-in rules.
 *
 * @internal
 */
export function planEndpointWithPolicies(
  request: EndpointRequest,
  platform: AiPlatformPlatformConfig,
  existing: Parameters<typeof planEndpoint>[2],
): EndpointPlan {
  const plan = planEndpoint(request, platform.planning, existing);
  const resolved = plan.model && plan.gpuProfile && plan.cluster && plan.cost;
  if (!resolved || platform.policies.length === 0) {
    return plan;
  }
  const policyDecisions = evaluatePlatformPolicies(platform.policies, {
    request: plan.request,
    plan: JSON.parse(JSON.stringify(plan)),
  });
  const decisions = [...plan.decisions, ...policyDecisions];
  return {
    ...plan,
    decisions,
    approved: decisions.every(d => d.outcome === 'pass'),
  };
}

/**
 * Plans a request the way `ai-platform:endpoint:plan` does: the team's other endpoints from
 * the catalog (the endpoint of the same name left out, so re-planning an existing endpoint
 * counts its allocation once, as the request), the built-in rules, the CEL policies and the
 * governance requirements. Logs every decision; `failure` is the message to fail with, if any.
 *
 * @internal
 */
export async function planEndpointWithGovernance(options: {
  request: EndpointRequest;
  platform: AiPlatformPlatformConfig;
  governanceConfig: ReturnType<typeof readGovernanceConfig>;
  catalog: CatalogService;
  credentials: BackstageCredentials;
  logger: LoggerService;
}): Promise<{
  plan: EndpointPlan;
  planJson: Record<string, any>;
  governance: GovernanceResult;
  failure?: string;
}> {
  const { request, platform, governanceConfig, logger } = options;
  const existing = await readTeamAllocations({
    catalog: options.catalog,
    credentials: options.credentials,
    ownerRef: request.owner,
    excludeEndpointName: request.name,
  });
  const plan = planEndpointWithPolicies(request, platform, existing);
  for (const decision of plan.decisions) {
    const line = `${decision.outcome.toUpperCase()} ${decision.rule}: ${
      decision.message
    }`;
    if (decision.outcome === 'pass') {
      logger.info(line);
    } else {
      logger.error(line);
    }
  }

  const planJson = JSON.parse(JSON.stringify(plan));
  // The endpoint as governance sees it: the entity the template will commit.
  const governance = evaluateGovernance(
    {
      apiVersion: AI_PLATFORM_API_VERSION,
      kind: MODEL_ENDPOINT_KIND,
      metadata: { name: request.name },
      spec: JSON.parse(
        JSON.stringify({
          owner: request.owner,
          system: request.system,
          dataClassification: request.dataClassification,
          budget:
            request.monthlyBudgetUsd !== undefined
              ? { monthlyUsd: request.monthlyBudgetUsd }
              : undefined,
        }),
      ),
    },
    governanceConfig,
    { request: plan.request, plan: planJson },
  );
  const governanceFailure = describeGovernanceFailure(
    `Endpoint '${request.name}'`,
    governance,
  );
  let failure: string | undefined;
  if (!plan.approved) {
    const failed = plan.decisions.filter(d => d.outcome === 'fail');
    failure = `Endpoint '${request.name}' was not planned: ${
      failed.length
    } rule(s) failed:\n${describeFailedDecisions(plan.decisions)}${
      governanceFailure ? `\n${governanceFailure}` : ''
    }`;
  } else if (governanceFailure) {
    failure = governanceFailure;
  }
  return { plan, planJson, governance, failure };
}

/**
 * The `plan` audit event of a planned endpoint: `refused` with every failed rule and unmet
 * governance requirement, `needs-approval` with the approval reasons, or `allowed`.
 *
 * @internal
 */
export function planAuditEvent(
  planned: Pick<
    Awaited<ReturnType<typeof planEndpointWithGovernance>>,
    'plan' | 'planJson' | 'governance'
  >,
  meta: { actor?: string; taskId?: string },
): GoldenPathAuditEvent {
  const { plan, planJson, governance } = planned;
  const refusals = [
    ...plan.decisions
      .filter(d => d.outcome === 'fail')
      .map(d => `${d.rule}: ${d.message}`),
    ...governance.requirements
      .filter(r => r.status === 'unmet')
      .map(r => `${r.rule}: ${r.message}`),
  ];
  let decision: string;
  let reasons: string[];
  if (refusals.length > 0) {
    decision = 'refused';
    reasons = refusals;
  } else if (governance.approvalRequired) {
    decision = 'needs-approval';
    reasons = governance.approvalReasons;
  } else {
    decision = 'allowed';
    reasons = [];
  }
  return {
    action: 'plan',
    entityRef: `modelendpoint:default/${plan.request.name}`.toLocaleLowerCase(
      'en-US',
    ),
    actor: meta.actor,
    decision,
    reasons,
    details: {
      request: planJson.request,
      namespace: plan.namespace,
      gitopsPath: plan.gitopsPath,
      monthlyCostMaxUsd: plan.cost?.monthlyMaxUsd,
      approvalRequired: governance.approvalRequired,
      taskId: meta.taskId,
    },
  };
}

/**
 * Creates the `ai-platform:endpoint:plan` action: resolves a self-hosted endpoint request
 * against the platform config (models, GPU profiles, clusters, teams, policies) and the
 * team's existing endpoints in the catalog, checks memory fit, quota, budget, data
 * classification and custom CEL policies, and outputs the plan. Fails listing every failed
 * rule when any fails.
 *
 * @public
 */
export function createAiPlatformEndpointPlanAction(
  options: AiPlatformEndpointPlanActionOptions,
) {
  const platform = readAiPlatformPlatformConfig(options.config);
  const governanceConfig = readGovernanceConfig(options.config);

  return createTemplateAction({
    id: 'ai-platform:endpoint:plan',
    description:
      'Plans a self-hosted inference endpoint: memory fit, GPU quota, budget, data classification and platform policies; fails listing every violated rule',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe(
              'Endpoint name: a DNS-1123 label (lowercase letters, digits, -), at most 63 characters',
            ),
        owner: z =>
          z
            .string()
            .describe(
              'Owning team as a group reference, e.g. group:default/ml-platform',
            ),
        system: z =>
          z.string().describe('System the endpoint belongs to').optional(),
        model: z =>
          z
            .string()
            .describe(
              'Approved model name, e.g. meta-llama/Llama-3.1-8B-Instruct',
            ),
        gpuProfile: z => z.string().describe('GPU profile id, e.g. l4-24gb'),
        cluster: z => z.string().describe('Cluster name, e.g. gpu-eu-west-1'),
        runtime: z =>
          z
            .enum(ENDPOINT_PLAN_RUNTIMES)
            .describe(
              'vllm (Deployment + Service + KEDA), kserve (InferenceService) or kserve-llm (LLMInferenceService)',
            ),
        contextTokens: z =>
          z
            .number()
            .int()
            .min(LIMITS.contextTokens.min)
            .max(LIMITS.contextTokens.max)
            .describe(
              "Context length (max_model_len) in tokens; defaults to the model's default",
            )
            .optional(),
        maxConcurrentSequences: z =>
          z
            .number()
            .int()
            .min(LIMITS.maxConcurrentSequences.min)
            .max(LIMITS.maxConcurrentSequences.max)
            .describe(
              'Full-length sequences that must fit in the KV cache at once; defaults to 1',
            )
            .optional(),
        replicas: z =>
          z
            .object({
              min: z
                .number()
                .int()
                .min(LIMITS.replicasMin.min)
                .max(LIMITS.replicasMin.max)
                .describe('Minimum replicas (0 = scale to zero)'),
              max: z
                .number()
                .int()
                .min(LIMITS.replicasMax.min)
                .max(LIMITS.replicasMax.max)
                .describe('Maximum replicas'),
            })
            .describe('Autoscaling bounds'),
        dataClassification: z =>
          z
            .enum(DATA_CLASSIFICATIONS)
            .describe('Most sensitive data the endpoint will process'),
        tensorParallelSize: z =>
          z
            .number()
            .int()
            .min(LIMITS.tensorParallelSize.min)
            .max(LIMITS.tensorParallelSize.max)
            .describe(
              "GPUs per replica (tensor parallelism); defaults to the profile's gpusPerReplica, else 1",
            )
            .optional(),
        gatewayModel: z =>
          z
            .string()
            .describe('Alias clients use at the gateway; defaults to the name')
            .optional(),
        monthlyBudgetUsd: z =>
          z
            .number()
            .min(LIMITS.monthlyBudgetUsd.min)
            .max(LIMITS.monthlyBudgetUsd.max)
            .describe('Budget recorded on the ModelEndpoint entity, in USD')
            .optional(),
      },
      output: {
        plan: z =>
          z
            .record(z.any())
            .describe(
              'The full plan (request with defaults, model, GPU profile, cluster, namespace, memory fit, cost, quota, budget, decisions); input of ai-platform:endpoint:render',
            ),
        approved: z => z.boolean().describe('True when every rule passed'),
        namespace: z =>
          z.string().describe("Namespace of the team's endpoints"),
        gitopsPath: z =>
          z
            .string()
            .describe('Folder for the manifests in the GitOps repository'),
        fitSummary: z =>
          z
            .string()
            .describe(
              'e.g. fits: 15.0 GiB weights + 1.0 GiB KV + 2.0 GiB overhead ≤ 20.7 GiB usable',
            ),
        monthlyCostMinUsd: z =>
          z.number().describe('Estimated monthly cost at min replicas'),
        monthlyCostMaxUsd: z =>
          z.number().describe('Estimated monthly cost at max replicas'),
        decisions: z =>
          z
            .array(
              z.object({
                rule: z.string(),
                outcome: z.enum(['pass', 'fail']),
                message: z.string(),
              }),
            )
            .describe('Every rule with its outcome and message'),
        governance: z => governanceOutputSchema(z),
      },
    },
    async handler(ctx) {
      const request: EndpointRequest = {
        name: ctx.input.name,
        owner: ctx.input.owner,
        system: ctx.input.system,
        model: ctx.input.model,
        gpuProfile: ctx.input.gpuProfile,
        cluster: ctx.input.cluster,
        runtime: ctx.input.runtime,
        contextTokens: ctx.input.contextTokens,
        maxConcurrentSequences: ctx.input.maxConcurrentSequences,
        replicas: ctx.input.replicas,
        dataClassification: ctx.input.dataClassification,
        tensorParallelSize: ctx.input.tensorParallelSize,
        gatewayModel: ctx.input.gatewayModel,
        monthlyBudgetUsd: ctx.input.monthlyBudgetUsd,
      };
      // Drop unset optional keys (a form leaves '' for an empty optional field) so the plan,
      // a JSON output, carries no undefined or empty values.
      for (const key of Object.keys(request) as (keyof EndpointRequest)[]) {
        if (request[key] === undefined || request[key] === '') {
          delete request[key];
        }
      }

      const planned = await planEndpointWithGovernance({
        request,
        platform,
        governanceConfig,
        catalog: options.catalog,
        credentials: await ctx.getInitiatorCredentials(),
        logger: ctx.logger,
      });
      const { plan, planJson, governance, failure } = planned;
      ctx.output('plan', planJson);
      ctx.output('approved', plan.approved);
      ctx.output('decisions', plan.decisions);
      ctx.output('governance', governance);
      // Recorded before a refusal fails the step: a refused plan is the case auditors look for.
      await reportAuditEvent(
        options.backend,
        ctx,
        planAuditEvent(planned, { actor: ctx.user?.ref, taskId: ctx.task.id }),
        'The plan',
      );
      if (failure) {
        throw new InputError(failure);
      }
      ctx.output('namespace', plan.namespace!);
      ctx.output('gitopsPath', plan.gitopsPath!);
      ctx.output('fitSummary', plan.memoryFit!.summary);
      ctx.output('monthlyCostMinUsd', plan.cost!.monthlyMinUsd);
      ctx.output('monthlyCostMaxUsd', plan.cost!.monthlyMaxUsd);
    },
  });
}
