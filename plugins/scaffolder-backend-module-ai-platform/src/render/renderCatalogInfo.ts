import {
  AI_PLATFORM_API_VERSION,
  ANNOTATION_ENDPOINT_REQUEST,
  ANNOTATION_GOLDEN_PATH,
  MODEL_ENDPOINT_KIND,
  validateModelEndpointEntity,
  type ModelEndpointEntityV1alpha1,
} from '@ai-platform/plugin-ai-platform-common';
import type { RenderablePlan } from './renderablePlan';
import { names } from './workloadParts';

/**
 * The endpoint's catalog entity (`catalog-info.yaml`), validated against the ModelEndpoint
 * schema.
 *
 * @internal
 */
export function renderCatalogInfo(
  plan: RenderablePlan,
  options: { lifecycle: string; templateRef?: string },
): ModelEndpointEntityV1alpha1 {
  const { name, namespace } = names(plan);
  const entity = {
    apiVersion: AI_PLATFORM_API_VERSION,
    kind: MODEL_ENDPOINT_KIND,
    metadata: {
      name,
      description: `${plan.model.name} served by ${plan.request.runtime} on ${plan.gpuProfile.id} in ${plan.cluster.name}`,
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
        [ANNOTATION_ENDPOINT_REQUEST]: JSON.stringify({
          contextTokens: plan.request.contextTokens,
          ...(plan.request.maxConcurrentSequences !== undefined
            ? { maxConcurrentSequences: plan.request.maxConcurrentSequences }
            : {}),
          tensorParallelSize: plan.request.tensorParallelSize,
          ...(plan.pausedFrom ? { pausedFrom: plan.pausedFrom } : {}),
        }),
        // backstage.io/source-template is what catalog:register sets for template-created
        // entities; Backstage's own views (and golden-path adoption) read it.
        ...(options.templateRef
          ? {
              [ANNOTATION_GOLDEN_PATH]: options.templateRef,
              'backstage.io/source-template': options.templateRef,
            }
          : {}),
      },
      tags: [plan.request.runtime, plan.gpuProfile.id],
    },
    spec: {
      type: plan.model.type ?? 'chat',
      lifecycle: options.lifecycle,
      owner: plan.request.owner,
      ...(plan.request.system ? { system: plan.request.system } : {}),
      model: {
        name: plan.model.name,
        parametersBillions: plan.model.parametersBillions,
        license: plan.model.license,
      },
      serving: {
        mode: 'self-hosted',
        runtime: plan.request.runtime,
        cluster: plan.cluster.name,
        namespace,
        gpuProfile: plan.gpuProfile.id,
        replicas: { ...plan.request.replicas },
      },
      gateway: { model: plan.request.gatewayModel },
      pricing: { gpuHourUsd: plan.gpuProfile.hourlyCostUsd },
      dataClassification: plan.request.dataClassification,
      ...(plan.request.monthlyBudgetUsd !== undefined
        ? { budget: { monthlyUsd: plan.request.monthlyBudgetUsd } }
        : {}),
    },
  };
  return validateModelEndpointEntity(entity);
}
