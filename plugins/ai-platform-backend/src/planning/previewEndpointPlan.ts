import {
  normalizeGroupRef,
  planEndpoint,
  type AiPlatformConfig,
  type EndpointRequest,
  type ExistingEndpointAllocation,
  type PlanningPreview as WirePlanningPreview,
} from '@ai-platform/plugin-ai-platform-common';
import type { PlanningPreviewRequest } from './planningPreviewRequest';

/**
 * The answer of `POST /planning/preview`: the plan numbers and every decision that can be
 * made before the template runs. The wire type, defined in the common package.
 *
 * @internal
 */
export type PlanningPreview = WirePlanningPreview;

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
  input: PlanningPreviewRequest,
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
