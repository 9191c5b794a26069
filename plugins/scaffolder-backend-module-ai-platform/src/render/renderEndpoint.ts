import yaml from 'yaml';
import type { ServingConfig } from '../platform/platformConfig';
import { renderCatalogInfo } from './renderCatalogInfo';
import { renderKserve, renderKserveLlm } from './renderKserve';
import { renderLiteLlmModel } from './renderLiteLlmModel';
import type { RenderablePlan } from './renderablePlan';
import { renderVllm } from './renderVllm';
import {
  validateRenderedManifests,
  type KubernetesObject,
} from './validateManifests';

export {
  parseRenderablePlan,
  renderablePlanSchema,
  type RenderablePlan,
} from './renderablePlan';
export { inClusterApiBase } from './renderLiteLlmModel';

/**
 * The file, beside the manifests in the GitOps repository, that records the request the
 * endpoint was planned from; Day-2 operations (`ai-platform:endpoint:change`) start from it.
 * A `.json` file, so `ai-platform:kubernetes:apply` and YAML-only GitOps tools skip it.
 *
 * @internal
 */
export const ENDPOINT_REQUEST_FILE = 'endpoint-request.json';

/**
 * The recorded request of a planned endpoint (the content of {@link ENDPOINT_REQUEST_FILE}).
 *
 * @internal
 */
export type EndpointRequestRecord = {
  apiVersion: 'aiplatform.io/v1alpha1';
  kind: 'EndpointRequest';
  request: RenderablePlan['request'] & {
    gpuProfile: string;
    cluster: string;
    maxConcurrentSequences?: number;
  };
  /** Set while the endpoint is paused: the replicas resume restores. */
  pausedFrom?: { min: number; max: number };
};

function renderEndpointRequestRecord(
  plan: RenderablePlan,
): EndpointRequestRecord {
  return {
    apiVersion: 'aiplatform.io/v1alpha1',
    kind: 'EndpointRequest',
    request: {
      ...plan.request,
      gpuProfile: plan.gpuProfile.id,
      cluster: plan.cluster.name,
    },
    ...(plan.pausedFrom ? { pausedFrom: plan.pausedFrom } : {}),
  };
}

/**
 * One rendered file, relative to the render target folder.
 *
 * @internal
 */
export type RenderedFile = { path: string; content: string };

/**
 * Renders every file of a planned endpoint: the workload for its runtime, the LiteLLM route
 * and the catalog entity. Every Kubernetes object is validated against its schema and the
 * entity against the ModelEndpoint schema before anything is returned.
 *
 * @internal
 */
export function renderEndpointFiles(
  plan: RenderablePlan,
  serving: ServingConfig,
  options: { lifecycle: string; templateRef?: string },
): { files: RenderedFile[]; objects: KubernetesObject[] } {
  let workload: Array<[string, KubernetesObject]>;
  switch (plan.request.runtime) {
    case 'vllm':
      workload = renderVllm(plan, serving);
      break;
    case 'kserve':
      workload = renderKserve(plan, serving);
      break;
    default:
      workload = renderKserveLlm(plan, serving);
  }
  validateRenderedManifests(workload);
  const entity = renderCatalogInfo(plan, options);
  const files: RenderedFile[] = [
    ...workload.map(([path, object]) => ({
      path,
      content: yaml.stringify(object),
    })),
    {
      path: 'gateway/litellm-model.yaml',
      content: yaml.stringify(renderLiteLlmModel(plan)),
    },
    { path: 'catalog-info.yaml', content: yaml.stringify(entity) },
    {
      path: ENDPOINT_REQUEST_FILE,
      content: `${JSON.stringify(
        renderEndpointRequestRecord(plan),
        null,
        2,
      )}\n`,
    },
  ];
  return { files, objects: workload.map(([, object]) => object) };
}
